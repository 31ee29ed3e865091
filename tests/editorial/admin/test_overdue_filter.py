"""The editors' "overdue" assignment list (the dashboard's link): the rows it shows, queries
that do not grow with the list, and on PostgreSQL a plan that reads one page of the
`assignment_overdue_due` index whatever the number of overdue rows, with no statistics (issue 22,
item 3; bench/review_queue.py)."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from reviewers.models import ReviewAssignment
from tests.factories import BoardMemberFactory, articles_in_state

pytestmark = pytest.mark.django_db

OVERDUE = reverse("admin:reviewers_reviewassignment_changelist") + "?overdue=yes"
# session · user · user permissions · group permissions · count (overdue) · full count (the
# "N total" of a filtered list) · the editor's board-member profile · page of 100 (article,
# reviewer, user and signature joined) · the "round" filter's choices
OVERDUE_QUERIES = 9


def _overdue(n: int, *, late_by_hours: int = 1) -> list[ReviewAssignment]:
    """n articles under review, each with two pending assignments due in the past."""
    articles = articles_in_state(n, prefix="late")
    now = timezone.now()
    members = BoardMemberFactory(), BoardMemberFactory()
    return ReviewAssignment.objects.bulk_create(
        [
            ReviewAssignment(
                article=a,
                reviewer=m,
                round=1,
                due_at=now - timedelta(hours=late_by_hours + n - k),
            )
            for k, a in enumerate(articles)
            for m in members
        ]
    )


def _listing(client) -> tuple[list[int], list[dict]]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(OVERDUE)
    assert response.status_code == 200
    return [a.pk for a in response.context["cl"].result_list], ctx.captured_queries


def test_overdue_list_shows_open_late_assignments_soonest_due_first(client, editor):
    late = _overdue(3)
    _overdue(2, late_by_hours=-100)  # due in the future: not overdue
    sent_back = _overdue(1)
    Article.objects.filter(pk=sent_back[0].article_id).update(status="changes_requested")
    ReviewAssignment.objects.filter(pk=late[0].pk).update(decision="approved")
    client.force_login(editor)

    shown, _ = _listing(client)

    expected = sorted(late[1:], key=lambda a: (a.due_at, a.pk))
    assert shown == [a.pk for a in expected]


def test_overdue_list_queries_do_not_grow_with_the_list(client, editor):
    _overdue(5)
    client.force_login(editor)
    _, few = _listing(client)
    _overdue(150)

    shown, many = _listing(client)

    assert len(shown) == 100  # one page
    assert len(few) == len(many) == OVERDUE_QUERIES, [q["sql"] for q in many]


def _walk(plan: dict):
    yield plan
    for child in plan.get("Plans", []):
        yield from _walk(child)


def _plan(sql: str) -> dict:
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}")
        return cursor.fetchone()[0][0]["Plan"]


@pytest.mark.postgres
@pytest.mark.parametrize("late", [1000, 3000])
def test_overdue_page_walks_the_partial_index_without_statistics(client, editor, late):
    _overdue(late)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT bool_and(reltuples < 0) FROM pg_class"
            " WHERE relname IN ('articles_article', 'reviewers_reviewassignment')"
        )
        assert cursor.fetchone()[0]  # never analysed: the planner has no statistics
    client.force_login(editor)

    _, queries = _listing(client)

    (page_sql,) = [
        q["sql"]
        for q in queries
        if "reviewers_reviewassignment" in q["sql"] and " LIMIT " in q["sql"]
    ]
    plan = _plan(page_sql)
    nodes = list(_walk(plan))
    scans = [n for n in nodes if n.get("Relation Name") == "reviewers_reviewassignment"]
    assert [(n["Node Type"], n.get("Index Name")) for n in scans] == [
        ("Index Scan", "assignment_overdue_due")
    ], json.dumps(plan)
    assert not any(n["Node Type"] == "Sort" for n in nodes)  # the index's order is the page's
    assert scans[0]["Actual Rows"] == 100  # stopped at the page's end
    touched = sum(n.get("Actual Rows", 0) * n.get("Actual Loops", 1) for n in nodes)
    assert touched <= 1200  # ~10 plan nodes x 100 rows, whatever the number of overdue rows
