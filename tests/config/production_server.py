"""Run the production settings out of process: an environment, collectstatic and gunicorn.

Only the five variables production requires are set (plus where static files go), so the tests
see what a deployment with a minimal configuration would.
"""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import httpx

from config.env import BASE_DIR

HOST = "imprimatur.example.org"
BOOT_TIMEOUT_SECONDS = 60


def production_env(*, database_url: str, redis_url: str, static_root: Path) -> dict[str, str]:
    """The environment of a minimal production deployment, nothing inherited but PATH."""
    return {
        "PATH": os.environ["PATH"],
        "LANG": "C.UTF-8",
        "HOME": str(static_root.parent),
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": HOST,
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "EMAIL_URL": "smtp://127.0.0.1:1025",
        "AUDIT_ANCHOR_KEY": secrets.token_urlsafe(32),
        "AUDIT_ANCHOR_DIR": str(static_root.parent / "audit-anchors"),
        "DJANGO_STATIC_ROOT": str(static_root),
    }


def postgres_url(settings_dict: dict) -> str:
    """DATABASE_URL for the database a Django connection points at."""
    user = quote(settings_dict["USER"] or "", safe="")
    password = quote(settings_dict["PASSWORD"] or "", safe="")
    credentials = f"{user}:{password}@" if password else f"{user}@"
    host = settings_dict["HOST"] or "127.0.0.1"
    port = settings_dict["PORT"] or "5432"
    return f"postgres://{credentials}{host}:{port}/{settings_dict['NAME']}"


def manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    """Run manage.py with the given environment; output captured."""
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    url: str
    process: subprocess.Popen
    stdout: list[str] = field(default_factory=list)
    stderr: list[str] = field(default_factory=list)


def _collect(stream, lines: list[str], ready: threading.Event | None) -> None:
    for line in stream:
        lines.append(line)
        if ready is not None and "Booting worker" in line:
            ready.set()
    if ready is not None:
        ready.set()  # the process ended: stop waiting, the caller reports why


@contextmanager
def gunicorn(env: dict[str, str]) -> Iterator[Server]:
    """gunicorn as the Dockerfile runs it, on a free local port; stopped on exit."""
    port = _free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--no-control-socket",
            "--access-logfile",
            "-",
        ],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    server = Server(url=f"http://127.0.0.1:{port}", process=process)
    ready = threading.Event()
    readers = [
        threading.Thread(target=_collect, args=(process.stderr, server.stderr, ready)),
        threading.Thread(target=_collect, args=(process.stdout, server.stdout, None)),
    ]
    for reader in readers:
        reader.start()
    try:
        # A request sent once the worker boots waits in the listen backlog until it serves.
        if not ready.wait(BOOT_TIMEOUT_SECONDS) or process.poll() is not None:
            raise RuntimeError("gunicorn did not start:\n" + "".join(server.stderr))
        # "Booting worker" comes before the worker imports Django: wait until it answers, so a
        # test's own request timeout measures the request, not the start-up of a loaded machine.
        try:
            httpx.get(f"{server.url}/healthz", headers={"Host": HOST}, timeout=BOOT_TIMEOUT_SECONDS)
        except httpx.TransportError as exc:
            raise RuntimeError("gunicorn did not answer:\n" + "".join(server.stderr)) from exc
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        for reader in readers:
            reader.join(timeout=10)
