"""Audit tasks: the nightly verification of the chains (issue 9) against the anchors and of the
published snapshots against the board's signatures (issue 20), and the anchors themselves
(issue 15): one per write burst, one hourly.

The schedules (nightly 03:15 UTC, hourly at :05) are django-celery-beat rows defined in
editorial/ops/beat_schedules.py; editors can move them in the admin.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from celery import shared_task
from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, InterfaceError, OperationalError, connections, transaction

from editorial.audit.anchor_reader import anchor_index
from editorial.audit.anchors import PENDING_KEY, anchor_burst, anchor_checkpoint
from editorial.audit.snapshots import unsigned_snapshots
from editorial.audit.verify import audit_verify_chains
from editorial.models import AuditVerification
from editorial.outbox import outbox_enqueue

logger = logging.getLogger(__name__)


def audit_verification_record() -> AuditVerification:
    """Verify every chain against the anchors and every published snapshot against the
    signatures of its round, and store the outcome (one row per run); a failure is logged as
    an error and reaches the editors through the staleness report (audit_latest_problems).

    A problem with the anchor files (missing, truncated, another key) counts as a break."""
    anchors = anchor_index()
    first_break, entries = None, 0
    for check in audit_verify_chains(anchors=anchors):
        entries += check.entries
        if check.first_break is not None and first_break is None:
            first_break = str(check.first_break)
    if first_break is None and anchors.problems:
        first_break = f"anchors: {anchors.problems[0]}"
    unsigned = [str(u) for u in unsigned_snapshots()]
    if first_break is not None:
        logger.error("audit verification: chain broken: %s", first_break)
    for line in unsigned:
        logger.error("audit verification: unsigned published snapshot: %s", line)
    return AuditVerification.objects.create(
        ok=first_break is None and not unsigned,
        first_break=first_break or "",
        unsigned_snapshots="\n".join(unsigned),
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


@dataclass(frozen=True)
class AuditProblems:
    """What the latest verification found: the first chain break, the unsigned snapshots."""

    first_break: str | None = None
    unsigned_snapshots: tuple[str, ...] = ()

    @property
    def alarm(self) -> str:
        """The report's subject prefix: what editors must investigate first ("" when none)."""
        if self.first_break:
            return "AUDIT CHAIN BROKEN"
        return "UNSIGNED CONTENT PUBLISHED" if self.unsigned_snapshots else ""


def audit_latest_problems() -> AuditProblems:
    """What the latest verification found (empty if it passed or never ran; 1 query). For the
    staleness report: editors hear of it."""
    latest = AuditVerification.objects.order_by("-run_at", "-pk").first()
    if latest is None or latest.ok:
        return AuditProblems()
    unsigned = tuple(line for line in latest.unsigned_snapshots.splitlines() if line)
    return AuditProblems(latest.first_break or None, unsigned)


def audit_latest_break() -> str | None:
    """The first break found by the latest verification, or None if it passed / never ran."""
    return audit_latest_problems().first_break


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
