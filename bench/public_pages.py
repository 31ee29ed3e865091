"""Benchmark the public pages: 10,000 approved articles on PostgreSQL, gunicorn with 2 workers,
16 concurrent clients on the article page, the index and search (issue 21: search p95 <= 2x the
article page's). Prints p50/p95 latency, requests per second and each worker's peak memory
(VmHWM); the last line is one JSON object of the figures (ms), with --baseline REF those of
another ref (e.g. main) measured in the same run. Goals: p95 <= 50 ms, < 150 MiB per worker.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/imprimatur_bench \\
        .venv/bin/python bench/public_pages.py [--articles 10000] [--duration 10] [--baseline main]

Uses wrk when installed (apt-get install wrk), else a small threaded client. Only 127.0.0.1.
Bench articles (slug "bench-*") are created once with bulk_create: each has its own approved
snapshot (4 Markdown sections, 8 citations) and two approving board members with signed
approvals (one with a current disclosure), so every page shows its reviewers and its own text.
Each article is stored as approval stores it, with its body pre-rendered
(editorial.public.render); a bench database seeded before that is brought up to date by the
backfill production runs (prerender_snapshots). The shared page cache (Redis, --cache) is
flushed; the article page is measured cold (most requests render; a search, which renders its
page, is compared with this: `search_p95_over_article_p95`), then every page is requested once
(the warm-up: its CPU per request is the render cost, `article_render_cpu_ms`); the scenarios
then draw paths uniformly at random, as readers in a steady state do. The floor (issue 22) is
a bench-only view returning a stored 20 KB page
through the same settings and middleware (bench/_floor_urls.py); `article_cpu_ratio` and
`index_cpu_ratio` are the pages' worker CPU per request over the floor's, in the same run:
with --rounds N (default 3) the floor, the article page and the index are measured N times in
turn and each ratio is the median of the rounds' own ratios (`article_cpu_ratios`), the CPU
figures the rounds' medians and the p95s the worst round's. Gunicorn runs with the health
check on (DATABASE_CONN_HEALTH_CHECKS), as production does.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
os.environ.setdefault("DJANGO_DEBUG", "false")

HOST = "127.0.0.1"
PREFIX = "bench-"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--duration", type=int, default=10, help="seconds per scenario")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=0, help="default: a free port")
    parser.add_argument(
        "--baseline",
        default="",
        help="a git ref (e.g. main) measured in the same run, on the same database, for "
        "comparison: its tree is exported to a temporary directory (git archive)",
    )
    parser.add_argument(
        "--cache",
        default="redis://127.0.0.1:6379/13",
        help="CACHE_URL of the shared page cache, as production (flushed at the start)",
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=3,
        help="the floor, the article page and the index (16 clients) measured this many times in "
        "turn; the ratios are the medians of the rounds' own ratios (the shared machine's speed "
        "drifts between scenarios: the floor alone moves ~20%% within one run)",
    )
    parser.add_argument(
        "--quick", action="store_true", help="1,000 articles, 3 s scenarios, 1 round"
    )
    args = parser.parse_args()
    if args.quick:
        args.articles, args.duration = min(args.articles, 1000), min(args.duration, 3)
        args.rounds = 1
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        print("Set DATABASE_URL=postgres://... (the benchmark runs on PostgreSQL).")
        return 2

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    slugs = seed(args.articles)
    print(f"articles: {len(slugs)} approved bench articles on PostgreSQL")
    print(f"load average before: {load_average()} on {os.cpu_count()} CPUs (shared machine)")

    database = connection.settings_dict["NAME"]
    figures: dict[str, Any] = {
        "articles": len(slugs),
        "this": measure(slugs, args, database, ROOT),
    }
    if args.baseline:
        with tempfile.TemporaryDirectory() as tree:
            export_tree(args.baseline, Path(tree))
            print(f"--- baseline: {args.baseline} (same database, same load) ---")
            baseline = measure(slugs, args, database, Path(tree))
            figures["baseline"] = {"ref": args.baseline, **baseline}
    this = figures["this"]
    # issue 21: a search renders its page (readers' questions rarely repeat), so it is held
    # against the article page when that renders too (cold); beside the cached page, for the record
    figures["search_p95_over_article_p95"] = round(
        this["search"]["p95"] / max(this["article_cold"]["p95"], 0.001), 2
    )
    figures["search_p95_over_cached_article_p95"] = round(
        this["search"]["p95"] / max(this["article"]["p95"], 0.001), 2
    )
    figures.update(headline(this))
    print(json.dumps(figures))
    return 0


FLOOR_PATHS = ["/__bench__/floor/"]  # the bench-only view (bench/_floor_urls.py)
SCENARIO_KEYS = {"article page": "article", "index search": "search", "index": "index"}


def headline(this: dict) -> dict:
    """The issue-22 figures, flat: worker CPU per request of each page against the floor's
    (a stored 20 KB page through the same settings and middleware), measured in this run."""
    floor = this.get("floor", {}).get("cpu_ms") or 0.0
    out = {
        "floor_cpu_ms": floor,
        "article_render_cpu_ms": this.get("article_render", {}).get("cpu_ms"),
        "article_cpu_ms": this["article"]["cpu_ms"],
        "index_cpu_ms": this["index"]["cpu_ms"],
        "article_p95_ms": this["article"]["p95"],
        "article_rps": this["article"]["rps"],
        "index_p95_ms": this["index"]["p95"],
        "floor_rps": this.get("floor", {}).get("rps"),
        "floor_rps_1client": this.get("floor_1_client", {}).get("rps"),
        "article_rps_1client": this.get("article_page_1_client", {}).get("rps"),
    }
    if floor:
        out["article_cpu_ratio"] = round(this["article"]["cpu_ms"] / floor, 2)
        out["index_cpu_ratio"] = round(this["index"]["cpu_ms"] / floor, 2)
    rounds = this.get("rounds") or []
    if len(rounds) > 1:
        # several rounds: each page against the floor of its own round, the median of those
        for page in ("article", "index"):
            ratios = [r[page]["cpu_ms"] / r["floor"]["cpu_ms"] for r in rounds]
            out[f"{page}_cpu_ratios"] = [round(ratio, 2) for ratio in ratios]
            out[f"{page}_cpu_ratio"] = round(statistics.median(ratios), 2)
            out[f"{page}_cpu_ms"] = statistics.median(r[page]["cpu_ms"] for r in rounds)
            out[f"{page}_p95_ms"] = max(r[page]["p95"] for r in rounds)  # the worst round's
        out["floor_cpu_ms"] = statistics.median(r["floor"]["cpu_ms"] for r in rounds)
        out["rounds"] = len(rounds)
    return out


def measure(slugs: list[str], args, database: str, tree: Path) -> dict:
    """Start gunicorn on `tree`'s code, run every scenario, return {key: figures}."""
    port = args.port or free_port()
    server = start_gunicorn(port, args.workers, tree, args.cache)
    figures: dict = {}
    try:
        base = f"http://{HOST}:{port}"
        specialties = [f"/?specialty={PREFIX}spec-{i}" for i in range(6)]
        scenarios = {
            "article page": [f"/articles/{s}/" for s in slugs],
            "index": ["/"] + [f"/?page={p}" for p in range(2, 51)] + specialties,
            # a reader's search finds a few articles; "fulvestrant" is in every bench summary
            "index search": [f"/?q=condition+{n}" for n in range(0, len(slugs), 37)],
            "search matching all": ["/?q=fulvestrant"],
        }
        has_floor = (tree / "bench" / "_floor_urls.py").exists()
        for path in ("/", scenarios["article page"][0]):
            # warm both workers' imports and connections; a 404 means someone else's server
            if fetch(base, path) != 200:
                raise RuntimeError(f"{base}{path} did not answer 200: is the port ours?")
        floor_runs = [
            ("floor", FLOOR_PATHS, args.connections),
            ("floor (1 client)", FLOOR_PATHS, 1),
        ]
        runs = [
            *(floor_runs if has_floor else []),
            ("article page", scenarios["article page"], args.connections),
            ("index", scenarios["index"], args.connections),
            # one client: the service time of a request, without queueing behind the others
            ("article page (1 client)", scenarios["article page"], 1),
            ("index (1 client)", scenarios["index"], 1),
            ("index search", scenarios["index search"], args.connections),
            # informative only, and last (its slow requests would still be queued in the
            # workers): ranks the 1,000 best of 10,000 hits; 1 client so it does not hog a
            # shared machine
            ("search matching all", scenarios["search matching all"], 1),
        ]
        # Steady state: every page has been rendered once by some worker (the shared cache's
        # purpose), so the scenarios measure what a reader costs then. The warm-up pass itself
        # is the render cost: one request per page, each a cache miss.
        # Before it, the article page while most requests still render it (a cold cache: what
        # a reader's search costs is compared with this, as both render their page)
        figures["article_cold"] = run_scenario(
            server,
            base,
            database,
            "article page (cold)",
            scenarios["article page"],
            args.connections,
            args.duration,
        )
        warm = scenarios["article page"] + scenarios["index"]
        cpu_before = workers_cpu_seconds(server.pid)
        started = time.monotonic()
        warm_up(base, scenarios["article page"])
        render_cpu = (workers_cpu_seconds(server.pid) - cpu_before) * 1000 / len(slugs)
        warm_up(base, scenarios["index"])
        print(
            f"{'warm-up (render)':>24}: {len(warm)} pages in {time.monotonic() - started:.1f} s, "
            f"article render CPU/request: workers {render_cpu:.1f} ms"
        )
        figures["article_render"] = {"cpu_ms": round(render_cpu, 2)}
        for name, paths, connections in runs:
            figures[scenario_key(name)] = run_scenario(
                server, base, database, name, paths, connections, args.duration
            )
        if has_floor:
            figures["rounds"] = [_round_figures(figures)] + [
                _round(server, base, database, scenarios, args, number)
                for number in range(2, args.rounds + 1)
            ]
        for pid, peak_kib in worker_peak_memory(server.pid):
            print(f"worker {pid}: peak memory (VmHWM) {peak_kib / 1024:.1f} MiB")
        print(f"load average after: {load_average()}")
    finally:
        server.terminate()
        server.wait(timeout=10)
    return figures


ROUND_SCENARIOS = ("floor", "article", "index")


def _round_figures(figures: dict) -> dict:
    """One round's worker CPU per request and p95 of the floor, the article page, the index."""
    return {
        key: {"cpu_ms": figures[key]["cpu_ms"], "p95": figures[key]["p95"]}
        for key in ROUND_SCENARIOS
    }


def _round(server, base: str, database: str, scenarios: dict, args, number: int) -> dict:
    """The floor, the article page and the index again, one after another (16 clients)."""
    paths = {
        "floor": FLOOR_PATHS,
        "article": scenarios["article page"],
        "index": scenarios["index"],
    }
    measured = {
        key: run_scenario(
            server,
            base,
            database,
            f"{key} (round {number})",
            paths[key],
            args.connections,
            args.duration,
        )
        for key in ROUND_SCENARIOS
    }
    return _round_figures(measured)


def warm_up(base: str, paths: list[str], threads: int = 4) -> None:
    """Request each path once (`threads` at a time)."""
    todo = list(paths)
    lock = threading.Lock()

    def client() -> None:
        while True:
            with lock:
                if not todo:
                    return
                path = todo.pop()
            fetch(base, path)

    workers = [threading.Thread(target=client) for _ in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()


def scenario_key(name: str) -> str:
    return SCENARIO_KEYS.get(name, name.replace(" ", "_").replace("(", "").replace(")", ""))


def run_scenario(
    server: subprocess.Popen, base: str, database: str, name: str, paths, connections, duration
) -> dict:
    """One load scenario: latency, throughput, and the CPU per request of the workers and of
    their PostgreSQL backends (what the page costs, whatever else the shared machine is doing:
    wall-clock latency includes waiting for a CPU)."""
    cpu_before = workers_cpu_seconds(server.pid)
    db_before = database_cpu_seconds(database)
    result = run_load(base, paths, connections, duration)
    requests = max(result["requests"], 1)
    cpu_ms = (workers_cpu_seconds(server.pid) - cpu_before) * 1000 / requests
    db_ms = (database_cpu_seconds(database) - db_before) * 1000 / requests
    print(
        f"{name:>24}: p50 {result['p50']:.1f} ms  p95 {result['p95']:.1f} ms  "
        f"{result['rps']:.0f} req/s  CPU/request: workers {cpu_ms:.1f} ms, "
        f"PostgreSQL {db_ms:.1f} ms  ({result['requests']} requests, "
        f"{result['errors']} errors, {connections} clients, {result['tool']})"
    )
    return {
        "p50": round(result["p50"], 1),
        "p95": round(result["p95"], 1),
        "rps": round(result["rps"]),
        "errors": result["errors"],
        "clients": connections,
        "cpu_ms": round(cpu_ms, 2),
        "db_cpu_ms": round(db_ms, 2),
    }


def export_tree(ref: str, target: Path) -> None:
    """The files of `ref` (git archive), without touching any work tree."""
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", ref], capture_output=True, check=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(target)], input=archive, check=True)


def seed(count: int) -> list[str]:
    """Create the bench articles that are missing (idempotent); return their slugs."""
    from django.contrib.auth.models import User
    from django.db import transaction
    from django.utils import timezone

    from articles.models import Article
    from reviewers.models import BoardMember, ReviewAssignment, Specialty

    existing = Article.objects.filter(slug__startswith=PREFIX).count()
    if existing < count:
        with transaction.atomic():
            author, _ = User.objects.get_or_create(username=f"{PREFIX}author")
            specialties = [
                Specialty.objects.get_or_create(
                    slug=f"{PREFIX}spec-{i}", defaults={"name": f"Bench specialty {i}"}
                )[0]
                for i in range(6)
            ]
            members = []
            for i, credentials in enumerate(("MD", "PharmD")):
                user, _ = User.objects.get_or_create(
                    username=f"{PREFIX}reviewer{i}",
                    defaults={"first_name": f"Rev{i}", "last_name": "Bench"},
                )
                members.append(
                    BoardMember.objects.get_or_create(
                        user=user, defaults={"credentials": credentials}
                    )[0]
                )
            now = timezone.now()
            articles = [
                _bench_article(n, author, specialties[n % 6], now - timedelta(minutes=n))
                for n in range(existing, count)
            ]
            Article.objects.bulk_create(articles, batch_size=1000)
            ReviewAssignment.objects.bulk_create(
                [
                    ReviewAssignment(
                        article=a,
                        reviewer=m,
                        round=1,
                        decision="approved",
                        decided_at=a.approved_at,
                    )
                    for a in articles
                    for m in members
                ],
                batch_size=2000,
            )
    _sign_approvals()
    from django.db import connection

    from editorial.public.render import approved_snapshots_prerender

    # what the approval stores; a bench database seeded before pre-rendering is backfilled
    approved_snapshots_prerender(Article.objects.filter(slug__startswith=PREFIX))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE articles_article")  # planner estimates after the bulk insert
        cursor.execute("ANALYZE reviewers_reviewassignment")
        cursor.execute("ANALYZE reviewers_signature")
    return list(
        Article.objects.filter(slug__startswith=PREFIX)
        .order_by("pk")
        .values_list("slug", flat=True)[:count]
    )


def _sign_approvals() -> None:
    """Sign the bench approvals over their article's content, as review_decide does, so pages
    list their reviewers; one reviewer has a current disclosure (idempotent)."""
    from django.db import transaction

    from articles.snapshot import snapshot_hash
    from reviewers.models import Disclosure, ReviewAssignment, Signature

    unsigned = ReviewAssignment.objects.filter(
        article__slug__startswith=PREFIX, signature__isnull=True
    ).select_related("article", "reviewer__user")
    with transaction.atomic():
        hashes: dict[int, str] = {}
        signatures = []
        for a in unsigned.iterator(chunk_size=2000):
            assert a.decided_at is not None and a.article.approved_snapshot is not None  # approved
            if a.article_id not in hashes:
                hashes[a.article_id] = snapshot_hash(a.article.approved_snapshot)
            signatures.append(
                Signature(
                    assignment=a,
                    signer=a.reviewer.user,
                    printed_name=a.reviewer.user.get_full_name(),
                    credentials=a.reviewer.credentials,
                    signed_at=a.decided_at,
                    meaning="approved",
                    content_sha256=hashes[a.article_id],
                )
            )
        Signature.objects.bulk_create(signatures, batch_size=2000)
        member = ReviewAssignment.objects.filter(article__slug__startswith=PREFIX).first()
        if member and not Disclosure.objects.filter(member=member.reviewer_id).exists():
            Disclosure.objects.create(
                member_id=member.reviewer_id, organisation="Bench Pharma", kind="consulting"
            )


def _bench_article(n: int, author, specialty, approved_at):
    from articles.models import Article
    from editorial.public.render import snapshot_rendering

    title = f"What is the second-line treatment for bench condition {n} after endocrine therapy?"
    summary = (
        f"For condition {n}, fulvestrant with a CDK4/6 inhibitor (palbociclib, ribociclib or "
        "abemaciclib) is the usual next step; alpelisib for PIK3CA-mutated disease."
    )
    sections = [
        {
            "kind": kind,
            "heading": heading,
            "position": i,
            "body": "\n".join(
                f"- Finding {n}.{i}.{j}: fulvestrant plus palbociclib 125 mg on days 1-21 "
                f"lengthened progression-free survival [{j}, {j % 8 + 1}]."
                for j in range(1, 7)
            )
            + f"\n\nRegimen notes for case {n}: monitor neutrophils and glucose [{i + 1}].",
        }
        for i, (kind, heading) in enumerate(
            [
                ("key_points", "Key points"),
                ("guidelines", "From the Guidelines"),
                ("drug_label", "From the FDA Drug Label"),
                ("research", "From the Research"),
            ]
        )
    ]
    citations = [
        {
            "number": c,
            "locator": f"Section {c}",
            "cited_version": "2025",
            "source": {
                "id": c,
                "kind": "journal_article",
                "title": f"Trial report {c} for the bench",
                "issuer": "New England Journal of Medicine",
                "url": "",
                "doi": f"10.1056/NEJMoa{1500000 + c}",
                "pmid": str(31000000 + c),
                "pmcid": "",
                "nct_id": f"NCT0{2437300 + c}",
                "dailymed_setid": "",
                "isbn": "",
            },
        }
        for c in range(1, 9)
    ]
    snapshot = {
        "title": title,
        "summary": summary,
        "plain_summary": "",
        "risk": "standard",
        "review_round": 1,
        "specialty_id": specialty.pk,
        "sections": sections,
        "citations": citations,
    }
    return Article(
        title=title,
        slug=f"{PREFIX}{n}",
        summary=summary,
        specialty=specialty,
        author=author,
        status="approved",
        review_round=1,
        submitted_at=approved_at,
        approved_at=approved_at,
        last_reviewed_at=approved_at,
        next_review_due=(approved_at + timedelta(days=365)).date(),
        approved_snapshot=snapshot,
        approved_rendering=snapshot_rendering(snapshot),
    )


def start_gunicorn(port: int, workers: int, tree: Path, cache_url: str) -> subprocess.Popen:
    flush_cache(cache_url)  # every page renders once in this run: nothing left by another
    floor_settings = (tree / "bench" / "_floor_settings.py").exists()
    env = {
        **os.environ,
        # the local settings (the bench's own URL conf adds the floor view), the shared cache
        # on Redis as in production
        "DJANGO_SETTINGS_MODULE": (
            "bench._floor_settings" if floor_settings else "config.settings.local"
        ),
        "CACHE_URL": cache_url,
        "DJANGO_DEBUG": "false",
        "DJANGO_ALLOWED_HOSTS": HOST,
        # production keeps connections (60 s, settings/production.py); longer here so that each
        # scenario's PostgreSQL CPU is read off the same backends
        "DATABASE_CONN_MAX_AGE": "600",
        # production checks a kept connection before each request's first query
        "DATABASE_CONN_HEALTH_CHECKS": "true",
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    command = [
        str(ROOT / ".venv/bin/gunicorn"),
        "config.wsgi:application",
        f"--workers={workers}",
        f"--bind={HOST}:{port}",
        "--no-control-socket",
        "--log-level=warning",
    ]
    server = subprocess.Popen(command, cwd=tree, env=env)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and server.poll() is None:
        try:
            fetch(f"http://{HOST}:{port}", "/editorial-policy/")
            return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise RuntimeError("gunicorn did not start")


def flush_cache(cache_url: str) -> None:
    if cache_url.startswith("redis://"):
        import redis

        redis.Redis.from_url(cache_url).flushdb()


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def fetch(base: str, path: str) -> int:
    host, port = base.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=10)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


def run_load(base: str, paths: list[str], connections: int, duration: int) -> dict:
    if shutil.which("wrk"):
        return _run_wrk(base, paths, connections, duration)
    return _run_threads(base, paths, connections, duration)


WRK_SCRIPT = """
local paths = {%s}
math.randomseed(os.time() + math.floor(os.clock() * 1000000))
request = function() return wrk.format("GET", paths[math.random(#paths)]) end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %%d %%d %%d %%f %%f\\n", summary.requests, summary.duration,
    e.connect + e.read + e.write + e.timeout + e.status,
    latency:percentile(50), latency:percentile(95)))
end
"""


def _run_wrk(base: str, paths: list[str], connections: int, duration: int) -> dict:
    lua_paths = ",".join(f'"{p}"' for p in paths)
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT % lua_paths)
    try:
        command = [
            "wrk",
            f"-t{min(2, connections)}",
            f"-c{connections}",
            f"-d{duration}s",
            "--timeout=5s",
        ]
        out = subprocess.run(
            [*command, "-s", script.name, base + "/"],
            capture_output=True,
            text=True,
            timeout=duration + 30,
            check=True,
        ).stdout
    finally:
        os.unlink(script.name)
    result = re.search(r"RESULT (.*)", out)
    assert result is not None, out
    requests, duration_us, errors, p50, p95 = result.group(1).split()
    return {
        "p50": float(p50) / 1000,
        "p95": float(p95) / 1000,
        "rps": int(requests) / (int(duration_us) / 1e6),
        "requests": int(requests),
        "errors": int(errors),
        "tool": "wrk",
    }


def _run_threads(base: str, paths: list[str], connections: int, duration: int) -> dict:
    """Fallback client: `connections` threads, keep-alive, bounded by time and 100k requests."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    deadline = time.monotonic() + duration
    host, port = base.removeprefix("http://").split(":")

    def client() -> None:
        conn = http.client.HTTPConnection(host, int(port), timeout=10)
        mine: list[float] = []
        while time.monotonic() < deadline and len(latencies) + len(mine) < 100_000:
            start = time.perf_counter()
            try:
                conn.request("GET", random.choice(paths))
                response = conn.getresponse()
                response.read()
                if response.status != 200:
                    errors[0] += 1
            except OSError:
                errors[0] += 1
                conn = http.client.HTTPConnection(host, int(port), timeout=10)
            mine.append((time.perf_counter() - start) * 1000)
        with lock:
            latencies.extend(mine)

    started = time.monotonic()
    threads = [threading.Thread(target=client) for _ in range(connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - started
    cuts = statistics.quantiles(latencies, n=100)
    return {
        "p50": cuts[49],
        "p95": cuts[94],
        "rps": len(latencies) / elapsed,
        "requests": len(latencies),
        "errors": errors[0],
        "tool": "threads",
    }


def _worker_pids(master_pid: int) -> list[int]:
    children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()
    return [int(pid) for pid in children]


def workers_cpu_seconds(master_pid: int) -> float:
    """User + system CPU seconds used so far by the gunicorn workers (/proc/<pid>/stat)."""
    ticks = 0
    for pid in _worker_pids(master_pid):
        # the command name may hold spaces: fields after the closing parenthesis are fixed
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


def database_cpu_seconds(database: str) -> float:
    """User + system CPU seconds used so far by the local PostgreSQL backends serving
    `database` (their process title names it); 0 when they are not visible in /proc."""
    ticks = 0
    needle = f" {database} ".encode()
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            if not (proc / "cmdline").read_bytes().startswith(b"postgres: "):
                continue
            if needle not in (proc / "cmdline").read_bytes():
                continue
            fields = (proc / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:  # ended meanwhile, or not ours to read
            continue
        ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def worker_peak_memory(master_pid: int) -> list[tuple[int, int]]:
    """(pid, VmHWM in KiB) for each gunicorn worker, read from /proc."""
    peaks = []
    for pid in _worker_pids(master_pid):
        status = Path(f"/proc/{pid}/status").read_text()
        peak = re.search(r"VmHWM:\s+(\d+) kB", status)
        assert peak is not None, status
        peaks.append((pid, int(peak.group(1))))
    return peaks


if __name__ == "__main__":
    sys.exit(main())
