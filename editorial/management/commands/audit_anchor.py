"""`manage.py audit_anchor`: write a checkpoint of every chain head now (AUDIT_ANCHOR_DIR)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from editorial.audit.anchors import anchor_checkpoint, anchor_dir


class Command(BaseCommand):
    help = "Checkpoint the audit chains (heads and links, HMAC-SHA-256) in AUDIT_ANCHOR_DIR now."

    def handle(self, *args: Any, **options: Any) -> None:
        anchor = anchor_checkpoint(reason="command")
        lines = f" in {anchor['parts']} lines" if anchor["parts"] > 1 else ""
        self.stdout.write(
            self.style.SUCCESS(
                f"anchor {anchor['anchor_id']} written to {anchor_dir()}{lines}: {anchor['grown']}"
                " chains grown since the previous checkpoint (heads and new links)"
            )
        )
