"""Benchmark the staleness sweep on PostgreSQL: one source changes under 10,000 of 100,000
approved articles (1,000,000 citations).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/imprimatur .venv/bin/python bench/staleness.py
    ... bench/staleness.py --articles 20000      # a smaller run
    ... bench/staleness.py --contention          # also under a second process busy on one core

It creates a scratch database `<name>_bench` next to DATABASE_URL's (dropped at the end unless
--keep), builds the data with INSERT ... SELECT generate_series (a few seconds), then prints:
the sweep's time (source_record_version: UPDATE + history + flags + audit chain, in one
transaction) beside the floor, a plain SQL UPDATE of the same rows (rolled back), alternating,
and the process's peak memory. With --contention the same alternating runs are repeated while
a second process (a Python busy loop) keeps one core busy: `ratio_contended` beside `ratio`.
Where the database runs on this machine, `cpu_ratio` compares the CPU both spent (the
database backend's, from /proc, plus this process's): steadier than wall time on a shared
machine. Goals: sweep <= 2.5x the floor, no worse a ratio under contention, under 2 s; peak
memory under 200 MiB.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench._chain_variants import VARIANTS, chain_tables, switch_triggers  # noqa: E402

CITATIONS_PER_ARTICLE = 10
SOURCES = 1000
REPEATS = 3
# Every table the sweep writes: a rolled-back run leaves its dead rows (and dead index entries)
# there, which the next run would otherwise wade through.
VACUUMED = (
    "articles_article, articles_historicalarticle, editorial_stalenessflag,"
    " editorial_historicalstalenessflag, editorial_auditentry"
)
BUSY_LOOP = "while True: pass"
SNAPSHOT_PADDING = 800  # characters: an approved snapshot is a few KB in real life


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument(
        "--flagged-share", type=int, default=10, help="1 in N articles cites the changed source"
    )
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    parser.add_argument("--quick", action="store_true", help="make bench: 5,000 articles")
    parser.add_argument("--repeats", type=int, default=REPEATS, help="alternating runs (median)")
    parser.add_argument(
        "--contention",
        action="store_true",
        help="repeat the runs beside a process keeping one core busy: ratio_contended",
    )
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
    audit links. The history is append-only (editorial.audit.db): emptied with TRUNCATE, which
    the tables' owner (the bench's role) alone may run, never row by row."""
    from django.db import connection

    from articles.models import Article, Source, SourceVersion
    from editorial.models import AuditEntry, ObjectAuditEntry, StalenessFlag

    tables = [
        m._meta.db_table
        for m in (
            StalenessFlag.history.model,
            StalenessFlag,
            SourceVersion.history.model,
            SourceVersion,
            Article.history.model,
            Source.history.model,
            AuditEntry,
            ObjectAuditEntry,
        )
    ]
    with connection.cursor() as cursor:
        cursor.execute("UPDATE articles_article SET status = 'approved' WHERE status = 'stale'")
        # CASCADE: reader feedback refers to flags (empty here; the bench writes none)
        cursor.execute(f"TRUNCATE {', '.join(tables)} CASCADE")
        cursor.execute("UPDATE articles_source SET current_version = 'v1'")
        cursor.execute("VACUUM ANALYZE")
        cursor.execute(f"SELECT min(id) FROM {Source._meta.db_table}")
        return cursor.fetchone()[0]


def vacuum() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM {VACUUMED}")


@dataclass
class Run:
    """One timed run: wall seconds, and CPU seconds (None where the backend's is unreadable)."""

    wall: float
    cpu: float | None


class Meter:
    """Wall time, and the CPU the database backend (a local one: /proc/<pid>/stat) and this
    process spent."""

    def __init__(self) -> None:
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            self.stat = Path(f"/proc/{cursor.fetchone()[0]}/stat")
        self.tick = os.sysconf("SC_CLK_TCK")

    def backend_cpu(self) -> float | None:
        try:
            fields = self.stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # the database runs elsewhere (or /proc is not ours to read)
            return None
        return (int(fields[11]) + int(fields[12])) / self.tick  # utime + stime

    def __enter__(self) -> Meter:
        self.started = (time.perf_counter(), self.backend_cpu(), time.process_time())
        return self

    def __exit__(self, *exc: object) -> None:
        wall, backend, own = self.started
        ended = self.backend_cpu()
        cpu = None if backend is None or ended is None else ended - backend
        self.run = Run(
            time.perf_counter() - wall,
            None if cpu is None else cpu + time.process_time() - own,
        )


def floor_run(meter: Meter, source_id: int) -> Run:
    """A plain SQL UPDATE of the same rows, in a transaction rolled back."""
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        with meter:
            cursor.execute(
                "UPDATE articles_article SET status = 'stale' WHERE status = 'approved' AND id IN "
                "(SELECT article_id FROM articles_citation WHERE source_id = %s)",
                (source_id,),
            )
        transaction.set_rollback(True)
    return meter.run


def sweep_run(
    meter: Meter, source, version: str, *, keep: bool, variant: str | None = None
) -> tuple[Run, int]:
    """source_record_version (UPDATE, history rows, flags, their history, their audit chain
    links, the returned list), in a transaction rolled back unless `keep` (then the time
    includes the commit: the deferred foreign-key checks run there). `variant`: which chain
    triggers fire (bench/_chain_variants.py; switched inside the transaction, untimed)."""
    from django.db import connection, transaction

    from editorial.staleness.services import source_record_version

    if keep:
        with meter, transaction.atomic():
            flagged = source_record_version(source=source, version=version)
        return meter.run, len(flagged)
    with transaction.atomic():
        if variant is not None:
            with connection.cursor() as cursor:
                switch_triggers(connection, cursor, chain_tables(cursor), variant)
        with meter:
            flagged = source_record_version(source=source, version=version)
        transaction.set_rollback(True)
    return meter.run, len(flagged)


def alternate(meter: Meter, source, repeats: int) -> tuple[list[Run], list[Run]]:
    """Floor and sweep in turn, each from vacuumed tables, both rolled back."""
    floors, sweeps = [], []
    for _ in range(repeats):
        vacuum()
        floors.append(floor_run(meter, source.pk))
        vacuum()
        sweeps.append(sweep_run(meter, source, "v2", keep=False)[0])
    return floors, sweeps


def alternate_variants(meter: Meter, source, repeats: int) -> tuple[list[Run], dict]:
    """The floor, then the sweep in each variant of the chain triggers (every one, without
    the object chains', without any, every one writing format 1 links: bench/_chain_variants.py),
    each from vacuumed tables, all rolled back; the variants' order rotates from one repeat to
    the next."""
    floors: list[Run] = []
    runs: dict[str, list[Run]] = {v: [] for v in VARIANTS}
    for i in range(repeats):
        vacuum()
        floors.append(floor_run(meter, source.pk))
        shift = i % len(VARIANTS)
        for variant in VARIANTS[shift:] + VARIANTS[:shift]:
            vacuum()
            runs[variant].append(sweep_run(meter, source, "v2", keep=False, variant=variant)[0])
    return floors, runs


def contended(meter: Meter, source, repeats: int) -> tuple[list[Run], list[Run]]:
    """alternate() while a second process keeps one core busy (started and stopped here)."""
    busy = subprocess.Popen([sys.executable, "-c", BUSY_LOOP])
    try:
        time.sleep(0.5)  # let it reach the loop
        return alternate(meter, source, repeats)
    finally:
        busy.terminate()
        busy.wait()


def _ms(values: list[float]) -> str:
    return ", ".join(f"{v * 1000:.0f}" for v in values)


def figures_of(floors: list[Run], sweeps: list[Run], suffix: str = "") -> dict:
    """Medians and their ratios; cpu_ratio only where every run's CPU was readable."""
    floor = statistics.median(r.wall for r in floors)
    sweep = statistics.median(r.wall for r in sweeps)
    out = {
        f"sweep{suffix}_ms": round(sweep * 1000, 1),
        f"floor{suffix}_ms": round(floor * 1000, 1),
        f"ratio{suffix}": round(sweep / floor, 2),
    }
    floor_cpu, sweep_cpu = _cpus(floors), _cpus(sweeps)
    if floor_cpu and sweep_cpu and statistics.median(floor_cpu):
        out[f"cpu_ratio{suffix}"] = round(
            statistics.median(sweep_cpu) / statistics.median(floor_cpu), 2
        )
    return out


SHARES = (  # (figure, with, without)
    ("object_chain_share", "chain", "no_object_chain"),
    ("chain_share", "chain", "no_chain"),
    ("json_chain_share", "json_chain", "no_chain"),
)


def variant_figures(floors: list[Run], runs: dict[str, list[Run]]) -> dict:
    """The chain's share of the sweep: per variant its median (wall, CPU) and ratio to the
    floor; object_chain_share (chain against no_object_chain), chain_share (chain against
    no_chain) and json_chain_share (json_chain against no_chain): the median of each repeat's
    difference (the variants ran side by side: paired) over the lesser variant's median, from
    CPU where every run's was readable (else wall; the `_wall` keys always from wall time)."""
    out: dict = {}
    floor_wall = statistics.median(r.wall for r in floors)
    floor_cpu = _cpus(floors)
    walls = {v: [r.wall for r in runs[v]] for v in VARIANTS}
    cpus = {v: _cpus(runs[v]) for v in VARIANTS}
    has_cpu = bool(floor_cpu) and all(cpus.values()) and statistics.median(floor_cpu) > 0
    if has_cpu:
        out["floor_cpu_ms"] = round(statistics.median(floor_cpu) * 1000, 1)
    for variant in VARIANTS:
        name = "sweep" if variant == "chain" else f"sweep_{variant}"
        suffix = "" if variant == "chain" else f"_{variant}"
        out[f"{name}_ms"] = round(statistics.median(walls[variant]) * 1000, 1)
        out[f"ratio{suffix}"] = round(statistics.median(walls[variant]) / floor_wall, 2)
        if has_cpu:
            cpu = statistics.median(cpus[variant])
            out[f"{name}_cpu_ms"] = round(cpu * 1000, 1)
            out[f"cpu_ratio{suffix}"] = round(cpu / statistics.median(floor_cpu), 2)
    for share, full, less in SHARES:
        out[f"{share}_wall"] = _paired_share(walls[full], walls[less])
        out[share] = _paired_share(cpus[full], cpus[less]) if has_cpu else out[f"{share}_wall"]
    return out


def _paired_share(more: list[float], fewer: list[float]) -> float:
    """median(more[i] - fewer[i]) / median(fewer): what `more` adds, repeat by repeat."""
    extra = statistics.median(a - b for a, b in zip(more, fewer, strict=True))
    return round(extra / statistics.median(fewer), 3)


def _cpus(runs: list[Run]) -> list[float]:
    """Every run's CPU seconds, or [] if any run's could not be read."""
    cpus = [r.cpu for r in runs if r.cpu is not None]
    return cpus if len(cpus) == len(runs) else []


def print_runs(label: str, floors: list[Run], sweeps: list[Run]) -> None:
    print(
        f"  runs{label} (ms): floor {_ms([r.wall for r in floors])};"
        f" sweep {_ms([r.wall for r in sweeps])}"
    )
    floor_cpu, sweep_cpu = _cpus(floors), _cpus(sweeps)
    if floor_cpu and sweep_cpu:
        print(
            f"  cpu{label} (ms, backend + client): floor {_ms(floor_cpu)}; sweep {_ms(sweep_cpu)}"
        )


def print_variants(figures: dict, runs: dict[str, list[Run]]) -> None:
    for variant in VARIANTS[1:]:
        suffix = f"_{variant}"
        cpu_ratio = figures.get(f"cpu_ratio{suffix}")
        cpu = "" if cpu_ratio is None else f", cpu {cpu_ratio:.2f}x"
        print(
            f"sweep, {variant.replace('_', ' ')} triggers:"
            f" {figures[f'sweep{suffix}_ms']:8.1f} ms = {figures[f'ratio{suffix}']:.2f}x{cpu}"
        )
        cpus = _cpus(runs[variant])
        print(
            f"  runs (ms): {_ms([r.wall for r in runs[variant]])}"
            + (f"; cpu (ms): {_ms(cpus)}" if cpus else "")
        )
    print(
        f"chain's share of the sweep: {figures['chain_share'] * 100:.1f}%,"
        f" object chains' {figures['object_chain_share'] * 100:.1f}%,"
        f" with format 1 links {figures['json_chain_share'] * 100:.1f}%"
        f" (wall: {figures['chain_share_wall'] * 100:.1f}%,"
        f" {figures['object_chain_share_wall'] * 100:.1f}%,"
        f" {figures['json_chain_share_wall'] * 100:.1f}%)"
    )


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def measure(args: argparse.Namespace, source) -> dict:
    """Alternating floor/sweep runs (and the same under contention); prints the runs."""
    meter = Meter()
    # Interleaved, all rolled back, medians: the machine's load moves them the same way.
    floors, runs = alternate_variants(meter, source, args.repeats)
    sweeps = runs["chain"]
    figures = {**figures_of(floors, sweeps), **variant_figures(floors, runs)}
    print(f"floor (plain SQL UPDATE of the same rows):  {figures['floor_ms']:8.1f} ms")
    print(
        f"sweep (source_record_version):              {figures['sweep_ms']:8.1f} ms"
        f"  = {figures['ratio']:.2f}x the floor  (goal <= 2.5x, < 2000 ms)"
    )
    print_runs("", floors, sweeps)
    print_variants(figures, runs)
    if args.contention:
        floors, sweeps = contended(meter, source, args.repeats)
        more = figures_of(floors, sweeps, "_contended")
        print(
            f"with one core kept busy: floor {more['floor_contended_ms']:.1f} ms, sweep"
            f" {more['sweep_contended_ms']:.1f} ms = {more['ratio_contended']:.2f}x"
            f" (goal: no worse than {figures['ratio']:.2f}x)"
        )
        print_runs(" contended", floors, sweeps)
        figures.update(more)
    vacuum()
    return figures


def check_committed(source, changed: int, expected: int) -> dict:
    """Run the sweep once more, committed, and count what it left."""
    from articles.models import Article
    from editorial.models import AuditEntry, StalenessFlag

    memory_before = peak_mib()
    committed, n_flagged = sweep_run(Meter(), source, "v2", keep=True)
    history = Article.history.filter(history_change_reason__startswith="flagged stale")
    flag_history = StalenessFlag.history.all()
    chained = AuditEntry.objects.filter(
        model_label__in=[history.model._meta.label_lower, flag_history.model._meta.label_lower]
    ).count()
    stale = Article.objects.filter(status="stale").count()
    drafts = Article.objects.filter(status="draft", citations__source_id=changed).count()
    print(f"sweep once more, committed (incl. commit):  {committed.wall * 1000:8.1f} ms")
    print(
        f"flagged {n_flagged:,} articles; {StalenessFlag.objects.count():,} flags,"
        f" {history.count():,} history rows, {chained:,} chain links; {stale:,} stale;"
        f" {drafts:,} drafts citing it untouched"
    )
    print(
        f"peak memory (ru_maxrss): {peak_mib():.0f} MiB"
        f" (before the sweep {memory_before:.0f} MiB; goal < 200 MiB)"
    )
    if not (n_flagged == history.count() == stale == expected == chained / 2):
        sys.exit(
            "MISMATCH: the sweep did not flag (and chain) exactly the approved citing articles"
        )
    return {"flagged": n_flagged, "committed_ms": round(committed.wall * 1000, 1)}


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
        measured = measure(args, source)
        figures = {
            "articles": args.articles,
            **check_committed(source, changed, expected),
            **measured,
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
