"""Building the staleness report costs the same queries for 10 or 1,000 stale articles."""

from __future__ import annotations

import pytest
from django.utils import timezone

from articles.models import Article
from editorial.models import StalenessFlag
from editorial.notify.delivery import mail_render
from editorial.reporting.staleness_report import REPORT_MAX_LINES, report_list_for_recipients
from reviewers.models import ReviewAssignment
from tests.factories import BoardMemberFactory, SourceFactory, UserFactory, editor_user

pytestmark = pytest.mark.django_db

# 1 stale articles · 2 their open flags with the source · 3 periodic reviews due ·
# 4 late assignments with reviewer · 5 approvers of those articles · 6 recipients with their
# preferences and whether each is an editor
REPORT_QUERIES = 8  # + the latest audit verification (issue 9), readers' reports (issue 21)


def make_stale(count: int, *, authors: int, sources: int, reviewers: int) -> None:
    """Stale articles with an open flag and an approval each, written in bulk (fast)."""
    people = [UserFactory(groups=["Authors"]) for _ in range(authors)]
    members = [BoardMemberFactory() for _ in range(reviewers)]
    cited = [SourceFactory(current_version="2") for _ in range(sources)]
    start = Article.objects.count()
    articles = Article.objects.bulk_create(
        Article(
            title=f"Stale question {start + i}",
            slug=f"stale-{start + i}",
            author=people[i % authors],
            status="stale",
            review_round=1,
        )
        for i in range(count)
    )
    now = timezone.now()
    StalenessFlag.objects.bulk_create(
        StalenessFlag(
            article=a,
            source=cited[i % sources],
            from_version="1",
            to_version="2",
            reason="source changed",
            detected_at=now,
        )
        for i, a in enumerate(articles)
    )
    ReviewAssignment.objects.bulk_create(
        ReviewAssignment(article=a, reviewer=members[i % reviewers], round=1, decision="approved")
        for i, a in enumerate(articles)
    )


def build_and_render() -> int:
    reports = report_list_for_recipients()
    for report in reports:
        mail_render("staleness_report", {"report": report, "subject": report.subject})
    return len(reports)


def test_report_queries_do_not_grow_with_1000_stale_articles(django_assert_max_num_queries):
    editor_user()
    make_stale(10, authors=5, sources=2, reviewers=3)
    with django_assert_max_num_queries(REPORT_QUERIES):
        small = build_and_render()

    make_stale(1000, authors=100, sources=20, reviewers=10)
    with django_assert_max_num_queries(REPORT_QUERIES):
        large = build_and_render()

    assert (small, large) == (1 + 5 + 3, 1 + 105 + 13)
    editor_report = next(r for r in report_list_for_recipients() if r.recipient.is_editor)
    assert editor_report.stale_count == 1010 and len(editor_report.stale_by_source) >= 1
    listed = sum(len(links) for _, links in editor_report.stale_by_source)
    assert (listed, editor_report.stale_more) == (REPORT_MAX_LINES, 1010 - REPORT_MAX_LINES)
    text = mail_render("staleness_report", {"report": editor_report, "subject": "s"}).text
    assert f"...and {1010 - REPORT_MAX_LINES} more: http://127.0.0.1:8000/admin/" in text
