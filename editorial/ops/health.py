"""/healthz: the truth about this deployment, within a second, whatever is down.

503 when the database does not answer (no page works without it) or when an owed effect has
waited longer than HEALTH_OUTBOX_MAX_AGE seconds to be published (the relay or the broker is
down: notices, reports and pre-renders are piling up). Reported for monitoring: the outbox
backlog, the last worker heartbeat, the relay's last pass, beat's last run.

The probe never talks to the broker (a hung Redis must not hang it), and it asks the database
from a small thread pool with a deadline: a database that hangs (paused, network black hole)
answers 503 in PROBE_DEADLINE_SECONDS instead of holding the request until connect_timeout.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as ProbeTimeout
from dataclasses import asdict
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.models import Max
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from django_celery_beat.models import PeriodicTask

from editorial.ops.heartbeat import heartbeats
from editorial.outbox import outbox_backlog

PROBE_DEADLINE_SECONDS = 0.8
# Threads stuck on a hung database keep their slot until connect_timeout; two are enough for a
# load balancer's probes, and a full pool answers "timeout" at once.
_pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="healthz")


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def database_probe() -> dict[str, Any]:
    """Four indexed reads on this thread's own connection (closed after: a pool thread must not
    keep a connection the database may have dropped)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        backlog = outbox_backlog()
        beats = heartbeats()
        beat_last = PeriodicTask.objects.aggregate(last=Max("last_run_at"))["last"]
    finally:
        connection.close()
    return {
        "outbox": {**asdict(backlog), "max_age_seconds": settings.HEALTH_OUTBOX_MAX_AGE},
        "worker_last_heartbeat_at": _iso(beats.get("worker")),
        "relay_last_heartbeat_at": _iso(beats.get("relay")),
        "beat_last_run_at": _iso(beat_last),
    }


def _unavailable(reason: str, **fields: Any) -> JsonResponse:
    return JsonResponse(
        {"status": "unavailable", "reason": reason, "database": "unavailable", **fields},
        status=503,
    )


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """200 with the service fields; 503 with a reason (never the driver's message)."""
    try:
        fields = _pool.submit(database_probe).result(timeout=PROBE_DEADLINE_SECONDS)
    except ProbeTimeout:
        return _unavailable("database does not answer in time")
    except DatabaseError:
        return _unavailable("database does not answer")
    waited = fields["outbox"]["longest_due_wait_seconds"]
    if waited is not None and waited > settings.HEALTH_OUTBOX_MAX_AGE:
        return JsonResponse(
            {
                "status": "unavailable",
                "reason": "owed notices are not being published (outbox relay or broker down)",
                "database": "ok",
                **fields,
            },
            status=503,
        )
    return JsonResponse({"status": "ok", "database": "ok", **fields})
