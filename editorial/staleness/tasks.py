"""Celery tasks for staleness. Each takes ids, calls one service and is safe to run twice;
the schedules live in editorial/beat_schedules.py (editable in the admin)."""

from __future__ import annotations

from collections import Counter
from urllib.parse import urlsplit

from celery import shared_task
from django.conf import settings
from django.db import transaction

from editorial.staleness.poller import source_poll_by_id, sources_to_poll
from editorial.staleness.services import articles_flag_review_due


@shared_task(
    acks_late=True, time_limit=120, soft_time_limit=100, name="editorial.tasks.poll_sources"
)
def poll_sources() -> int:
    """Fan out one poll_source per source with a URL, staggered per host (the per-host limit
    across workers); returns how many were queued. Re-running queues polls again, which find
    nothing new."""
    per_host: Counter[str] = Counter()
    queued = 0
    for source_id, url in sources_to_poll().values_list("pk", "url").iterator(chunk_size=1000):
        host = urlsplit(url).hostname or ""
        countdown = per_host[host] * settings.SOURCE_POLL_HOST_INTERVAL
        per_host[host] += 1
        # A Django project's tasks are DjangoTasks; the stubs type shared_task as a plain Task.
        poll_source.apply_async_on_commit(  # type: ignore[attr-defined]
            args=(source_id,), countdown=countdown
        )
        queued += 1
    return queued


@shared_task(
    acks_late=True, time_limit=600, soft_time_limit=540, name="editorial.tasks.poll_source"
)
def poll_source(source_id: int) -> str:
    """Poll one source; a change records a version and flags its articles. Idempotent: the
    service locks the source and records a version only if it differs from the current one."""
    outcome = source_poll_by_id(source_id)
    return outcome.status if outcome is not None else "skipped"


@shared_task(
    acks_late=True, time_limit=600, soft_time_limit=540, name="editorial.tasks.flag_overdue_reviews"
)
def flag_overdue_reviews() -> int:
    """Flag approved articles whose periodic review is due; returns how many. Idempotent: the
    set-based update only touches articles still approved."""
    with transaction.atomic():
        return articles_flag_review_due()
