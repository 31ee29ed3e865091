"""Processes the fault tests start and break: a Redis of their own (refused = not started yet,
hung = SIGSTOP), a real Celery worker (prefork, as compose runs it) on it, and an SMTP sink
that can hold a message in flight until the test has broken something."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

ROOT = Path(__file__).resolve().parents[3]
WAIT_SECONDS = 90


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(predicate, what: str, seconds: float = WAIT_SECONDS, why=None) -> None:
    """Poll another process's progress; fail after `seconds` (saying `why()` if given)."""
    deadline = time.monotonic() + seconds
    while not predicate():
        if time.monotonic() > deadline:
            pytest.fail(f"{what}: not within {seconds} s" + (f"\n{why()}" if why else ""))
        time.sleep(0.2)


class OwnRedis:
    """redis-server on a free port; not running until start()."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                *("redis-server", "--port", str(self.port), "--bind", "127.0.0.1"),
                *("--save", "", "--appendonly", "no", "--loglevel", "warning"),
            ],
            stdout=subprocess.DEVNULL,
        )
        wait_until(self._answers, "redis-server did not start", 20)

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def pause(self) -> None:
        os.kill(self.process.pid, signal.SIGSTOP)

    def resume(self) -> None:
        os.kill(self.process.pid, signal.SIGCONT)

    def stop(self) -> None:
        if self.process is not None:
            self.resume()
            self.process.terminate()
            self.process.wait(timeout=10)


@dataclass
class Sink:
    """aiosmtpd handler: keeps what it accepts; `hold_at` n holds the n-th message (1-based)
    until `release` is set, then refuses it (the sender died meanwhile: nothing delivered)."""

    messages: list[tuple[str, str]] = field(default_factory=list)
    hold_at: int | None = None
    held: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)
    seen: int = 0

    async def handle_DATA(self, server, session, envelope) -> str:
        self.seen += 1
        if self.seen == self.hold_at:
            self.held.set()
            while not self.release.is_set():
                await _sleep(0.05)
            return "421 closing"
        subject = next(
            (
                line.split(":", 1)[1].strip()
                for line in envelope.content.decode(errors="replace").splitlines()
                if line.lower().startswith("subject:")
            ),
            "",
        )
        for recipient in envelope.rcpt_tos:
            self.messages.append((recipient, subject))
        return "250 accepted"


async def _sleep(seconds: float) -> None:
    await asyncio.sleep(seconds)  # aiosmtpd's loop runs in its own thread


@contextmanager
def smtp_sink(sink: Sink) -> Iterator[int]:
    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port
    finally:
        sink.release.set()
        controller.stop()


@contextmanager
def worker(*, database_url: str, broker_url: str, smtp_port: int) -> Iterator[subprocess.Popen]:
    """`celery -A config worker` with the production pool (prefork, one process)."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DJANGO_DEBUG": "false",
        "DATABASE_URL": database_url,
        "REDIS_URL": broker_url,
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "CELERY_TASK_DEFAULT_QUEUE": "celery",
        "EMAIL_RETRY_BACKOFF": "1",
    }
    process = subprocess.Popen(
        [
            *(sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=prefork"),
            *("--concurrency=1", "--without-gossip", "--without-mingle", "--without-heartbeat"),
            *("-n", f"fault-{os.getpid()}@%h", "-l", "warning"),
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def pool_children(pid: int) -> list[int]:
    """The worker's pool processes (its children), from /proc."""
    children: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        text = (task / "children").read_text().split()
        children += [int(child) for child in text]
    return children
