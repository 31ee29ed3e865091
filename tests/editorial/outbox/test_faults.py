"""Faults, with real processes: the broker refused or hung while editors work, a worker's pool
process killed in the middle of a report, the database connection dropped under a running
task. Every owed mail reaches the SMTP sink, once.

The worker is another process: the test data is committed (transaction=True) and the worker
reads pytest-django's test database on PostgreSQL.
"""

from __future__ import annotations

import os
import signal
import time
from collections import Counter

import pytest
from django.db import connection
from django.utils import timezone

from config.celery import app as celery_app
from editorial import workflow
from editorial.models import (
    DeliveryStatus,
    NotificationDelivery,
    OutboxMessage,
    OutboxStatus,
    ReportDelivery,
)
from editorial.outbox import outbox_enqueue, outbox_relay_once
from editorial.reporting.tasks import send_staleness_reports
from editorial.staleness.services import source_record_version
from tests.config.production_server import postgres_url
from tests.editorial.email_world import cite, set_frequency
from tests.editorial.outbox.fault_harness import (
    OwnRedis,
    Sink,
    pool_children,
    smtp_sink,
    wait_until,
    worker,
)
from tests.factories import ArticleFactory, BoardMemberFactory, SourceFactory, UserFactory

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True),
]
ACTION_SECONDS = 2.0  # the bound for a workflow action with the broker down or hung


@pytest.fixture
def redis_server():
    server = OwnRedis()
    previous = {k: celery_app.conf[k] for k in ("broker_url", "task_always_eager")}
    celery_app.conf.update(broker_url=server.url, task_always_eager=False)
    try:
        yield server
    finally:
        celery_app.conf.update(previous)
        server.stop()


@pytest.fixture
def sink():
    inbox = Sink()
    with smtp_sink(inbox) as port:
        inbox.port = port
        yield inbox


def _timed(action):
    started = time.monotonic()
    result = action()
    return result, time.monotonic() - started


def _work_while_the_broker_is_down(author, editor, reviewer, other_reviewer):
    """Submit and assign one article, approve another: each answers quickly; returns who is
    owed a notice (the assigned reviewer; the author and the editors of the approval)."""
    draft = ArticleFactory(author=author)
    in_review = ArticleFactory(author=author, submitted=True)
    (to_approve,) = workflow.review_assign(
        article=in_review, reviewers=[other_reviewer], actor=editor
    )
    OutboxMessage.objects.all().delete()  # what the set-up owed is not this test's
    _, submit = _timed(lambda: workflow.article_submit(article=draft, actor=author))
    _, assign = _timed(
        lambda: workflow.review_assign(article=draft, reviewers=[reviewer], actor=editor)
    )
    _, approve = _timed(
        lambda: workflow.review_decide(
            assignment=to_approve, decision="approved", actor=other_reviewer.user
        )
    )
    assert max(submit, assign, approve) < ACTION_SECONDS, (submit, assign, approve)
    return {reviewer.user.email, author.email, editor.email}


def _relay_until_sent() -> None:
    def relayed() -> bool:
        outbox_relay_once()
        return not OutboxMessage.objects.exclude(status=OutboxStatus.SENT).exists()

    wait_until(relayed, "the relay did not publish the outbox")


def _delivered_once(sink: Sink, expected: set[str]) -> None:
    wait_until(
        lambda: {to for to, _ in sink.messages} >= expected,
        "the worker did not send every notice",
        why=lambda: (
            sink.messages,
            list(
                NotificationDelivery.objects.values_list(
                    "recipient__email", "event_key", "status", "error"
                )
            ),
        ),
    )
    wait_until(
        lambda: not NotificationDelivery.objects.exclude(status=DeliveryStatus.SENT).exists(),
        "a delivery row stayed unsent",
    )
    counts = Counter(sink.messages)
    assert max(counts.values()) == 1, counts  # never twice
    assert NotificationDelivery.objects.count() == len(sink.messages)


def test_broker_refused_then_back_every_notice_is_delivered_once(
    redis_server, sink, author, editor, reviewer, other_reviewer
):
    expected = _work_while_the_broker_is_down(
        author, editor, reviewer, other_reviewer
    )  # nothing listens yet
    refused = outbox_relay_once()
    assert refused.broker_error and refused.sent == 0

    redis_server.start()
    with worker(
        database_url=postgres_url(connection.settings_dict),
        broker_url=redis_server.url,
        smtp_port=sink.port,
    ):
        _relay_until_sent()
        _delivered_once(sink, expected)


def test_broker_hung_then_back_every_notice_is_delivered_once(
    redis_server, sink, author, editor, reviewer, other_reviewer
):
    redis_server.start()
    with worker(
        database_url=postgres_url(connection.settings_dict),
        broker_url=redis_server.url,
        smtp_port=sink.port,
    ):
        redis_server.pause()
        try:
            expected = _work_while_the_broker_is_down(author, editor, reviewer, other_reviewer)
            hung, seconds = _timed(outbox_relay_once)
            assert hung.broker_error and hung.sent == 0
            assert seconds < 15  # the broker socket timeout, not forever
        finally:
            redis_server.resume()
        _relay_until_sent()
        _delivered_once(sink, expected)


def test_a_pool_process_killed_mid_report_every_recipient_gets_it_once(redis_server, sink):
    source = SourceFactory(kind="guideline", title="NICE NG109", current_version="2018")
    article = ArticleFactory(approved=True, title="Cystitis in women")
    cite(article, source)
    source_record_version(source=source, version="2024", actor=None)
    editors = [UserFactory(username=f"editor-{n}", groups=["Editors"]) for n in range(6)]
    for user in editors:
        set_frequency(user, "daily")
    OutboxMessage.objects.all().delete()  # the set-up's approval notices are not this test's
    sink.hold_at = 3  # the third report is in flight when the pool process dies
    redis_server.start()
    with worker(
        database_url=postgres_url(connection.settings_dict),
        broker_url=redis_server.url,
        smtp_port=sink.port,
    ) as running:
        # through the relay (a fresh connection to this test's Redis; the app's producer pool
        # may still point at the broker an earlier test used)
        outbox_enqueue(send_staleness_reports.name, kwargs={"frequency": "daily"})
        _relay_until_sent()
        wait_until(sink.held.is_set, "the report run did not start sending")
        (child,) = pool_children(running.pid)
        os.kill(child, signal.SIGKILL)
        sink.release.set()

        expected = {user.email for user in editors}
        wait_until(
            lambda: {to for to, _ in sink.messages} >= expected,
            "the redelivered report run did not send every report",
        )
        wait_until(
            lambda: not ReportDelivery.objects.exclude(status=DeliveryStatus.SENT).exists(),
            "a report delivery stayed unsent",
        )
    counts = Counter(to for to, _ in sink.messages)
    assert set(counts) == expected
    assert set(counts.values()) == {1}, counts
    period = timezone.localdate().isoformat()
    assert set(ReportDelivery.objects.values_list("period_key", flat=True)) == {period}


def test_database_connection_dropped_under_a_running_task_nothing_is_lost(
    redis_server, sink, author, editor
):
    article = ArticleFactory(author=author, submitted=True)
    reviewers = [BoardMemberFactory() for _ in range(3)]
    OutboxMessage.objects.all().delete()
    workflow.review_assign(article=article, reviewers=reviewers, actor=editor)
    sink.hold_at = 1  # the first notice is in flight when the connection drops
    redis_server.start()
    with worker(
        database_url=postgres_url(connection.settings_dict),
        broker_url=redis_server.url,
        smtp_port=sink.port,
    ):
        _relay_until_sent()
        wait_until(sink.held.is_set, "the notice task did not start sending")
        with connection.cursor() as cursor:  # every other session on the test database
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        sink.release.set()  # that send fails too: the task retries (SendFailed / DB error)

        expected = {member.user.email for member in reviewers}
        wait_until(
            lambda: {to for to, _ in sink.messages} >= expected,
            "the retried task did not send every notice",
        )
        wait_until(
            lambda: not NotificationDelivery.objects.exclude(status=DeliveryStatus.SENT).exists(),
            "a delivery row stayed unsent",
        )
    assert set(Counter(to for to, _ in sink.messages).values()) == {1}
