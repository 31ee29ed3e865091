"""/healthz: the database and the outbox decide the status code, within a second; the
heartbeats and beat are reported. The probe reads the database from its own thread (a hung
database cannot hold the request), so the tests commit their rows: transaction=True."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta
from unittest import mock

import pytest
from django.db import OperationalError
from django.utils import timezone
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from config.celery import app as celery_app
from editorial.models import OutboxMessage
from editorial.ops.heartbeat import heartbeat_record
from editorial.outbox import outbox_enqueue

committed = pytest.mark.django_db(transaction=True)


def _periodic_task(name: str, last_run_at: datetime | None) -> PeriodicTask:
    every_hour, _ = IntervalSchedule.objects.get_or_create(every=1, period=IntervalSchedule.HOURS)
    return PeriodicTask.objects.create(
        name=name, task="editorial.tasks.noop", interval=every_hour, last_run_at=last_run_at
    )


@pytest.fixture
def broker_mode():
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    yield
    celery_app.conf.task_always_eager = previous


@committed
def test_healthz_is_200_with_the_outbox_and_heartbeats(client):
    PeriodicTask.objects.all().delete()
    heartbeat_record("worker")

    response = client.get("/healthz")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "no-cache" in response["Cache-Control"]
    body = response.json()
    assert (body["status"], body["database"]) == ("ok", "ok")
    assert body["outbox"]["pending"] == 0
    assert body["outbox"]["oldest_unsent_age_seconds"] is None
    assert body["worker_last_heartbeat_at"] is not None
    assert body["relay_last_heartbeat_at"] is None
    assert body["beat_last_run_at"] is None
    assert "redis" not in body  # the probe never asks the broker


@committed
def test_healthz_reports_the_latest_beat_run_across_periodic_tasks(client):
    PeriodicTask.objects.all().delete()
    _periodic_task("sweep", datetime(2026, 11, 20, 3, 0, tzinfo=UTC))
    _periodic_task("reminders", datetime(2026, 11, 24, 6, 30, tzinfo=UTC))
    _periodic_task("never-ran", None)

    body = client.get("/healthz").json()

    assert body["beat_last_run_at"] == "2026-11-24T06:30:00+00:00"


@committed
def test_healthz_reports_the_backlog_and_stays_200_while_it_is_young(client, broker_mode):
    outbox_enqueue("editorial.report_tasks.notify_assigned", args=[1, 1])
    outbox_enqueue("editorial.report_tasks.notify_assigned", args=[2, 1])

    response = client.get("/healthz")

    assert response.status_code == 200
    outbox = response.json()["outbox"]
    assert outbox["pending"] == 2
    assert 0 <= outbox["oldest_unsent_age_seconds"] < 60


@committed
def test_healthz_is_503_when_nothing_was_relayed_for_longer_than_the_max_age(
    client, broker_mode, settings
):
    settings.HEALTH_OUTBOX_MAX_AGE = 300
    outbox_enqueue("editorial.report_tasks.notify_assigned", args=[1, 1])
    ten_minutes_ago = timezone.now() - timedelta(minutes=10)
    OutboxMessage.objects.update(created_at=ten_minutes_ago, next_attempt_at=ten_minutes_ago)

    response = client.get("/healthz")

    assert response.status_code == 503
    body = response.json()
    assert "not being published" in body["reason"]
    assert body["database"] == "ok"
    assert body["outbox"]["oldest_unsent_age_seconds"] > 590


def test_healthz_is_503_with_a_json_reason_when_the_database_fails(client):
    with mock.patch(
        "editorial.ops.health.database_probe",
        side_effect=OperationalError("could not connect to server"),
    ):
        response = client.get("/healthz")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["reason"] == "database does not answer"
    # The driver's message (host names, users) stays out of a public endpoint.
    assert "could not connect" not in response.content.decode()


def test_healthz_answers_503_within_a_second_when_the_database_hangs(client):
    release = threading.Event()

    def hang(*args, **kwargs):
        release.wait(10)  # a paused database: the connection never answers
        raise OperationalError("timeout")

    with mock.patch("editorial.ops.health.database_probe", side_effect=hang):
        started = time.monotonic()
        response = client.get("/healthz")
        elapsed = time.monotonic() - started
    release.set()

    assert response.status_code == 503
    assert response.json()["reason"] == "database does not answer in time"
    assert elapsed < 2  # the deadline is 0.8 s; the margin is for a loaded CI machine


@pytest.mark.django_db
def test_healthz_refuses_writes(client):
    assert client.post("/healthz").status_code == 405
