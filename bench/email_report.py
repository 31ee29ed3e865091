"""Benchmark building the staleness report: time and queries for N stale articles.

    .venv/bin/python bench/email_report.py                 # 1,000 and 10,000 on scratch SQLite
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/x_bench .venv/bin/python bench/email_report.py

Builds every recipient's report (report_list_for_recipients) and renders each mail (text and
HTML), as the weekly task does before sending; prints the queries, the time and the mails.
On PostgreSQL it uses DATABASE_URL's database as a scratch database: give it a throwaway name.
`--quick` (make bench): 100 then 1,000 stale articles. The last line printed is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
scratch = tempfile.mkdtemp(prefix="imprimatur-bench-")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{scratch}/bench.sqlite3")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="make bench: 100 and 1,000")
    args = parser.parse_args()
    steps = (100, 900) if args.quick else (1_000, 9_000)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from editorial.notify.delivery import mail_render
    from editorial.reporting.staleness_report import report_list_for_recipients
    from tests.editorial.reporting.test_email_report_queries import make_stale
    from tests.factories import editor_user

    call_command("migrate", verbosity=0)
    editor_user()
    total = 0
    figures: dict = {"database": ""}
    for count in steps:
        make_stale(count, authors=count // 10, sources=50, reviewers=40)
        total += count
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            reports = report_list_for_recipients()
        built = time.perf_counter()
        for report in reports:
            mail_render("staleness_report", {"report": report, "subject": report.subject})
        rendered = time.perf_counter()
        print(
            f"{total:>6} stale articles on {connection.vendor}: {len(queries)} queries, "
            f"{len(reports)} reports built in {built - started:.2f} s, "
            f"rendered in {rendered - built:.2f} s"
        )
        figures["database"] = connection.vendor
        figures[f"report_{total}_queries"] = len(queries)
        figures[f"report_{total}_build_ms"] = round((built - started) * 1000, 1)
        figures[f"report_{total}_render_ms"] = round((rendered - built) * 1000, 1)
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
