"""The editors' dashboard on the admin index."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import Article
from editorial import workflow
from editorial.reporting.dashboard import dashboard_for_editors
from reviewers.models import ReviewAssignment
from tests.editorial.email_world import build_world
from tests.editorial.reporting.test_email_report_queries import make_stale
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

# 1 article counts by status · 2 overdue assignments · 3 periodic reviews due · 4 oldest under
# review · 5 stale articles by source · 6 approvals of the last 12 weeks · 7 flags raised per
# day · 8 flags resolved per day
DASHBOARD_QUERIES = 8


def tiles_of(html: str) -> dict[str, tuple[int, str]]:
    return {
        label.strip(): (int(count), url.replace("&amp;", "&"))
        for url, count, label in re.findall(
            r'<li><a href="([^"]+)"><span class="dashboard-count">(\d+)</span>([^<]+)</a></li>',
            html,
        )
    }


def test_editor_sees_counts_that_link_to_the_matching_filtered_lists(client, editor):
    world = build_world()
    ArticleFactory(submitted=True)
    client.force_login(editor)

    html = client.get("/admin/").content.decode()

    tiles = tiles_of(html)
    assert tiles["Awaiting assignment"][0] == 1
    assert tiles["Under review"][0] == 1
    assert tiles["Reviews overdue"][0] == 1
    assert tiles["Stale"][0] == 2
    assert tiles["Periodic review due within 30 days"][0] == 1
    for _label, (count, url) in tiles.items():
        listing = client.get(url)
        assert listing.status_code == 200, url  # an unknown filter would redirect with ?e=1
        assert listing.context["cl"].result_count == count, url
    assert "NICE NG109" in html and "Metformin label" in html  # stale by source
    assert "Gout flares" in html  # under review, with its age
    assert world.stale_mine.title not in html  # the list is one click away


def test_stale_by_source_links_to_that_sources_open_flags(client, editor):
    build_world()
    client.force_login(editor)
    dashboard = client.get("/admin/").context["dashboard"]

    row = next(r for r in dashboard["stale_by_source"] if r.title == "NICE NG109")
    listing = client.get(row.url)

    assert listing.status_code == 200
    assert [f.article.title for f in listing.context["cl"].result_list] == ["Cystitis in women"]


def test_chart_is_inline_svg_without_script_or_inline_styles(client, editor):
    build_world()
    approved = ArticleFactory(approved=True)
    client.force_login(editor)

    html = client.get("/admin/").content.decode()

    start = html.index('<svg class="dashboard-chart"')
    svg = html[start : html.index("</svg>", start)]
    bars = re.findall(r'<rect class="bar-(raised|resolved)"[^>]*><title>', svg)
    assert bars.count("raised") == 12 and bars.count("resolved") == 12  # besides the legend
    assert "<polyline" in svg  # this week's median days to approval
    assert "<script" not in svg and "href" not in svg  # nothing fetched, nothing run
    assert "style=" not in svg
    assert "css/dashboard.css" in html
    week = client.get("/admin/").context["dashboard"]["weeks"][-1]
    assert week.raised == 2 and week.median_days is not None
    assert approved.approved_at is not None


def test_under_review_shows_days_since_submission(client, editor, reviewer):
    article = ArticleFactory(submitted=True, title="Gout flares")
    Article.objects.filter(pk=article.pk).update(submitted_at=timezone.now() - timedelta(days=9))
    workflow.review_assign(article=article, reviewers=[reviewer], actor=editor)

    (item,) = dashboard_for_editors()["under_review"]

    assert (item.title, item.age_days) == ("Gout flares", 9)


def test_reviewers_and_authors_do_not_get_the_dashboard(client, reviewer, author):
    client.force_login(reviewer.user)
    assert client.get("/admin/").status_code == 302  # to My reviews
    client.force_login(author)
    response = client.get("/admin/")
    assert response.status_code == 200 and "dashboard" not in response.context


def test_overdue_filter_lists_only_late_current_assignments(client, editor):
    world = build_world()
    client.force_login(editor)
    listing = client.get("/admin/reviewers/reviewassignment/?overdue=yes")

    assert [a.pk for a in listing.context["cl"].result_list] == [world.late.pk]
    assert ReviewAssignment.objects.filter(decision="pending").count() > 1


def test_dashboard_queries_do_not_grow_with_articles(django_assert_max_num_queries):
    make_stale(10, authors=3, sources=2, reviewers=2)
    with django_assert_max_num_queries(DASHBOARD_QUERIES):
        dashboard_for_editors()

    make_stale(1000, authors=20, sources=15, reviewers=5)
    with django_assert_max_num_queries(DASHBOARD_QUERIES):
        dashboard = dashboard_for_editors()

    assert len(dashboard["stale_by_source"]) == 17
    assert dashboard["weeks"][-1].raised == 1010


def test_admin_index_queries_do_not_grow_with_articles(client, editor):
    client.force_login(editor)
    make_stale(10, authors=3, sources=2, reviewers=2)
    with CaptureQueriesContext(connection) as small:
        assert client.get("/admin/").status_code == 200

    make_stale(500, authors=10, sources=10, reviewers=3)
    with CaptureQueriesContext(connection) as large:
        assert client.get("/admin/").status_code == 200

    # session, user, board member (reviewers land elsewhere), groups (is_editor), the
    # dashboard's 8, the admin's app list (user and group permissions), its recent actions
    assert len(large) == len(small) == 4 + DASHBOARD_QUERIES + 3
