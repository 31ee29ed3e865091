"""Nightly verification of the audit hash chains (issue 9).

The schedule (03:15 UTC nightly) is a django-celery-beat row defined in
editorial/beat_schedules.py; editors can move it in the admin.
"""

from __future__ import annotations

from celery import shared_task
from django.db import InterfaceError, OperationalError

from editorial.audit.verify import audit_verify
from editorial.models import AuditVerification


def audit_verification_record() -> AuditVerification:
    """Verify every chain and store the outcome (one row per run)."""
    report = audit_verify()
    first_break = report.first_break
    return AuditVerification.objects.create(
        ok=report.is_ok,
        first_break=str(first_break) if first_break else "",
        checked_entries=report.checked_entries,
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


def audit_latest_break() -> str | None:
    """The first break found by the latest verification, or None if it passed / never ran.

    For the staleness report: mention it when it is not None.
    """
    latest = AuditVerification.objects.order_by("-run_at", "-pk").first()
    if latest is None or latest.ok:
        return None
    return latest.first_break
