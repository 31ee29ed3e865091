"""The list half of bench/api.py: GET /api/v1/articles under concurrent clients, gunicorn with
2 workers, on the PostgreSQL database of DATABASE_URL (seeded once with "apilist-*" articles)."""

from __future__ import annotations

import http.client
import os
import random
import socket
import statistics
import subprocess
import threading
import time
from pathlib import Path

from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import connection

from articles.models import Article
from editorial.api.keys import api_client_ensure, api_key_issue
from editorial.api.selectors import encode_cursor
from editorial.models import ApiKey

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
PREFIX = "apilist-"


def seed(count: int) -> str:
    """`count` bench articles (bulk, once) and a fresh key for an editor-less author client."""
    call_command("migrate", verbosity=0)
    author, _ = User.objects.get_or_create(username="apilist-author")
    have = Article.objects.filter(slug__startswith=PREFIX).count()
    Article.objects.bulk_create(
        (
            Article(title=f"List question {n}?", slug=f"{PREFIX}{n}", author=author)
            for n in range(have, count)
        ),
        batch_size=2000,
    )
    client = api_client_ensure(name="apilist", user=author, scopes="articles:read")
    client.rate_limit_per_minute = 10_000_000
    client.save()
    ApiKey.objects.filter(client=client).delete()
    return api_key_issue(client=client)


def paths() -> list[str]:
    """First pages, filtered pages, and cursor pages from all over the list."""
    rows = list(Article.objects.filter(slug__startswith=PREFIX).order_by("?")[:200])
    cursors = [f"/api/v1/articles?cursor={encode_cursor(a)}" for a in rows]
    return ["/api/v1/articles", "/api/v1/articles?state=draft"] * 20 + cursors


def start_gunicorn(port: int) -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DJANGO_ALLOWED_HOSTS": HOST,
        "DATABASE_CONN_MAX_AGE": "600",
    }
    command = [
        str(ROOT / ".venv/bin/gunicorn"), "config.wsgi:application", "--workers=2",
        f"--bind={HOST}:{port}", "--no-control-socket", "--log-level=warning",
    ]  # fmt: skip
    server = subprocess.Popen(command, cwd=ROOT, env=env)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=2)
            conn.request("GET", "/api/v1/openapi.json")
            if conn.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise RuntimeError("gunicorn did not start")


def load(port: int, key: str, urls: list[str], clients: int, duration: int) -> dict:
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop = time.monotonic() + duration

    def client() -> None:
        conn = http.client.HTTPConnection(HOST, port, timeout=30)
        mine, bad = [], 0
        while time.monotonic() < stop:
            start = time.perf_counter()
            conn.request("GET", random.choice(urls), headers={"Authorization": f"Bearer {key}"})
            response = conn.getresponse()
            response.read()
            mine.append((time.perf_counter() - start) * 1000)
            bad += response.status != 200
        with lock:
            latencies.extend(mine)
            errors[0] += bad

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    latencies.sort()
    return {
        "articles": Article.objects.count(),
        "clients": clients,
        "requests": len(latencies),
        "errors": errors[0],
        "rps": round(len(latencies) / duration, 1),
        "p50_ms": round(statistics.median(latencies), 1),
        "p95_ms": round(latencies[int(0.95 * (len(latencies) - 1))], 1),
    }


def run(count: int, duration: int, clients: int) -> dict:
    key = seed(count)
    urls = paths()
    connection.close()
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        port = sock.getsockname()[1]
    server = start_gunicorn(port)
    try:
        load(port, key, urls, 2, 2)  # warm both workers
        result = load(port, key, urls, clients, duration)
    finally:
        server.terminate()
        server.wait(timeout=10)
    print(
        f"GET /api/v1/articles, {result['articles']} articles, {clients} clients, gunicorn 2 "
        f"workers: p50 {result['p50_ms']} ms, p95 {result['p95_ms']} ms, {result['rps']} req/s, "
        f"{result['errors']} errors"
    )
    return result
