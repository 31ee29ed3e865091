"""`manage.py verify_audit [SLUG...]`: recompute the audit hash chains; non-zero on a break."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from editorial.audit.snapshots import unsigned_snapshots
from editorial.audit.verify import audit_article_ids, audit_verify_article


class Command(BaseCommand):
    help = "Recompute each article's audit hash chain; exit 1 naming the first broken entry."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slugs", nargs="*", metavar="SLUG", help="articles (default: all)")

    def handle(self, *args: Any, slugs: list[str], **options: Any) -> None:
        try:
            articles = audit_article_ids(slugs)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        first_break, entries = None, 0
        for article_id, label in articles.items():
            check = audit_verify_article(article_id, label)
            entries += check.entries
            if check.is_ok:
                self.stdout.write(f"ok      {label}: {check.entries} entries")
            else:
                self.stdout.write(f"BROKEN  {label}: {check.first_break}")
                first_break = first_break or check.first_break
        unsigned = unsigned_snapshots(articles)
        for snapshot in unsigned:
            self.stdout.write(f"UNSIGNED {snapshot}")
        if first_break is not None:
            raise CommandError(f"audit chain broken: first break at {first_break}")
        if unsigned:
            raise CommandError(
                f"{len(unsigned)} published snapshot(s) not covered by a signature, first:"
                f" {unsigned[0]}"
            )
        self.stdout.write(
            self.style.SUCCESS(f"audit chains intact: {len(articles)} articles, {entries} entries")
        )
