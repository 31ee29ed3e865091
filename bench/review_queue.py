"""Reviewer queue on a never-analysed PostgreSQL database: "My reviews", the editors'
assignment list (all, and overdue) and the dashboard at 100, 1,000 and 10,000 pending.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/x_bench .venv/bin/python bench/review_queue.py
    ... bench/review_queue.py --sizes 100 1000     # or --quick (make bench: 100 and 1,000)

Creates a scratch database `<DATABASE_URL's name>_scratch` (migrated, dropped at the end) and
turns autovacuum off on the queue's tables, so the planner never has statistics: what a fresh or
freshly restored database looks like before its first ANALYZE (checked: reltuples stays -1).
At each size there are N articles under review, each with two pending assignments (the
measured reviewer's and another's), due over the next days, half of them overdue, plus N
approved articles with decided assignments. For each page: time, queries, and the rows the
plans touched (EXPLAIN ANALYZE: rows returned + rows removed by filters and join filters, over
loops), for the page's biggest query and for its listing query (the one with LIMIT). A queue
that grows with the square of the pending shows here as rows touched growing ~N^2.
The last line printed is one JSON object of the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django

django.setup()

from datetime import timedelta  # noqa: E402

from django.conf import settings  # noqa: E402
from django.contrib.auth.models import Group, User  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402

from articles.models import Article  # noqa: E402
from editorial.reporting.dashboard import dashboard_for_editors  # noqa: E402
from reviewers.models import BoardMember, ReviewAssignment  # noqa: E402

TABLES = ("articles_article", "reviewers_reviewassignment")
PAGES = {
    "my_reviews": "/admin/editorial/myreview/",
    "assignments": "/admin/reviewers/reviewassignment/",
    "overdue": "/admin/reviewers/reviewassignment/?overdue=yes",
}


def rows_touched(plan: dict) -> int:
    """Rows a plan node and its children produced or threw away, over all loops."""
    loops = plan.get("Actual Loops", 1)
    own = (
        plan.get("Actual Rows", 0)
        + plan.get("Rows Removed by Filter", 0)
        + plan.get("Rows Removed by Join Filter", 0)
    ) * loops
    return int(own) + sum(rows_touched(child) for child in plan.get("Plans", []))


def explain(sql: str, *, analyze: bool = True) -> dict:
    with connection.cursor() as cursor:
        options = "ANALYZE, BUFFERS, FORMAT JSON" if analyze else "FORMAT JSON"
        cursor.execute(f"EXPLAIN ({options}) {sql}")
        return cursor.fetchone()[0][0]["Plan"]


def explain_text(sql: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) {sql}")
        return "\n".join(row[0] for row in cursor.fetchall())


def queue_queries(captured: list[dict]) -> list[str]:
    return [
        q["sql"]
        for q in captured
        if q["sql"].lstrip().upper().startswith("SELECT")
        and "reviewers_reviewassignment" in q["sql"]
    ]


def measure_page(fn) -> dict:
    fn()  # warm: templates, session
    with CaptureQueriesContext(connection) as ctx:
        started = time.perf_counter()
        fn()
        took = (time.perf_counter() - started) * 1000
    sqls = queue_queries(ctx.captured_queries)
    touched = [rows_touched(explain(sql)) for sql in sqls]
    listing = [t for sql, t in zip(sqls, touched, strict=True) if " LIMIT " in sql]
    return {
        "ms": round(took, 1),
        "queries": len(ctx.captured_queries),
        "rows_touched_max": max(touched, default=0),
        "listing_rows_touched": max(listing, default=0),
        "_sqls": sqls,
    }


def never_analysed() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT bool_and(reltuples < 0) FROM pg_class WHERE relname = ANY(%s)", [list(TABLES)]
        )
        return bool(cursor.fetchone()[0])


def build(start: int, stop: int, people: dict) -> None:
    """Articles start..stop-1 under review with two pending assignments each, and as many
    approved articles with decided assignments (the history a queue sits on)."""
    now = timezone.now()
    author, mine, other = people["author"], people["mine"], people["other"]
    pending = Article.objects.bulk_create(
        [
            Article(
                title=f"Queue {i}",
                slug=f"queue-{i}",
                author=author,
                status="under_review",
                review_round=1,
                submitted_at=now,
            )
            for i in range(start, stop)
        ],
        batch_size=2000,
    )
    done = Article.objects.bulk_create(
        [
            Article(title=f"Done {i}", slug=f"done-{i}", author=author, status="approved")
            for i in range(start, stop)
        ],
        batch_size=2000,
    )
    ReviewAssignment.objects.bulk_create(
        [
            ReviewAssignment(
                article=a, reviewer=member, round=1, due_at=now + timedelta(hours=k - len(pending))
            )
            for k, a in enumerate(pending)
            for member in (mine, other)
        ]
        + [
            ReviewAssignment(article=a, reviewer=mine, round=1, decision="approved", decided_at=now)
            for a in done
        ],
        batch_size=2000,
    )


def people() -> dict:
    author = User.objects.create(username="queue-author")
    author.groups.add(Group.objects.get(name="Authors"))
    editor = User.objects.create(username="queue-editor", is_staff=True)
    editor.groups.add(Group.objects.get(name="Editors"))
    members = [
        BoardMember.objects.create(
            user=User.objects.create(username=f"queue-reviewer{i}", is_staff=True),
            credentials="MD",
        )
        for i in range(2)
    ]
    return {"author": author, "editor": editor, "mine": members[0], "other": members[1]}


def run(sizes: list[int], show_plans: bool) -> dict:
    with connection.cursor() as cursor:
        for table in TABLES:
            cursor.execute(f"ALTER TABLE {table} SET (autovacuum_enabled = false)")
    who = people()
    reviewer, editor = Client(), Client()
    reviewer.force_login(who["mine"].user)
    editor.force_login(who["editor"])
    figures: dict = {"database": connection.vendor}
    built = 0
    last: dict = {}
    for size in sizes:
        build(built, size, who)
        built = size
        pages = {
            name: measure_page(
                lambda u=url, c=(reviewer if name == "my_reviews" else editor): c.get(u)
            )
            for name, url in PAGES.items()
        }
        pages["dashboard"] = measure_page(dashboard_for_editors)
        figures[f"never_analysed_{size}"] = never_analysed()
        print(f"{size:>6} pending (never analysed: {figures[f'never_analysed_{size}']}):")
        for name, page in pages.items():
            print(
                f"  {name:<12} {page['ms']:8.1f} ms {page['queries']:3} queries;"
                f" rows touched: biggest query {page['rows_touched_max']:>8},"
                f" listing {page['listing_rows_touched']:>6}"
            )
            for key in ("ms", "queries", "rows_touched_max", "listing_rows_touched"):
                figures[f"{name}_{size}_{key}"] = page[key]
        last = pages
    if show_plans:
        for name, page in last.items():
            for sql in page["_sqls"]:
                print(f"\n--- {name}: {sql[:160]}...\n{explain_text(sql)}")
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 10_000])
    parser.add_argument("--plans", action="store_true", help="print the plans at the last size")
    parser.add_argument("--quick", action="store_true", help="make bench: 100 and 1,000")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("bench/review_queue.py needs DATABASE_URL=postgres://... (PostgreSQL)")
    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    settings.DATABASES["default"].setdefault("TEST", {})["NAME"] = f"{old_name}_scratch"
    connection.settings_dict["TEST"] = {**connection.settings_dict.get("TEST", {})}
    connection.settings_dict["TEST"]["NAME"] = f"{old_name}_scratch"
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        figures = run([100, 1000] if args.quick else sorted(args.sizes), args.plans)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
