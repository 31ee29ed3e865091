"""Operations tasks. Schedule: editorial/ops/beat_schedules.py (every minute)."""

from __future__ import annotations

from celery import shared_task

from editorial.ops.heartbeat import heartbeat_record


@shared_task(
    acks_late=True, time_limit=30, ignore_result=True, name="editorial.ops.tasks.worker_heartbeat"
)
def worker_heartbeat() -> None:
    """Record that a worker runs tasks (/healthz reports it). Safe to run twice: an upsert."""
    heartbeat_record("worker")
