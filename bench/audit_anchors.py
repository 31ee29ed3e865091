"""`verify_audit --anchors` over 100,000 articles' chains: time and peak memory (PostgreSQL).

    DATABASE_URL=postgres://... .venv/bin/python bench/audit_anchors.py [--articles 100000]

Builds a scratch database `<name>_bench` beside DATABASE_URL's (as bench/staleness.py does:
sources, articles, 10 citations each), writes HISTORY_ROWS history rows per article with
INSERT ... SELECT (the chain trigger links them: HISTORY_ROWS links per article), takes a
first anchor (`audit_anchor`: every head and every link's fingerprint), then runs `manage.py
verify_audit --anchors --quiet`, each in a child process, and reports their wall time, the
anchor's size and each child's peak memory (ru_maxrss). Goal: bounded memory, < 300 MiB.
The last line is JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import staleness  # type: ignore[import-not-found]  # noqa: E402  (bench/staleness.py)

HISTORY_ROWS = 3


def history(n_rounds: int) -> None:
    """HISTORY_ROWS history rows per article, one statement each (chained per statement)."""
    from django.db import connection, transaction

    from articles.models import Article

    history_model = Article.history.model
    columns = [
        f.column
        for f in Article._meta.concrete_fields
        if f.column in {h.column for h in history_model._meta.concrete_fields}
    ]
    for round_ in range(n_rounds):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {history_model._meta.db_table}"
                f" ({', '.join(columns)}, history_date, history_type, history_change_reason)"
                f" SELECT {', '.join(columns)}, now(), %s, %s FROM {Article._meta.db_table}",
                ["+" if round_ == 0 else "~", f"bench round {round_}"],
            )


def child(*command: str) -> tuple[int, str, str, float]:
    """Run `manage.py <command>` in a child process: (exit code, stdout, stderr, its own peak
    memory in MiB from wait4, not the largest of all children)."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        process = subprocess.Popen(
            [sys.executable, str(ROOT / "manage.py"), *command],
            stdout=out,
            stderr=err,
            env=os.environ,
            cwd=ROOT,
            text=True,
        )
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return process.returncode, out.read(), err.read(), usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    args = parser.parse_args()
    admin_url, scratch_url = staleness.scratch_database()
    os.environ["DATABASE_URL"] = scratch_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    os.environ["DJANGO_DEBUG"] = "false"
    anchors = tempfile.mkdtemp(prefix="imprimatur-bench-anchors-")
    os.environ["AUDIT_ANCHOR_DIR"] = anchors
    staleness.recreate(admin_url, scratch_url)
    import django

    django.setup()
    from django.core.management import call_command

    from editorial.models import AuditEntry

    try:
        call_command("migrate", verbosity=0)
        started = time.perf_counter()
        staleness.build(args.articles, 10)
        history(HISTORY_ROWS)
        built = time.perf_counter() - started
        entries = AuditEntry.objects.count()
        print(f"data: {args.articles:,} articles, {entries:,} chain entries ({built:.1f} s)")
        started = time.perf_counter()
        _, _, _, anchor_peak = child("audit_anchor")
        anchor_ms = (time.perf_counter() - started) * 1000
        anchor_bytes = sum(p.stat().st_size for p in Path(anchors).glob("*.jsonl"))
        started = time.perf_counter()
        code, out, err, peak = child("verify_audit", "--anchors", "--quiet")
        verify_ms = (time.perf_counter() - started) * 1000
        progress = [line for line in err.splitlines() if "verify_audit:" in line]
        per_link = anchor_bytes / max(entries, 1)
        print(
            f"first anchor (every head and link): {anchor_ms:.0f} ms, {anchor_bytes / 1e6:.1f} MB"
            f" ({per_link:.0f} bytes a link), peak memory {anchor_peak:.0f} MiB"
        )
        print(f"verify_audit --anchors: {verify_ms:.0f} ms, exit {code}")
        print(f"  {len(progress)} progress lines, last: {progress[-1] if progress else '-'}")
        broken = sum(line.startswith("BROKEN") for line in out.splitlines())
        print(f"  chains broken: {broken}; last line: {out.strip().splitlines()[-1:] or '-'}")
        print(f"peak memory of verify_audit (ru_maxrss): {peak:.0f} MiB (goal < 300 MiB)")
        print(
            json.dumps(
                {
                    "articles": args.articles,
                    "entries": entries,
                    "anchor_ms": round(anchor_ms),
                    "anchor_mb": round(anchor_bytes / 1e6, 1),
                    "verify_ms": round(verify_ms),
                    "verify_exit": code,
                    "verify_broken_chains": broken,
                    "verify_peak_mib": round(peak),
                    "anchor_peak_mib": round(anchor_peak),
                }
            )
        )
    finally:
        if not args.keep:
            staleness.drop(admin_url, scratch_url)


if __name__ == "__main__":
    main()
