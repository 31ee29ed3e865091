"""Audit benchmark: chain verification and timeline/export cost on the configured DB.

    DATABASE_URL=postgres://... .venv/bin/python bench/audit.py [--articles 200 --edits 50]

Runs in a throwaway test database (created and dropped here). Builds N articles through the
workflow (create, submit, assign, approve) plus E section edits each, then prints: the
history-row write cost with the chain, `verify_audit` over everything (time, queries,
entries/s), and one article's timeline, CSV and PDF (time, queries).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from io import StringIO
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django

django.setup()

from django.contrib.auth.models import Group, User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402

from articles.models import Section, Source  # noqa: E402
from bench.workflow import create_article  # noqa: E402
from editorial import workflow  # noqa: E402
from editorial.audit.export import audit_pdf, timeline_csv  # noqa: E402
from editorial.audit.timeline import article_timeline  # noqa: E402
from editorial.models import AuditEntry  # noqa: E402
from reviewers.models import BoardMember  # noqa: E402


def measure(fn):
    with CaptureQueriesContext(connection) as ctx:
        start = time.perf_counter()
        result = fn()
        elapsed = time.perf_counter() - start
    return result, elapsed, len(ctx.captured_queries)


def build(n: int, edits: int):
    author = User.objects.create(username="bench-author")
    author.groups.add(Group.objects.get(name="Authors"))
    editor = User.objects.create(username="bench-editor")
    editor.groups.add(Group.objects.get(name="Editors"))
    member = BoardMember.objects.create(
        user=User.objects.create(username="bench-reviewer", last_name="Quill"), credentials="MD"
    )
    sources = [
        Source.objects.create(kind="journal_article", title=f"Trial {k}", doi=f"10.1000/t{k}")
        for k in range(7)
    ]
    articles = []
    edit_time = 0.0
    for i in range(n):
        article = create_article(i, author, sources)
        section = Section.objects.filter(article=article).first()
        assert section is not None  # create_article writes sections
        body = section.body
        start = time.perf_counter()
        for e in range(edits):
            section.body = f"{body} (revision {e})"
            section._change_reason = f"edit {e}"
            section.save()
        edit_time += time.perf_counter() - start
        workflow.article_submit(article=article, actor=author)
        (assignment,) = workflow.review_assign(article=article, reviewers=[member], actor=editor)
        workflow.review_decide(assignment=assignment, decision="approved", actor=member.user)
        articles.append(article)
    return articles, edit_time


def run(n: int, edits: int) -> dict:
    articles, edit_time = build(n, edits)
    entries = AuditEntry.objects.count()
    print(f"database: {connection.vendor}, articles: {n}, chain entries: {entries}")
    figures: dict = {"database": connection.vendor, "articles": n, "chain_entries": entries}
    if edits:
        _, _, q = measure(lambda: Section.objects.all()[0].save())
        print(f"history row write with chain: {edit_time / (n * edits) * 1000:.2f} ms, {q} queries")
        figures["history_write_ms"] = round(edit_time / (n * edits) * 1000, 2)
        figures["history_write_queries"] = q
    out = StringIO()
    _, t, q = measure(lambda: call_command("verify_audit", stdout=out))
    print(f"verify_audit (all): {t:.2f} s, {q} queries, {entries / t:,.0f} entries/s")
    figures.update(verify_audit_ms=round(t * 1000, 1), verify_audit_queries=q)
    audit, t, q = measure(lambda: article_timeline(articles[0]))
    print(f"timeline of one article ({len(audit.entries)} entries): {t * 1000:.1f} ms, {q} queries")
    figures.update(timeline_ms=round(t * 1000, 1), timeline_queries=q)
    _, t, _ = measure(lambda: timeline_csv(audit))
    print(f"timeline CSV: {t * 1000:.1f} ms")
    figures["timeline_csv_ms"] = round(t * 1000, 1)
    pdf, t, _ = measure(lambda: audit_pdf(audit, timezone.now()))
    print(f"audit PDF: {t * 1000:.1f} ms, {len(pdf) / 1024:.0f} KiB")
    figures["audit_pdf_ms"] = round(t * 1000, 1)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--edits", type=int, default=50)
    parser.add_argument("--quick", action="store_true", help="make bench: 20 articles, 10 edits")
    args = parser.parse_args()
    if args.quick:
        args.articles, args.edits = 20, 10
    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        figures = run(args.articles, args.edits)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
