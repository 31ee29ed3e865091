"""`manage.py verify_audit [SLUG...] [--anchors]`: recompute the audit hash chains.

Exits non-zero naming the first broken entry. With --anchors every chain (articles, sources,
board members, specialties, signatures, API clients, webhook deliveries) is also compared with
what the anchor files (AUDIT_ANCHOR_DIR) hold: the first entry changed since it was anchored
is named with the anchor it contradicts (editorial.audit.verify_anchors), and a missing,
truncated, altered or foreign-key anchor file is a failure too.
Streams: one batch of chains in memory at a time; progress on stderr every PROGRESS_EVERY.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from articles.models import Article
from editorial.audit.anchor_reader import anchor_index
from editorial.audit.snapshots import unsigned_snapshots
from editorial.audit.verify import audit_verify_chains

PROGRESS_EVERY = 5.0  # seconds


class Command(BaseCommand):
    help = "Recompute every audit hash chain; exit 1 naming the first broken entry."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slugs", nargs="*", metavar="SLUG", help="articles (default: all)")
        parser.add_argument(
            "--anchors",
            action="store_true",
            help="also compare every chain with the anchors (AUDIT_ANCHOR_DIR)",
        )
        parser.add_argument(
            "--quiet", action="store_true", help="print only breaks, progress and the outcome"
        )

    def handle(self, *args: Any, slugs: list[str], anchors: bool, quiet: bool, **options) -> None:
        index = anchor_index() if anchors else None
        if index is not None:
            for problem in index.problems:
                self.stdout.write(f"ANCHORS {problem}")
        first_break, chains, entries = None, 0, 0
        last_progress = time.monotonic()

        def progress(chain: str, done: int, total: int) -> None:
            nonlocal last_progress
            if time.monotonic() - last_progress >= PROGRESS_EVERY or done == total:
                last_progress = time.monotonic()
                self.stderr.write(f"verify_audit: {chain} {done}/{total} chains")

        try:
            for check in audit_verify_chains(slugs=slugs, anchors=index, progress=progress):
                chains += 1
                entries += check.entries
                if check.is_ok:
                    if not quiet:
                        self.stdout.write(f"ok      {check.article}: {check.entries} entries")
                else:
                    self.stdout.write(f"BROKEN  {check.article}: {check.first_break}")
                    first_break = first_break or check.first_break
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        # a published snapshot no valid signature covers (changed outside the workflow)
        ids = (
            list(Article.objects.filter(slug__in=slugs).values_list("pk", flat=True))
            if slugs
            else None
        )
        unsigned = unsigned_snapshots(ids)
        for snapshot in unsigned:
            self.stdout.write(f"UNSIGNED {snapshot}")
        if first_break is not None:
            anchor = f" (anchors up to {index.latest_id})" if index and index.latest_id else ""
            raise CommandError(f"audit chain broken: first break at {first_break}{anchor}")
        if index is not None and index.problems:
            raise CommandError(f"audit anchors unusable: {index.problems[0]}")
        if unsigned:
            raise CommandError(
                f"{len(unsigned)} published snapshot(s) not covered by a signature, first:"
                f" {unsigned[0]}"
            )
        checked = f"{chains} chains" if not slugs else f"{chains} articles"
        against = f", anchored up to {index.latest_id}" if index is not None else ""
        self.stdout.write(
            self.style.SUCCESS(f"audit chains intact: {checked}, {entries} entries{against}")
        )
