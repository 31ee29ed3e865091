"""Workflow benchmark: time and queries per operation for N articles on the configured DB.

    DATABASE_URL=postgres://... .venv/bin/python bench/workflow.py [--articles 1000]

Runs in a throwaway test database (created and dropped here). Prints, per operation
(create with 3 sections + 7 citations, submit, assign, approve), the mean/p95 time and the
queries per article, then the reviewers' "My reviews" page with 1,000 pending assignments.
Notification tasks the operations enqueue run after the timed window (the worker's cost,
printed on its own line). Targets (issue 2, PostgreSQL): one article through all four in
<= 40 queries and <= 46 ms; "My reviews" with 1,000 pending in <= 10 queries.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django

django.setup()

from django.contrib.auth.models import Group, User  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.backends.postgresql.base import Cursor as ClientBindingCursor  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402
from simple_history.utils import bulk_create_with_history  # noqa: E402

from articles.models import Article, Citation, Section, Source  # noqa: E402
from config.celery import app as celery_app  # noqa: E402
from config.settings.base import PREPARE_THRESHOLD  # noqa: E402
from editorial import workflow  # noqa: E402
from editorial.audit.attribution import save_attributed  # noqa: E402
from editorial.audit.pg import CHAIN_TRIGGER, OBJECT_FUNCTION  # noqa: E402
from editorial.models import OutboxMessage, OutboxStatus  # noqa: E402
from editorial.outbox.relay import outbox_relay_in_process  # noqa: E402
from reviewers.models import BoardMember  # noqa: E402

OPERATIONS = ("create", "submit", "assign", "approve")
WORKER = {"ms": 0.0, "queries": 0}
OUTBOX = {"inserts": 0, "rows": 0}
FIGURES: dict = {}
LAST_SQL: list[str] = []


def create_article(i: int, author: User, sources: list[Source]) -> Article:
    """One transaction, as an import or a single editor save would write it."""
    with transaction.atomic():
        return _create_article(i, author, sources)


def _create_article(i: int, author: User, sources: list[Source]) -> Article:
    article = Article(title=f"Question {i}?", slug=f"bench-{i}", author=author)
    # as editorial.authoring's article_create saves it (on PostgreSQL the row and its history
    # row in one statement: editorial.audit.pg_history)
    save_attributed(article, actor=author, reason="drafted")
    bulk_create_with_history(
        [
            Section(
                article=article,
                kind="research",
                position=p,
                body=f"Finding {p} [{p}], dose 5 mg [{p + 3}]" + (" [7]" if p == 3 else ""),
            )
            for p in (1, 2, 3)
        ],
        Section,
        default_user=author,
        default_change_reason="drafted",
    )
    bulk_create_with_history(
        [Citation(article=article, number=n, source=sources[n - 1]) for n in range(1, 8)],
        Citation,
        default_user=author,
        default_change_reason="cited",
    )
    return article


class _Statements:
    """The statements a timed operation runs, recorded as the peer harness counts them
    (../shared/peer-bench/wagtail: a connection.execute_wrapper with DEBUG off). Django's
    CaptureQueriesContext would switch on the debug cursor, which renders every statement with
    its parameters and logs it: work production does not do, inside the timed window."""

    def __init__(self) -> None:
        self.sql: list[str] = []

    def __call__(self, execute, sql, params, many, context):
        self.sql.append(sql)
        return execute(sql, params, many, context)


def measure(fn):
    # Owed effects (notices, the pre-render) are outbox rows written in the operation's
    # transaction; in production the relay publishes them and a worker runs them. Time the
    # operation as production runs it (no eager relay after commit), then run the rows it
    # wrote in-process after the timed window: `WORKER` keeps their own cost.
    # rows, not INSERTs: a write that owes several effects writes them in one INSERT
    last_row = OutboxMessage.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    celery_app.conf.task_always_eager = False
    statements = _Statements()
    try:
        # BEGIN and COMMIT do not pass through execute wrappers: counted as the debug cursor
        # counted them (one each per transaction the operation opened)
        with connection.execute_wrapper(statements), _transactions() as opened:
            start = time.perf_counter()
            result = fn()
            elapsed = time.perf_counter() - start
    finally:
        celery_app.conf.task_always_eager = True
    OUTBOX["inserts"] += sum(
        1 for sql in statements.sql if sql.startswith('INSERT INTO "editorial_outboxmessage"')
    )
    OUTBOX["rows"] += OutboxMessage.objects.filter(pk__gt=last_row).count()
    with CaptureQueriesContext(connection) as worker_ctx:
        start = time.perf_counter()
        # rows that are due, as the relay publishes them: the audit anchor of a write burst
        # waits AUDIT_ANCHOR_DEBOUNCE_SECONDS (its countdown) and covers every later write
        pending = OutboxMessage.objects.filter(
            status=OutboxStatus.PENDING, next_attempt_at__lte=timezone.now()
        )
        for pk in pending.values_list("pk", flat=True):
            outbox_relay_in_process(pk)
        WORKER["ms"] += (time.perf_counter() - start) * 1000
    WORKER["queries"] += len(worker_ctx.captured_queries)
    LAST_SQL[:] = ["BEGIN"] * opened[0] + statements.sql + ["COMMIT"] * opened[0]
    return result, elapsed, len(statements.sql) + 2 * opened[0]


@contextlib.contextmanager
def _transactions():
    """How many outermost transactions the block opened (each is one BEGIN and one COMMIT)."""
    opened = [0]
    original = connection.set_autocommit

    def set_autocommit(autocommit, *args, **kwargs):
        if not autocommit:
            opened[0] += 1
        return original(autocommit, *args, **kwargs)

    connection.set_autocommit = set_autocommit  # type: ignore[method-assign]
    try:
        yield opened
    finally:
        del connection.set_autocommit


def flush_outbox() -> None:
    """Everything still owed (the last burst's anchor), run after the timed operations."""
    with CaptureQueriesContext(connection) as worker_ctx:
        start = time.perf_counter()
        pending = OutboxMessage.objects.filter(status=OutboxStatus.PENDING)
        for pk in pending.values_list("pk", flat=True):
            outbox_relay_in_process(pk)
        WORKER["ms"] += (time.perf_counter() - start) * 1000
    WORKER["queries"] += len(worker_ctx.captured_queries)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--quick", action="store_true", help="100 articles (make bench)")
    parser.add_argument(
        "--sql", action="store_true", help="print the statements of the last article's operations"
    )
    parser.add_argument(
        "--chain-toggle",
        nargs="?",
        const="all",
        choices=("all", "objects"),
        help="every other article with the audit chain triggers disabled (PostgreSQL): the "
        "chain's cost on the write path, measured alternately in one run (issue 15); "
        "`objects`: only the object chains' (issue 15's additions: signatures, sources, board)",
    )
    parser.add_argument(
        "--prepared-toggle",
        action="store_true",
        help="every other article with Django's client-side binding and no prepared statements "
        "(DATABASE_PREPARED_STATEMENTS off, PostgreSQL): what they save, measured alternately "
        "in one run (issue 22)",
    )
    args = parser.parse_args()
    if args.chain_toggle and args.prepared_toggle:
        parser.error("--chain-toggle and --prepared-toggle alternate the same articles: pick one")
    if args.quick:
        args.articles = min(args.articles, 100)
    # Eager task runs log one "succeeded" line each: they would bury the figures.
    logging.getLogger("celery").setLevel(logging.WARNING)

    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        # --quick (make bench): "My reviews" at 200 pending, built through the workflow as the
        # full run builds its 1,000 (which takes minutes: every step runs its owed tasks)
        pending = 200 if args.quick else 1000
        run(
            args.articles,
            args.sql,
            chain_toggle=args.chain_toggle,
            prepared_toggle=args.prepared_toggle,
            pending=pending,
        )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def chain_triggers(*, enabled: bool, which: str = "all") -> None:
    """Enable or disable the audit chain triggers (the tables' owner may; the bench's test
    database is the owner's): every one, or (`objects`) those of the object chains. Disabled,
    rows get no chain link: the write path as it would be without that chain."""
    functions = OBJECT_FUNCTION.split("{", 1)[0] if which == "objects" else ""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid"
            " JOIN pg_proc p ON p.oid = t.tgfoid WHERE t.tgname = %s AND p.proname LIKE %s",
            [CHAIN_TRIGGER, functions.replace("_", r"\_") + "%"],
        )
        for (table,) in cursor.fetchall():
            action = "ENABLE" if enabled else "DISABLE"
            cursor.execute(f'ALTER TABLE "{table}" {action} TRIGGER {CHAIN_TRIGGER}')


def prepared_statements(*, enabled: bool) -> None:
    """Server-side binding with prepared statements (the project's default) or Django's
    client-side binding without them, on the bench's open connection."""
    connection.ensure_connection()
    raw = connection.connection
    if enabled:
        raw.cursor_factory = connection.get_connection_params()["cursor_factory"]
        raw.prepare_threshold = PREPARE_THRESHOLD
    else:
        raw.cursor_factory = ClientBindingCursor
        raw.prepare_threshold = None


def run(
    n: int,
    sql: bool = False,
    *,
    chain_toggle: str | None = None,
    prepared_toggle: bool = False,
    pending: int = 1000,
) -> None:
    author = User.objects.create(username="bench-author")
    author.groups.add(Group.objects.get(name="Authors"))
    editor = User.objects.create(username="bench-editor")
    editor.groups.add(Group.objects.get(name="Editors"))
    member = BoardMember.objects.create(
        user=User.objects.create(
            username="bench-reviewer", first_name="Ada", last_name="Quill", is_staff=True
        ),
        credentials="MD",
    )
    sources = [
        Source.objects.create(kind="journal_article", title=f"Trial {k}", doi=f"10.1000/t{k}")
        for k in range(7)
    ]
    which = chain_toggle or "all"
    chain_toggle = chain_toggle if connection.vendor == "postgresql" else None
    prepared_toggle = prepared_toggle and connection.vendor == "postgresql"
    if prepared_toggle and not connection.settings_dict["OPTIONS"].get("server_side_binding"):
        raise SystemExit("--prepared-toggle: DATABASE_PREPARED_STATEMENTS is off")
    with_chain: dict[str, list[float]] = {op: [] for op in OPERATIONS}
    without_chain: dict[str, list[float]] = {op: [] for op in OPERATIONS}
    without_queries: dict[str, list[int]] = {op: [] for op in OPERATIONS}
    statements: dict[str, list[str]] = {}
    with_queries: dict[str, list[int]] = {op: [] for op in OPERATIONS}
    for i in range(n):
        chained = not (chain_toggle or prepared_toggle) or i % 2 == 0
        if chain_toggle:
            chain_triggers(enabled=chained, which=which)
        if prepared_toggle:
            prepared_statements(enabled=chained)
        times = with_chain if chained else without_chain
        queries = with_queries if chained else without_queries
        article, t, q = measure(lambda i=i: create_article(i, author, sources))
        times["create"].append(t)
        queries["create"].append(q)
        statements["create"] = list(LAST_SQL)
        _, t, q = measure(lambda a=article: workflow.article_submit(article=a, actor=author))
        times["submit"].append(t)
        queries["submit"].append(q)
        statements["submit"] = list(LAST_SQL)
        (assignment,), t, q = measure(
            lambda a=article: workflow.review_assign(article=a, reviewers=[member], actor=editor)
        )
        times["assign"].append(t)
        queries["assign"].append(q)
        statements["assign"] = list(LAST_SQL)
        _, t, q = measure(
            lambda a=assignment: workflow.review_decide(
                assignment=a, decision="approved", actor=member.user
            )
        )
        times["approve"].append(t)
        queries["approve"].append(q)
        statements["approve"] = list(LAST_SQL)
    if chain_toggle:
        chain_triggers(enabled=True, which=which)
    if prepared_toggle:
        prepared_statements(enabled=True)
    flush_outbox()
    if sql:
        for op, lines in statements.items():
            print(f"--- {op}: {len(lines)} statements")
            for line in lines:
                print(f"    {line[:160]}")
    report(len(with_chain["create"]), with_chain, with_queries, all_articles=n)
    if chain_toggle:
        chain_report(with_chain, without_chain, without_queries, which)
    if prepared_toggle:
        prepared_report(with_chain, without_chain)
    my_reviews(member, editor, author, sources, pending)


def report(n, times, queries, *, all_articles: int) -> None:
    """Figures of the n articles timed with the chain; the worker's per article of all."""
    w = all_articles
    print(f"database: {connection.vendor}, articles: {n}")
    print(f"{'operation':<10} {'mean ms':>8} {'median':>8} {'p95 ms':>8} {'queries':>8}")
    total_ms = 0.0
    total_median = 0.0
    total_q = 0.0
    for op in OPERATIONS:
        ms = [t * 1000 for t in times[op]]
        mean = statistics.fmean(ms)
        p95 = statistics.quantiles(ms, n=20)[-1] if len(ms) >= 20 else max(ms)
        q = statistics.fmean(queries[op])
        median = statistics.median(ms)
        total_ms += mean
        total_median += median
        total_q += q
        print(f"{op:<10} {mean:8.2f} {median:8.2f} {p95:8.2f} {q:8.1f}")
        FIGURES[op] = {
            "mean_ms": round(mean, 2),
            "median_ms": round(median, 2),
            "p95_ms": round(p95, 2),
            "queries": q,
        }
    print(
        f"{'total':<10} {total_ms:8.2f} {total_median:8.2f} {'':>8} {total_q:8.1f}"
        "   (targets: <= 46 ms, <= 40 queries)"
    )
    print(
        f"{'notify':<10} {WORKER['ms'] / w:8.2f} {'':>8} {'':>8} {WORKER['queries'] / w:8.1f}"
        "   (owed tasks run from the outbox: the Celery worker's cost, not the request's)"
    )
    print(
        f"outbox rows written per article: {OUTBOX['rows'] / w:.1f}"
        f" (in {OUTBOX['inserts'] / w:.1f} INSERTs)"
    )
    FIGURES.update(
        database=connection.vendor,
        articles=n,
        total_ms=round(total_ms, 2),
        total_median_ms=round(total_median, 2),
        total_queries=total_q,
        outbox_inserts_per_article=OUTBOX["inserts"] / w,
        outbox_rows_per_article=OUTBOX["rows"] / w,
        worker_ms_per_article=round(WORKER["ms"] / w, 2),
        worker_queries_per_article=WORKER["queries"] / w,
    )


def chain_report(with_chain, without_chain, without_queries, which: str) -> None:
    """The write path with and without the chain triggers, alternate articles of one run."""
    on = sum(statistics.median(with_chain[op]) for op in OPERATIONS) * 1000
    off = sum(statistics.median(without_chain[op]) for op in OPERATIONS) * 1000
    queries_off = sum(statistics.fmean(without_queries[op]) for op in OPERATIONS)
    share = (on - off) / off if off else 0.0
    print(
        f"chain ({which}): write path median {on:.2f} ms with the chain triggers, {off:.2f} ms"
        " without"
        f" ({share:+.1%}), {queries_off:.1f} queries without (articles alternate)"
    )
    FIGURES.update(
        chain_toggled=which,
        chain_on_median_ms=round(on, 2),
        chain_off_median_ms=round(off, 2),
        chain_share=round(share, 4),
        chain_off_queries=queries_off,
    )


def prepared_report(prepared, unprepared) -> None:
    """The write path with and without prepared statements, alternate articles of one run."""
    on = sum(statistics.median(prepared[op]) for op in OPERATIONS) * 1000
    off = sum(statistics.median(unprepared[op]) for op in OPERATIONS) * 1000
    print(
        f"prepared statements: write path median {on:.2f} ms with, {off:.2f} ms without"
        f" ({on / off:.3f}x; articles alternate)"
    )
    FIGURES.update(
        prepared_on_median_ms=round(on, 2),
        prepared_off_median_ms=round(off, 2),
        prepared_ratio=round(on / off, 3),
    )


def my_reviews(member, editor, author, sources, pending: int) -> None:
    from django.test import Client

    for i in range(pending):
        article = create_article(10_000 + i, author, sources)
        workflow.article_submit(article=article, actor=author)
        workflow.review_assign(article=article, reviewers=[member], actor=editor)
    client = Client()
    client.force_login(member.user)
    client.get("/admin/editorial/myreview/")  # warm up: session, templates
    response, t, q = measure(lambda: client.get("/admin/editorial/myreview/"))
    assert response.status_code == 200, response.status_code
    assert f"{pending} my reviews".encode() in response.content
    print(
        f"My reviews, {pending} pending: {t * 1000:.1f} ms, {q} queries   (target: <= 10 queries)"
    )
    FIGURES[f"my_reviews_{pending}"] = {"ms": round(t * 1000, 1), "queries": q}
    print(json.dumps(FIGURES))


if __name__ == "__main__":
    main()
