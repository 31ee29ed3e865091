"""Editorial records: MyReview (a board member's open assignments), StalenessFlag (why an
approved article went stale and how the flag was resolved), the audit chain tables and the
email delivery records."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from reviewers.models import ReviewAssignment

if TYPE_CHECKING:
    from django.contrib.auth.models import User


class MyReview(ReviewAssignment):
    class Meta:
        proxy = True
        verbose_name = "my review"
        verbose_name_plural = "my reviews"


class Resolution(models.TextChoices):
    CONFIRMED = "confirmed", "Confirmed still accurate"
    REVISED = "revised", "Revised"
    WITHDRAWN = "withdrawn", "Withdrawn"


class FlagKind(models.TextChoices):
    SOURCE = "source", "Source changed or retracted"
    REVIEW_DUE = "review_due", "Periodic review due"
    CONCERN = "concern", "Concern raised by a board member"
    # workflow.article_flag_stale: an editor (or the system) flagged it, with a reason
    MANUAL = "manual", "Flagged stale by an editor"


class StalenessFlag(models.Model):
    """An approved article went stale: a cited source changed or was retracted, or its
    periodic review fell due. Written in bulk by editorial.staleness (one sweep per source)."""

    # No single-column indexes on article and source: the unique constraint's index leads
    # with article, flag_source_sweep with source (fewer indexes to write in a bulk sweep).
    article = models.ForeignKey(
        "articles.Article",
        on_delete=models.CASCADE,
        related_name="staleness_flags",
        db_index=False,
    )
    # Empty for the periodic-review backstop: no source changed, time passed.
    source = models.ForeignKey(
        "articles.Source",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staleness_flags",
        db_index=False,
    )
    # db_default: the set-based sweep inserts flags in SQL (editorial.staleness.sweep)
    kind = models.CharField(
        max_length=12, choices=FlagKind.choices, default=FlagKind.SOURCE, db_default=FlagKind.SOURCE
    )
    # A concern: the board member who raised it and what they said.
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,  # a partial index below: the sweep's flags have no one
    )
    detail = models.TextField(blank=True, max_length=5000)
    from_version = models.CharField(max_length=100, blank=True)
    to_version = models.CharField(max_length=100, blank=True)
    reason = models.CharField(max_length=200)
    detected_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution = models.CharField(max_length=10, choices=Resolution.choices, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,  # a partial index below: a new flag is unresolved
    )
    resolution_note = models.TextField("why", blank=True, max_length=5000)

    # A flag's history is read by flag (id) or article; fewer indexes to write in a sweep.
    history = HistoricalRecords(no_db_index=["source", "resolved_by", "raised_by"])
    _history_user: User | None  # who and why of the next save(), for simple-history
    _change_reason: str

    class Meta:
        ordering = ["-detected_at", "-pk"]
        constraints = [
            # one flag per article per source version: re-recording a version flags nothing
            models.UniqueConstraint(
                fields=["article", "source", "to_version"], name="stalenessflag_once_per_version"
            ),
        ]
        indexes = [
            # the editors' queue: open flags, newest first
            models.Index(
                fields=["-detected_at"], condition=Q(resolved_at__isnull=True), name="flag_open"
            ),
            # the sweep: flags of one source version (NOT IN), then the rows it just inserted
            models.Index(fields=["source", "to_version", "detected_at"], name="flag_source_sweep"),
            # deleting a user (SET_NULL finds their flags): only the flags that name someone, so
            # the sweep's 10,000 new flags (raised and resolved by no one) add no entry here
            models.Index(
                fields=["raised_by"], condition=Q(raised_by__isnull=False), name="flag_raised_by"
            ),
            models.Index(
                fields=["resolved_by"],
                condition=Q(resolved_by__isnull=False),
                name="flag_resolved_by",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.article}: {self.reason}"

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None


# --- Audit trail (issue 9): the per-article hash chain and the nightly verification ---
class LinkFormat(models.IntegerChoices):
    """Which canonical text of the chained row a link hashes (editorial.audit.pg, verify)."""

    # the row as JSON: PostgreSQL's `to_jsonb(row)::text` (migration 0023's and 0024's
    # triggers), or the Python path's sorted-key JSON (SQLite; PostgreSQL before 0023)
    JSON = 1, "JSON of the row"
    # PostgreSQL's composite text of the row, `row::text`, under pinned output settings
    # (migration 0038's triggers): the same evidence at about half the cost
    ROW_TEXT = 2, "row text"


class AuditEntry(models.Model):
    """One link of an article's hash chain: a history row, hashed with the previous link.

    Append-only (PostgreSQL triggers, see editorial.audit.db). `article_id` is a plain column,
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
    # A writer that does not name it (an older trigger) wrote format 1: the database default.
    link_format = models.SmallIntegerField(
        choices=LinkFormat.choices, default=LinkFormat.JSON, db_default=LinkFormat.JSON
    )
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


class ObjectAuditEntry(models.Model):
    """One link of an object's hash chain (issue 15): evidence that belongs to no article.

    A source (its history and its versions' history), a board member (theirs and their
    disclosures'), a specialty, a review assignment's signature: one chain per object, keyed
    by (chain, object_id), written like the article chains (editorial.audit.pg). Append-only.
    """

    chain = models.CharField(
        max_length=100, help_text='The object\'s model, e.g. "articles.source".'
    )
    object_id = models.BigIntegerField()
    sequence = models.PositiveIntegerField()
    model_label = models.CharField(max_length=100, help_text="The chained row's model.")
    history_id = models.BigIntegerField(help_text="The chained row's primary key.")
    prev_hash = models.CharField(max_length=64, blank=True)
    entry_hash = models.CharField(max_length=64)
    # A writer that does not name it (an older trigger) wrote format 1: the database default.
    link_format = models.SmallIntegerField(
        choices=LinkFormat.choices, default=LinkFormat.JSON, db_default=LinkFormat.JSON
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "object audit entry"
        verbose_name_plural = "object audit entries"
        constraints = [
            models.UniqueConstraint(
                fields=["chain", "object_id", "sequence"], name="object_audit_one_link_per_seq"
            ),
            models.UniqueConstraint(
                fields=["model_label", "history_id"], name="object_audit_row_once"
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.chain} {self.object_id} #{self.sequence} {self.model_label}:{self.history_id}"
        )


class AuditVerification(models.Model):
    """The result of one `verify_audit` run (nightly task or command)."""

    run_at = models.DateTimeField(default=timezone.now, db_index=True)
    ok = models.BooleanField()
    first_break = models.TextField(blank=True)
    # issue 20 point 9: the published snapshots no valid approval signature covers (changed
    # outside the workflow), one per line; `ok` is false when there is any
    unsigned_snapshots = models.TextField(blank=True)
    checked_entries = models.PositiveIntegerField(default=0)
    # the latest anchor (editorial.audit.anchors) the chains were compared with, if any
    anchor_id = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["-run_at", "-pk"]
        get_latest_by = "run_at"

    def __str__(self) -> str:
        return f"{self.run_at:%Y-%m-%d %H:%M} {'ok' if self.ok else 'BROKEN'}"


class AnchorReceipt(models.Model):
    """The database's note of each checkpoint written to AUDIT_ANCHOR_DIR (issue 15).

    A checkpoint file cut at a line boundary, or the newest file removed, still reads as a
    valid series that merely ends earlier; the receipts say which lines must be there
    (`verify_audit --anchors` reports one that is not). Append-only, like the chains."""

    anchor_id = models.CharField(max_length=100, unique=True)
    written_at = models.DateTimeField()
    file = models.CharField(max_length=100, help_text='e.g. "anchors-2026-12.jsonl"')

    class Meta:
        ordering = ["written_at", "pk"]

    def __str__(self) -> str:
        return f"{self.anchor_id} in {self.file}"


# --- Email reports and notifications (issue 7) ---


class ReportFrequency(models.TextChoices):
    WEEKLY = "weekly", "Weekly (Monday)"
    DAILY = "daily", "Daily"
    NONE = "none", "Never"


class NotificationPreference(models.Model):
    """What mail a person wants. No row means the defaults: weekly report, all notices."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    report_frequency = models.CharField(
        "staleness report",
        max_length=10,
        choices=ReportFrequency.choices,
        default=ReportFrequency.WEEKLY,
    )
    notify_assignments = models.BooleanField("review assignments and reminders", default=True)
    notify_workflow = models.BooleanField("decisions, approvals and stale articles", default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "notification preference"

    def __str__(self) -> str:
        return f"{self.user}: {self.get_report_frequency_display()}"


class DeliveryStatus(models.TextChoices):
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"


class Delivery(models.Model):
    """One message to one person; the subclass's unique key is the claim, so a re-run or a
    retried task finds the row and sends nothing new."""

    status = models.CharField(
        max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.SENDING
    )
    subject = models.CharField(max_length=200, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # who claimed the row last ("sending"), and when: a row left "sending" by a killed worker
    # is taken over by the redelivered task (same task id) or, past DELIVERY_RECLAIM_AFTER, by
    # any later run (editorial.notify.delivery)
    claimed_at = models.DateTimeField(null=True, blank=True)
    claimed_by = models.CharField(max_length=255, blank=True)

    class Meta:
        abstract = True
        ordering = ["-created_at"]


class ReportDelivery(Delivery):
    """One staleness report to one person for one period."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="report_deliveries"
    )
    # "2026-11-24" for a daily report, "2026-W48" for a weekly one
    period_key = models.CharField(max_length=12)

    class Meta(Delivery.Meta):
        verbose_name_plural = "report deliveries"
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "period_key"], name="report_once_per_period"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.recipient} {self.period_key} ({self.status})"


class NotificationDelivery(Delivery):
    """One notice to one person for one event ("assigned:42", "approved:7:2")."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_deliveries"
    )
    event_key = models.CharField(max_length=100)

    class Meta(Delivery.Meta):
        verbose_name_plural = "notification deliveries"
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "event_key"], name="notification_once_per_event"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.recipient} {self.event_key} ({self.status})"
