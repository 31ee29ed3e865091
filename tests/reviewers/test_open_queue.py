"""The open review queue (ReviewAssignmentQuerySet.open): what it holds, and on PostgreSQL a
plan driven from the assignment side by index, with no statistics (issue 22, item 3)."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from articles.models import Article
from reviewers.models import ReviewAssignment
from tests.factories import BoardMemberFactory, articles_in_state

pytestmark = pytest.mark.django_db


def _articles(n: int, *, status: str = "under_review", review_round: int = 1) -> list[Article]:
    return articles_in_state(n, status=status, review_round=review_round, prefix="open-q")


def _assign(member, articles, *, round: int = 1, decision: str = "pending") -> None:
    now = timezone.now()
    ReviewAssignment.objects.bulk_create(
        [
            ReviewAssignment(
                article=a,
                reviewer=member,
                round=round,
                decision=decision,
                due_at=now + timedelta(hours=k),
            )
            for k, a in enumerate(articles)
        ]
    )


def test_open_holds_only_pending_current_round_assignments_of_articles_under_review():
    member = BoardMemberFactory()
    (current,) = _articles(1)
    (next_round,) = _articles(1, review_round=2)
    (sent_back,) = _articles(1, status="changes_requested")
    (decided,) = _articles(1)
    _assign(member, [current, sent_back])
    _assign(member, [next_round], round=1)  # an old round's assignment, never decided
    _assign(member, [decided], decision="approved")

    open_articles = {a.article_id for a in ReviewAssignment.objects.open()}

    assert open_articles == {current.pk}


def test_overdue_holds_the_open_assignments_due_before_now():
    member = BoardMemberFactory()
    late, due, next_round, sent_back, decided = (_articles(1)[0] for _ in range(5))
    Article.objects.filter(pk=next_round.pk).update(review_round=2)
    Article.objects.filter(pk=sent_back.pk).update(status="changes_requested")
    _assign(member, [late, due, next_round, sent_back])
    _assign(member, [decided], decision="approved")
    ReviewAssignment.objects.exclude(article=due).update(due_at=timezone.now() - timedelta(days=1))
    now = timezone.now()

    overdue = list(ReviewAssignment.objects.overdue(now))

    assert [a.article_id for a in overdue] == [late.pk]
    assert overdue == list(ReviewAssignment.objects.open().filter(due_at__lt=now))


def _plan(queryset) -> dict:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}", params)
        return cursor.fetchone()[0][0]["Plan"]


def _walk(plan: dict):
    yield plan
    for child in plan.get("Plans", []):
        yield from _walk(child)


@pytest.mark.postgres
@pytest.mark.parametrize("pending", [100, 400])
def test_my_reviews_plan_walks_the_partial_index_without_statistics(pending):
    member, other = BoardMemberFactory(), BoardMemberFactory()
    articles = _articles(pending)
    _assign(member, articles)
    _assign(other, articles)
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'articles_article'")
        assert cursor.fetchone()[0] < 0  # never analysed: the planner has no statistics

    page = ReviewAssignment.objects.open().filter(reviewer=member).select_related("article")
    plan = _plan(page.order_by("due_at", "pk")[:50])

    nodes = list(_walk(plan))
    assert any(n.get("Index Name") == "assignment_pending_reviewer" for n in nodes), json.dumps(
        plan
    )
    # each article is read once by primary key: no assignment x article pairing
    assert not any(n.get("Rows Removed by Join Filter") for n in nodes)
    assert not any(n["Node Type"] in ("Hash Join", "Merge Join", "Seq Scan") for n in nodes)
    touched = sum(n.get("Actual Rows", 0) * n.get("Actual Loops", 1) for n in nodes)
    assert touched <= 400  # the first 50 rows and their articles, whatever the queue size
