"""/healthz: the database decides the status code; Redis and beat are reported, never fatal."""

from __future__ import annotations

import socket
from datetime import UTC, datetime
from unittest import mock

import pytest
from django.db import OperationalError
from django.test import override_settings
from django_celery_beat.models import IntervalSchedule, PeriodicTask


def _closed_port() -> int:
    """A local port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _periodic_task(name: str, last_run_at: datetime | None) -> PeriodicTask:
    every_hour, _ = IntervalSchedule.objects.get_or_create(every=1, period=IntervalSchedule.HOURS)
    return PeriodicTask.objects.create(
        name=name, task="editorial.tasks.noop", interval=every_hour, last_run_at=last_run_at
    )


@pytest.mark.django_db
def test_healthz_is_200_with_service_fields_when_the_database_answers(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "no-cache" in response["Cache-Control"]
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == "ok"
    assert body["redis"] in {"ok", "unavailable"}
    assert body["beat_last_run_at"] is None


@pytest.mark.django_db
def test_healthz_reports_the_latest_beat_run_across_periodic_tasks(client):
    _periodic_task("sweep", datetime(2026, 11, 20, 3, 0, tzinfo=UTC))
    _periodic_task("reminders", datetime(2026, 11, 24, 6, 30, tzinfo=UTC))
    _periodic_task("never-ran", None)

    body = client.get("/healthz").json()

    assert body["beat_last_run_at"] == "2026-11-24T06:30:00+00:00"


def test_healthz_is_503_with_a_json_reason_when_the_database_fails(client):
    with (
        override_settings(REDIS_URL=f"redis://127.0.0.1:{_closed_port()}/0"),
        mock.patch(
            "editorial.ops.health.connection.cursor",
            side_effect=OperationalError("could not connect to server"),
        ),
    ):
        response = client.get("/healthz")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["reason"] == "database does not answer"
    # The driver's message (host names, users) stays out of a public endpoint.
    assert "could not connect" not in response.content.decode()
    assert body["redis"] == "unavailable"


@pytest.mark.django_db
def test_healthz_stays_200_and_reports_redis_down(client):
    with override_settings(REDIS_URL=f"redis://127.0.0.1:{_closed_port()}/0"):
        response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json()["redis"] == "unavailable"


@pytest.mark.django_db
@pytest.mark.redis
def test_healthz_reports_redis_ok_when_it_answers(client):
    assert client.get("/healthz").json()["redis"] == "ok"


@pytest.mark.django_db
def test_healthz_refuses_writes(client):
    assert client.post("/healthz").status_code == 405
