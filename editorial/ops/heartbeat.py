"""Heartbeats of the background processes, kept in the database so /healthz reads them
without asking the broker: the relay records one per pass, a worker one per beat tick
(editorial.ops.tasks.worker_heartbeat)."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from editorial.models import ServiceHeartbeat


def heartbeat_record(name: str) -> None:
    """Upsert `name`'s last-seen time (one statement)."""
    ServiceHeartbeat.objects.update_or_create(name=name, defaults={"seen_at": timezone.now()})


def heartbeats() -> dict[str, datetime]:
    """{name: seen_at} for every process that ever reported."""
    return dict(ServiceHeartbeat.objects.values_list("name", "seen_at"))
