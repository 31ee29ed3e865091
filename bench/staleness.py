"""Benchmark the staleness sweep on PostgreSQL: one source changes under 10,000 of 100,000
approved articles (1,000,000 citations).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/imprimatur .venv/bin/python bench/staleness.py
    ... bench/staleness.py --articles 20000      # a smaller run

It creates a scratch database `<name>_bench` next to DATABASE_URL's (dropped at the end unless
--keep), builds the data with INSERT ... SELECT generate_series (a few seconds), then prints:
the sweep's time (source_record_version: UPDATE + history + flags, in one transaction) beside
the floor, a plain SQL UPDATE of the same rows (rolled back), and the process's peak memory.
Goals: sweep <= 3x the floor and under 2 s; peak memory under 200 MiB.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
CITATIONS_PER_ARTICLE = 10
SOURCES = 1000
REPEATS = 3
SNAPSHOT_PADDING = 800  # characters: an approved snapshot is a few KB in real life


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument(
        "--flagged-share", type=int, default=10, help="1 in N articles cites the changed source"
    )
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    parser.add_argument("--quick", action="store_true", help="make bench: 5,000 articles")
    parser.add_argument(
        "--reuse", action="store_true", help="reuse a database kept by --keep (reset, no rebuild)"
    )
    return parser.parse_args()


def scratch_database() -> tuple[str, str]:
    """(admin URL, scratch URL): the scratch database sits beside DATABASE_URL's."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("bench/staleness.py needs DATABASE_URL=postgres://... (PostgreSQL)")
    parts = urlsplit(url)
    name = parts.path.lstrip("/") or "imprimatur"
    return (
        urlunsplit(parts._replace(path="/postgres")),
        urlunsplit(parts._replace(path=f"/{name}_bench")),
    )


def recreate(admin_url: str, scratch_url: str) -> None:
    import psycopg

    name = urlsplit(scratch_url).path.lstrip("/")
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def drop(admin_url: str, scratch_url: str) -> None:
    import psycopg
    from django.db import connections

    connections.close_all()
    name = urlsplit(scratch_url).path.lstrip("/")
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')


def insert_select(cursor, model, exprs: dict[str, str], from_sql: str) -> None:
    """INSERT INTO model's table SELECT <exprs> FROM <from_sql>; columns not given get the
    field's default, so a field added to the model later does not break the benchmark."""
    from django.db import connection

    columns, values, fill = [], [], []
    for field in model._meta.concrete_fields:
        if field.primary_key:
            continue
        columns.append(field.column)
        if field.column in exprs:
            values.append(exprs[field.column])
        else:
            values.append("%s")
            default = field.get_default() if field.has_default() or not field.null else None
            fill.append(field.get_db_prep_save(default, connection))
    cursor.execute(
        f"INSERT INTO {model._meta.db_table} ({', '.join(columns)}) "
        f"SELECT {', '.join(values)} FROM {from_sql}",
        fill,
    )


def build(n_articles: int, share: int) -> int:
    """Sources, approved articles (1 in `share` cites source #1; some drafts cite it too) and
    10 citations each. Returns the changed source's id."""
    from django.contrib.auth.models import User
    from django.db import connection, transaction

    from articles.models import Article, Citation, Source

    author = User.objects.create(username="bench-author", is_staff=True)
    with transaction.atomic(), connection.cursor() as cursor:
        insert_select(
            cursor,
            Source,
            {
                "kind": "'guideline'",
                "title": "'Guideline ' || g",
                "current_version": "'v1'",
                "retracted": "false",
                "created_at": "now()",
            },
            f"generate_series(1, {SOURCES}) g",
        )
        cursor.execute(f"SELECT min(id) FROM {Source._meta.db_table}")
        (changed,) = cursor.fetchone()
        # Every `share`-th article cites the changed source and is approved; 1 in 7 of the
        # others is a draft (a draft citing the source must not move).
        insert_select(
            cursor,
            Article,
            {
                "title": "'Clinical question ' || g",
                "slug": "'bench-' || g",
                "status": (
                    f"CASE WHEN mod(g, {share}) <> 0 AND mod(g, 7) = 0"
                    " THEN 'draft' ELSE 'approved' END"
                ),
                "review_round": "1",
                "approved_at": "now()",
                "last_reviewed_at": "now()",
                "next_review_due": "current_date + 365",
                "approved_snapshot": (
                    "jsonb_build_object('title', 'Clinical question ' || g, 'summary', "
                    f"repeat('x', {SNAPSHOT_PADDING}))"
                ),
                "created_at": "now()",
                "updated_at": "now()",
                "author_id": str(author.pk),
            },
            f"generate_series(1, {n_articles}) g",
        )
        insert_select(
            cursor,
            Citation,
            {
                "article_id": "a.id",
                "number": "n",
                "source_id": (
                    f"CASE WHEN n = 1 AND (mod(a.id, {share}) = 0 OR a.status = 'draft') "
                    f"THEN {int(changed)} "
                    f"ELSE {int(changed)} + 1 + mod(a.id * 7 + n * 13, {SOURCES - 1}) END"
                ),
                "cited_version": "'v1'",
            },
            f"{Article._meta.db_table} a CROSS JOIN generate_series(1, {CITATIONS_PER_ARTICLE}) n",
        )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")  # as autovacuum would: index-only scans for both
    return changed


def reset() -> int:
    """Undo a kept run's sweep: the articles approved again, no flags, versions, history or
    audit links. The history is append-only (editorial.audit.db): emptied with TRUNCATE under
    the session allowance the test settings use, never row by row."""
    from django.db import connection

    from articles.models import Article, Source, SourceVersion
    from editorial.models import AuditEntry, StalenessFlag

    tables = [
        m._meta.db_table
        for m in (
            StalenessFlag.history.model,
            StalenessFlag,
            SourceVersion,
            Article.history.model,
            Source.history.model,
            AuditEntry,
        )
    ]
    with connection.cursor() as cursor:
        cursor.execute("UPDATE articles_article SET status = 'approved' WHERE status = 'stale'")
        cursor.execute("SET imprimatur.allow_truncate = on")
        cursor.execute(f"TRUNCATE {', '.join(tables)}")
        cursor.execute("RESET imprimatur.allow_truncate")
        cursor.execute("UPDATE articles_source SET current_version = 'v1'")
        cursor.execute("VACUUM ANALYZE")
        cursor.execute(f"SELECT min(id) FROM {Source._meta.db_table}")
        return cursor.fetchone()[0]


def vacuum() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM articles_article, articles_historicalarticle")


def floor_seconds(source_id: int) -> float:
    """A plain SQL UPDATE of the same rows, in a transaction rolled back."""
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        started = time.perf_counter()
        cursor.execute(
            "UPDATE articles_article SET status = 'stale' WHERE status = 'approved' AND id IN "
            "(SELECT article_id FROM articles_citation WHERE source_id = %s)",
            (source_id,),
        )
        elapsed = time.perf_counter() - started
        transaction.set_rollback(True)
    return elapsed


def sweep_seconds(source, version: str, *, keep: bool) -> tuple[float, int]:
    """source_record_version (UPDATE, history rows, flags, their history, the returned list),
    in a transaction rolled back unless `keep`."""
    from django.db import transaction

    from editorial.staleness.services import source_record_version

    with transaction.atomic():
        started = time.perf_counter()
        flagged = source_record_version(source=source, version=version)
        elapsed = time.perf_counter() - started
        transaction.set_rollback(not keep)
    return elapsed, len(flagged)


def _ms(values: list[float]) -> str:
    return ", ".join(f"{v * 1000:.0f}" for v in values)


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def main() -> None:
    args = parse_args()
    if args.quick:
        args.articles = 5_000
    admin_url, scratch_url = scratch_database()
    os.environ["DATABASE_URL"] = scratch_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    os.environ["DJANGO_DEBUG"] = "false"  # DEBUG keeps every query in memory
    if not args.reuse:
        recreate(admin_url, scratch_url)
    import django

    django.setup()
    from django.core.management import call_command

    from articles.models import Article, Citation, Source
    from editorial.models import StalenessFlag

    try:
        call_command("migrate", verbosity=0)
        started = time.perf_counter()
        changed = reset() if args.reuse else build(args.articles, args.flagged_share)
        built = time.perf_counter() - started
        expected = Article.objects.filter(status="approved", citations__source_id=changed).count()
        print(
            f"data: {Article.objects.count():,} articles, {Citation.objects.count():,} citations,"
            f" {expected:,} approved articles cite the changed source (built in {built:.1f} s)"
        )
        source = Source.objects.get(pk=changed)
        # Interleaved, both rolled back, median of 3: the machine's load moves both the same
        # way. Each run starts from a vacuumed table (a rolled-back run leaves 10,000 dead rows).
        floors, sweeps = [], []
        for _ in range(REPEATS):
            vacuum()
            floors.append(floor_seconds(changed))
            vacuum()
            sweeps.append(sweep_seconds(source, "v2", keep=False)[0])
        vacuum()
        floor, sweep = statistics.median(floors), statistics.median(sweeps)
        memory_before = peak_mib()
        committed, n_flagged = sweep_seconds(source, "v2", keep=True)
        history = Article.history.filter(history_change_reason__startswith="flagged stale").count()
        stale = Article.objects.filter(status="stale").count()
        drafts = Article.objects.filter(status="draft", citations__source_id=changed).count()
        print(f"floor (plain SQL UPDATE of the same rows):  {floor * 1000:8.1f} ms")
        print(
            f"sweep (source_record_version):              {sweep * 1000:8.1f} ms"
            f"  = {sweep / floor:.1f}x the floor  (goal <= 3x, < 2000 ms)"
        )
        print(f"sweep once more, committed (incl. commit):  {committed * 1000:8.1f} ms")
        print(f"  runs (ms): floor {_ms(floors)}; sweep {_ms(sweeps)}")
        print(
            f"flagged {n_flagged:,} articles; {StalenessFlag.objects.count():,} flags,"
            f" {history:,} history rows; {stale:,} stale; {drafts:,} drafts citing it untouched"
        )
        print(
            f"peak memory (ru_maxrss): {peak_mib():.0f} MiB"
            f" (before the sweep {memory_before:.0f} MiB; goal < 200 MiB)"
        )
        if not (n_flagged == history == stale == expected):
            sys.exit("MISMATCH: the sweep did not flag exactly the approved citing articles")
        figures = {
            "articles": args.articles,
            "flagged": n_flagged,
            "sweep_ms": round(sweep * 1000, 1),
            "floor_ms": round(floor * 1000, 1),
            "ratio": round(sweep / floor, 2),
            "committed_ms": round(committed * 1000, 1),
            "peak_mib": round(peak_mib()),
        }
    finally:
        if args.keep:
            print(f"kept {scratch_url}")
        else:
            drop(admin_url, scratch_url)
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
