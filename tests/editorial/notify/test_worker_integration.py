"""End to end on the production services: a real Celery worker (a subprocess, as `make worker`
runs it) on Redis, reading the test database on PostgreSQL, polls a local HTTP server and flags
the article citing the changed source.

The worker is a separate process with its own connection, so the test data must be committed:
`transaction=True`. It gets DATABASE_URL pointing at pytest-django's test database and its own
queue, so nothing else on the broker reaches it.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from articles.models import Citation, DetectedBy, SourceVersion
from config.celery import app as celery_app
from editorial.models import StalenessFlag
from editorial.outbox import outbox_relay_once
from editorial.staleness.tasks import poll_sources
from tests.editorial.source_server import SourceServer
from tests.factories import ArticleFactory, SourceFactory

ROOT = Path(__file__).resolve().parents[3]
WAIT_SECONDS = 60


def _test_database_url() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return (
        f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
        f"/{db['NAME']}"
    )


@pytest.fixture
def worker_queue():
    queue = f"imprimatur-test-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DJANGO_DEBUG": "false",
        "DATABASE_URL": _test_database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        "SOURCE_POLL_HOST_INTERVAL": "0",
        "SOURCE_POLL_BACKOFF": "0",
    }
    worker = subprocess.Popen(
        [
            *(sys.executable, "-m", "celery", "-A", "config", "worker"),
            *("--pool=solo", "--without-gossip", "--without-mingle", "--without-heartbeat"),
            *("-Q", queue, "-n", f"{queue}@%h", "-l", "warning"),
        ],
        cwd=ROOT,
        env=env,
    )
    previous = {k: celery_app.conf[k] for k in ("task_always_eager", "task_default_queue")}
    celery_app.conf.update(task_always_eager=False, task_default_queue=queue)
    try:
        yield queue
    finally:
        celery_app.conf.update(previous)
        worker.terminate()
        worker.wait(timeout=30)


def wait_until(predicate, what: str) -> None:
    """Wait for the worker (another process) to get there; fail after WAIT_SECONDS."""
    deadline = time.monotonic() + WAIT_SECONDS
    while not predicate():
        if time.monotonic() > deadline:
            pytest.fail(f"the worker did not {what} within {WAIT_SECONDS} s")
        time.sleep(0.2)  # polling another process's progress, not waiting out a timer


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_worker_polls_a_changed_source_and_flags_the_citing_article(worker_queue):
    with SourceServer() as server:
        server.serve("/ng109", body=b"NICE NG109, updated: new first-line antibiotic")
        source = SourceFactory(kind="guideline", url=server.url("/ng109"), current_version="2018")
        # What the last poll saw: the old text.
        SourceVersion.objects.create(
            source=source,
            label="2018",
            detected_by=DetectedBy.POLLER,
            content_hash=hashlib.sha256(b"NICE NG109, 2018").hexdigest(),
        )
        article = ArticleFactory(approved=True)
        Citation.objects.create(article=article, number=2, source=source)

        poll_sources.delay()

        # the worker's fan-out (one poll per source) is outbox rows: the relay publishes them
        wait_until(
            lambda: (
                outbox_relay_once(),
                StalenessFlag.objects.filter(article=article).exists(),
            )[1],
            "flag the article",
        )

    article.refresh_from_db()
    assert article.status == "stale"
    flag = StalenessFlag.objects.get(article=article)
    assert (flag.source_id, flag.from_version) == (source.pk, "2018")
    source.refresh_from_db()
    assert source.current_version == flag.to_version
    assert flag.to_version.startswith("detected ")
    assert len(server.pages["/ng109"].requests) == 1
