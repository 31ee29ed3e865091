"""/healthz: is this web process able to serve? The database decides; the rest is reported.

A load balancer takes a process out of rotation on anything but 200, so only the database (no
page works without it) fails the probe. Redis (the task queue) and the last beat run are fields
for monitoring: a Redis outage delays emails and sweeps but pages still work.
"""

from __future__ import annotations

from datetime import datetime

import redis
from django.conf import settings
from django.db import DatabaseError, connection
from django.db.models import Max
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from django_celery_beat.models import PeriodicTask

# A probe must answer well within the balancer's timeout even when Redis hangs.
REDIS_TIMEOUT_SECONDS = 0.5


def database_is_up() -> bool:
    """True when the default database answers a trivial query."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return False
    return True


def redis_status() -> str:
    """'ok' when Redis answers PING within the timeout, else 'unavailable'."""
    client = redis.Redis.from_url(
        settings.REDIS_URL,
        socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
        socket_timeout=REDIS_TIMEOUT_SECONDS,
    )
    try:
        client.ping()
    except (redis.RedisError, OSError):
        return "unavailable"
    finally:
        client.close()
    return "ok"


def beat_last_run_at() -> datetime | None:
    """When beat last sent any periodic task (None if never, or if it cannot be read)."""
    try:
        return PeriodicTask.objects.aggregate(last=Max("last_run_at"))["last"]
    except DatabaseError:
        return None


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """200 with service fields while the database answers; 503 with a reason when it does not."""
    if not database_is_up():
        return JsonResponse(
            {
                "status": "unavailable",
                "reason": "database does not answer",
                "database": "unavailable",
                "redis": redis_status(),
                "beat_last_run_at": None,
            },
            status=503,
        )
    last_run_at = beat_last_run_at()
    return JsonResponse(
        {
            "status": "ok",
            "database": "ok",
            "redis": redis_status(),
            "beat_last_run_at": last_run_at.isoformat() if last_run_at else None,
        }
    )
