"""Run every bench/*.py that accepts `--quick` at its reduced size; print each one's figures.

    .venv/bin/python scripts/run_benches.py            # what `make bench` runs
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/x_bench ... scripts/run_benches.py

Contract of a bench (README, "Performance"): the LAST line of its stdout is one JSON object of
its figures (times in ms). A bench opts into this run by accepting `--quick`. Each bench gets
its own scratch PostgreSQL database `<BENCH_DATABASE_URL's name>_<bench>` (created here,
dropped afterwards), so one bench's rows never change another's figures. Exits non-zero if a
bench fails or does not end with a JSON object; the last line printed here is one JSON object
{bench name: its figures}.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/imprimatur_bench"


def quick_benches() -> list[Path]:
    """bench/*.py whose argument parser declares --quick."""
    return [
        path
        for path in sorted((ROOT / "bench").glob("*.py"))
        if not path.name.startswith("_") and '"--quick"' in path.read_text()
    ]


def _admin(url: str):
    import psycopg

    parts = urlsplit(url)
    return psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True)


def scratch_url(base: str, stem: str) -> str:
    parts = urlsplit(base)
    name = f"{parts.path.lstrip('/') or 'imprimatur_bench'}_{stem}"
    return urlunsplit(parts._replace(path=f"/{name}"))


def recreate(url: str, *, create: bool) -> None:
    name = urlsplit(url).path.lstrip("/")
    with _admin(url) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if create:
            conn.execute(f'CREATE DATABASE "{name}"')


def last_json(stdout: str) -> dict | None:
    lines = [line for line in stdout.strip().splitlines() if line.strip()]
    if not lines:
        return None
    try:
        value = json.loads(lines[-1])
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def run(path: Path, base: str) -> tuple[dict | None, float]:
    url = scratch_url(base, path.stem)
    recreate(url, create=True)
    env = {**os.environ, "DATABASE_URL": url}
    started = time.perf_counter()
    try:
        done = subprocess.run(
            [sys.executable, str(path), "--quick"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
    finally:
        recreate(url, create=False)
    took = time.perf_counter() - started
    sys.stderr.write(done.stderr[-2000:] if done.returncode else "")
    print(done.stdout, end="")
    return (last_json(done.stdout) if done.returncode == 0 else None), took


def main() -> int:
    base = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    results: dict[str, dict] = {}
    failed = []
    for path in quick_benches():
        print(f"== {path.relative_to(ROOT)} --quick", flush=True)
        figures, took = run(path, base)
        print(f"   ({took:.1f} s)", flush=True)
        if figures is None:
            failed.append(path.name)
        else:
            results[path.stem] = figures
    if failed:
        print(f"FAILED or no JSON last line: {', '.join(failed)}", file=sys.stderr)
    print(json.dumps(results))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
