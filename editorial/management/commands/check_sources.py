"""python manage.py check_sources: poll every source with a URL once, now, with a progress bar."""

from __future__ import annotations

from collections import Counter

from django.core.management.base import BaseCommand

from editorial.staleness.poller import PollOutcome, sources_poll_all

BAR_WIDTH = 30


class Command(BaseCommand):
    help = "Poll every cited source with a URL once (synchronously); changes flag articles stale."

    def handle(self, *args, **options) -> None:
        tally: Counter[str] = Counter()
        flagged = 0

        def progress(done: int, total: int, outcome: PollOutcome) -> None:
            nonlocal flagged
            tally[outcome.status] += 1
            flagged += outcome.flagged
            filled = BAR_WIDTH * done // max(total, 1)
            bar = "#" * filled + "-" * (BAR_WIDTH - filled)
            self.stdout.write(f"\r[{bar}] {done}/{total}", ending="")
            self.stdout.flush()

        outcomes = sources_poll_all(on_progress=progress)
        if outcomes:
            self.stdout.write("")
        for outcome in outcomes:
            if outcome.status == "failed":
                self.stderr.write(f"source {outcome.source_id}: {outcome.detail}")
        summary = ", ".join(f"{n} {status}" for status, n in sorted(tally.items())) or "none"
        self.stdout.write(
            self.style.SUCCESS(
                f"Checked {len(outcomes)} source(s): {summary}; {flagged} article(s) flagged stale."
            )
        )
