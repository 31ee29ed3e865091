"""Audit tasks: the nightly verification of the chains (issue 9) against the anchors, and the
anchors themselves (issue 15): one per write burst, one hourly.

The schedules (nightly 03:15 UTC, hourly at :05) are django-celery-beat rows defined in
editorial/ops/beat_schedules.py; editors can move them in the admin.
"""

from __future__ import annotations

import logging

from celery import shared_task
from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, InterfaceError, OperationalError, connections, transaction

from editorial.audit.anchor_reader import anchor_index
from editorial.audit.anchors import PENDING_KEY, anchor_burst, anchor_checkpoint
from editorial.audit.verify import audit_verify_chains
from editorial.models import AuditVerification
from editorial.outbox import outbox_enqueue

logger = logging.getLogger(__name__)


def audit_verification_record() -> AuditVerification:
    """Verify every chain against the anchors and store the outcome (one row per run).

    A problem with the anchor files (missing, truncated, another key) counts as a break."""
    anchors = anchor_index()
    first_break, entries = None, 0
    for check in audit_verify_chains(anchors=anchors):
        entries += check.entries
        if check.first_break is not None and first_break is None:
            first_break = str(check.first_break)
    if first_break is None and anchors.problems:
        first_break = f"anchors: {anchors.problems[0]}"
    return AuditVerification.objects.create(
        ok=first_break is None,
        first_break=first_break or "",
        checked_entries=entries,
        anchor_id=anchors.latest_id,
    )


@shared_task(
    acks_late=True,
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=5,
    max_retries=5,
    name="editorial.audit_tasks.verify_audit_nightly",
)
def verify_audit_nightly() -> int:
    """Verify all chains and record the result; safe to run twice (read-only, one row per run)."""
    return audit_verification_record().pk


@shared_task(acks_late=True, name="editorial.audit_tasks.audit_anchor_burst", time_limit=600)
def audit_anchor_burst() -> str:
    """Checkpoint the chain heads after a write burst; safe to run twice (the second finds
    nothing grown and writes nothing)."""
    anchor = anchor_burst()
    return anchor["anchor_id"] if anchor else ""


@shared_task(acks_late=True, name="editorial.audit_tasks.audit_anchor_hourly", time_limit=600)
def audit_anchor_hourly() -> str:
    """Checkpoint the chain heads (even unchanged: proof the sink was alive); running it twice
    writes two lines, both true."""
    return anchor_checkpoint(reason="hourly")["anchor_id"]


def audit_latest_break() -> str | None:
    """The first break found by the latest verification, or None if it passed / never ran.

    For the staleness report: mention it when it is not None.
    """
    latest = AuditVerification.objects.order_by("-run_at", "-pk").first()
    if latest is None or latest.ok:
        return None
    return latest.first_break


def _schedule() -> None:
    delay = settings.AUDIT_ANCHOR_DEBOUNCE_SECONDS
    # One checkpoint per burst: the first commit of a quiet period asks for it, later commits
    # find the key and rely on it (the task drops the key before it reads the heads, so a
    # commit after that asks again). Runs after commit: the heads are visible to the task.
    if not cache.add(PENDING_KEY, 1, timeout=max(delay * 4, 60)):
        return
    try:
        # an outbox row, never the broker: the request that committed must not wait on Redis
        with transaction.atomic():
            outbox_enqueue(audit_anchor_burst.name, countdown=delay)
    except Exception:  # the database refused: the hourly checkpoint covers this burst
        cache.delete(PENDING_KEY)
        logger.exception("audit anchor: could not queue the checkpoint of this burst")


def anchor_after_commit(using: str = DEFAULT_DB_ALIAS) -> None:
    """Ask for a checkpoint of the chain heads once this transaction commits (once per
    transaction, however many rows it chains)."""
    conn = connections[using]
    if any(entry[1] is _schedule for entry in conn.run_on_commit):
        return
    transaction.on_commit(_schedule, using=using, robust=True)
