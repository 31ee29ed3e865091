"""Editorial records. MyReview is the board member's own view of their open assignments."""

from django.db import models
from django.utils import timezone

from reviewers.models import ReviewAssignment


class MyReview(ReviewAssignment):
    class Meta:
        proxy = True
        verbose_name = "my review"
        verbose_name_plural = "my reviews"


# --- Audit trail (issue 9): the per-article hash chain and the nightly verification ---
class AuditEntry(models.Model):
    """One link of an article's hash chain: a history row, hashed with the previous link.

    Append-only (PostgreSQL triggers, see editorial.audit_db). `article_id` is a plain column,
    not a foreign key: the chain must outlive a deleted draft, and a cascade would delete links.
    """

    article_id = models.BigIntegerField()
    sequence = models.PositiveIntegerField()
    model_label = models.CharField(
        max_length=100, help_text='History model, e.g. "articles.historicalarticle".'
    )
    history_id = models.BigIntegerField()
    prev_hash = models.CharField(max_length=64, blank=True)
    entry_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "audit entry"
        verbose_name_plural = "audit entries"
        constraints = [
            # two writers cannot both append sequence n: the chain never forks
            models.UniqueConstraint(
                fields=["article_id", "sequence"], name="audit_one_link_per_seq"
            ),
            # a history row is chained once
            models.UniqueConstraint(fields=["model_label", "history_id"], name="audit_row_once"),
        ]

    def __str__(self) -> str:
        return f"article {self.article_id} #{self.sequence} {self.model_label}:{self.history_id}"


class AuditVerification(models.Model):
    """The result of one `verify_audit` run (nightly task or command)."""

    run_at = models.DateTimeField(default=timezone.now, db_index=True)
    ok = models.BooleanField()
    first_break = models.TextField(blank=True)
    checked_entries = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-run_at", "-pk"]
        get_latest_by = "run_at"

    def __str__(self) -> str:
        return f"{self.run_at:%Y-%m-%d %H:%M} {'ok' if self.ok else 'BROKEN'}"
