"""Celery task for the staleness report. Safe to run twice: every mail is claimed first in
ReportDelivery (unique per recipient and period), so a re-run sends nothing new and a retry sends
only what failed. Schedules: editorial/ops/beat_schedules.py (the task keeps its first name,
stored in the beat rows)."""

from __future__ import annotations

from celery import shared_task

from editorial.notify.tasks import DB_ERRORS, RETRY
from editorial.reporting.staleness_report import staleness_report_send


class ReportFailed(Exception):
    """Some reports could not be sent; the retry sends those (the rest are recorded)."""


@shared_task(
    **{
        **RETRY,
        "autoretry_for": (ReportFailed, *DB_ERRORS),
        "name": "editorial.report_tasks.send_staleness_reports",
    }
)
def send_staleness_reports(frequency: str | None = None) -> dict:
    """Send the current period's staleness report to every recipient of `frequency` (all
    when None) who has not had it; retried with backoff while some sends fail."""
    run = staleness_report_send(frequency=frequency)
    if run.failed:
        raise ReportFailed(f"{run.failed} staleness report(s) failed; {run.sent} sent")
    return {"sent": run.sent, "skipped": run.skipped}
