"""Board suggestions on a large board: prints build time, query count and selector time.

Usage: .venv/bin/python bench/board_suggestions.py [members ...]   (default 100 1000 3000)
       .venv/bin/python bench/board_suggestions.py --quick              (100 300: make bench)
Runs on a throw-away test database (SQLite by default; DATABASE_URL selects PostgreSQL).
The last line printed is one JSON object: per board size, time and queries.
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

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402


def main(sizes: list[int]) -> dict:
    from articles.models import Article
    from reviewers.models import BoardMember
    from reviewers.selectors import board_member_suggestions_for_article
    from tests.board import article_with
    from tests.board_bulk import bulk_board

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0)
    figures: dict = {"database": connection.vendor}
    try:
        from reviewers.models import Specialty

        bulk, _ = Specialty.objects.get_or_create(slug="bulk", defaults={"name": "Bulk"})
        article = article_with(label_issuer="Pfizer", specialty=bulk)
        article = Article.objects.get(pk=article.pk)
        print(f"database: {connection.vendor}")
        for size in sizes:
            started = time.perf_counter()
            bulk_board(size, conflicted_every=10)
            built = time.perf_counter() - started
            started = time.perf_counter()
            with CaptureQueriesContext(connection) as ctx:
                result = board_member_suggestions_for_article(article)
            took = (time.perf_counter() - started) * 1000
            print(
                f"members={size:>5} build={built:6.2f}s suggestions: {len(result.suggested):>5} "
                f"excluded={len(result.excluded):>4} queries={len(ctx.captured_queries)} "
                f"time={took:7.1f} ms sql=" + ",".join(q["time"] for q in ctx.captured_queries)
            )
            figures[f"suggestions_{size}_ms"] = round(took, 1)
            figures[f"suggestions_{size}_queries"] = len(ctx.captured_queries)
            BoardMember.objects.all().delete()
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    return figures


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("members", type=int, nargs="*", default=[100, 1000, 3000])
    parser.add_argument("--quick", action="store_true", help="make bench: 100 and 300 members")
    args = parser.parse_args()
    print(json.dumps(main([100, 300] if args.quick else args.members)))
