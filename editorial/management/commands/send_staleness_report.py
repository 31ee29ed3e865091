"""Send the staleness report now: each recipient gets the current period's report once."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from editorial.models import ReportFrequency
from editorial.reporting.staleness_report import staleness_report_send


class Command(BaseCommand):
    help = (
        "Send each recipient the staleness report for the current period (daily: today; "
        "weekly: this ISO week) unless it was already sent."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--frequency",
            choices=[ReportFrequency.DAILY, ReportFrequency.WEEKLY],
            help="Only recipients with this preference (default: both).",
        )

    def handle(self, *args, frequency: str | None = None, **options) -> None:
        run = staleness_report_send(frequency=frequency)
        self.stdout.write(
            f"Staleness report: {run.sent} sent, {run.skipped} already sent this period, "
            f"{run.failed} failed."
        )
        if run.failed:
            raise CommandError(f"{run.failed} report(s) failed; run again to retry them.")
