"""Editorial records. MyReview is the board member's own view of their open assignments;
StalenessFlag says why an approved article went stale and how the flag was resolved."""

import uuid
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
    )
    resolution_note = models.TextField("why", blank=True, max_length=5000)

    # A flag's history is read by flag (id) or article; fewer indexes to write in a sweep.
    history = HistoricalRecords(no_db_index=["source", "resolved_by", "raised_by"])
    _history_user: "User | None"  # who and why of the next save(), for simple-history
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
        ]

    def __str__(self) -> str:
        return f"{self.article}: {self.reason}"

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None


# --- Audit trail (issue 9): the per-article hash chain and the nightly verification ---
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
    checked_entries = models.PositiveIntegerField(default=0)
    # the latest anchor (editorial.audit.anchors) the chains were compared with, if any
    anchor_id = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["-run_at", "-pk"]
        get_latest_by = "run_at"

    def __str__(self) -> str:
        return f"{self.run_at:%Y-%m-%d %H:%M} {'ok' if self.ok else 'BROKEN'}"


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


# --- Transactional outbox (issue 16) ---


class OutboxStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    SENT = "sent", "Sent"
    DEAD = "dead", "Dead (needs an editor)"


class OutboxMessage(models.Model):
    """A task a write owes, written in the write's transaction (editorial.outbox); the relay
    publishes it to Celery after commit. A rolled-back write leaves no row; a broker outage
    leaves the row pending until the broker returns."""

    task_name = models.CharField(max_length=200)
    args = models.JSONField(default=list, blank=True)
    kwargs = models.JSONField(default=dict, blank=True)
    # the Celery task id the relay publishes with: a re-publish after a relay crash carries
    # the same id (the tasks are idempotent either way)
    task_id = models.UUIDField(default=uuid.uuid4, editable=False)
    status = models.CharField(
        max_length=10, choices=OutboxStatus.choices, default=OutboxStatus.PENDING
    )
    created_at = models.DateTimeField(default=timezone.now)
    # not published before this (the enqueue's countdown, then the retry backoff)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "outbox message"
        indexes = [
            # the relay's "due pending rows, oldest first" and /healthz's backlog
            models.Index(
                fields=["next_attempt_at", "id"],
                condition=Q(status="pending"),
                name="outbox_pending_due",
            ),
            # the relay's purge of old sent rows
            models.Index(fields=["sent_at"], condition=Q(status="sent"), name="outbox_sent_at"),
        ]

    def __str__(self) -> str:
        return f"{self.task_name} {self.args or ''} ({self.status})"


class ServiceHeartbeat(models.Model):
    """When a background process (worker, relay) last showed it is alive; /healthz reads it
    from the database, so the probe never waits on the broker."""

    name = models.CharField(max_length=40, unique=True)
    seen_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} {self.seen_at:%Y-%m-%d %H:%M:%S}"


# --- The API and its webhooks (issue 18) ---


class ApiClient(models.Model):
    """A program using the API (a drafting pipeline, a publishing site), set up by an editor.
    It acts as `user`: every write goes through the services with that user's permissions."""

    name = models.CharField(max_length=100, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="api_clients",
        help_text="The account it acts as (e.g. the pipeline's author account).",
    )  # fmt: skip
    scopes = models.JSONField(default=list, help_text="drafts:write, articles:read, ...")
    allowed_ips = models.TextField(
        "IP allow-list", blank=True, help_text="Addresses or networks, one a line; empty: any."
    )
    rate_limit_per_minute = models.PositiveIntegerField(default=120)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "API client"

    def __str__(self) -> str:
        return self.name


class ApiKey(models.Model):
    """A client's key: only its SHA-256 is stored (keys are random, 256 bits); shown once."""

    client = models.ForeignKey(ApiClient, on_delete=models.CASCADE, related_name="keys")
    prefix = models.CharField(max_length=16, help_text="The key's first characters, to tell it.")
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "API key"

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.client})"


class ApiIdempotencyKey(models.Model):
    """The first answer to a POST carrying an Idempotency-Key: a retry gets it again."""

    client = models.ForeignKey(ApiClient, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=200)
    request_sha256 = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField()
    response = models.JSONField()
    location = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["client", "key"], name="idempotency_once_per_client")
        ]

    def __str__(self) -> str:
        return f"{self.client_id}: {self.key}"


class WebhookSubscription(models.Model):
    """Where a client wants to hear about events, and the secret the payloads are signed with."""

    client = models.ForeignKey(ApiClient, on_delete=models.CASCADE, related_name="webhooks")
    url = models.URLField(max_length=1000)
    events = models.JSONField(default=list)
    secret = models.CharField(max_length=100, help_text="whsec_…: the receiver verifies with it.")
    active = models.BooleanField(default=True)
    consecutive_failures = models.PositiveIntegerField(default=0, editable=False)
    disabled_reason = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["client", "pk"]

    def __str__(self) -> str:
        return f"{self.client}: {self.url}"


class WebhookDeliveryStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    DELIVERED = "delivered", "Delivered"
    FAILED = "failed", "Failed (gave up)"


class WebhookDelivery(models.Model):
    """One event owed to one subscription; written in the transaction that caused it."""

    subscription = models.ForeignKey(
        WebhookSubscription, on_delete=models.CASCADE, related_name="deliveries"
    )
    message_id = models.CharField(max_length=40, help_text="webhook-id: the same on every retry.")
    event = models.CharField(max_length=50)
    payload = models.JSONField()
    status = models.CharField(
        max_length=10,
        choices=WebhookDeliveryStatus.choices,
        default=WebhookDeliveryStatus.PENDING,
    )
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    # A worker claims a delivery until then (compare-and-set): two workers never both send it.
    claimed_until = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = "webhook deliveries"
        constraints = [
            models.UniqueConstraint(
                fields=["subscription", "message_id"], name="webhook_once_per_subscription"
            )
        ]
        indexes = [
            # the retry sweep: pending deliveries whose next attempt is due
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status="pending"),
                name="webhook_delivery_due",
            )
        ]

    def __str__(self) -> str:
        return f"{self.event} {self.message_id} → {self.subscription} ({self.status})"


class WebhookAttempt(models.Model):
    """One HTTP attempt of a delivery: what the receiver answered, how fast."""

    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE, related_name="log")
    attempted_at = models.DateTimeField(default=timezone.now)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    latency_ms = models.PositiveIntegerField(default=0)
    response_excerpt = models.TextField(blank=True)
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-attempted_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.delivery_id} {self.status_code or self.error}"


# --- Reader feedback (issue 21) ---


class FeedbackKind(models.TextChoices):
    QUESTION = "question", "A follow-up question"
    POSSIBLE_ERROR = "possible_error", "A possible error"
    OUTDATED = "outdated", "Out of date"
    OTHER = "other", "Something else"


# Kinds that say the approved content may be wrong: the board hears about them.
PROBLEM_KINDS = (FeedbackKind.POSSIBLE_ERROR, FeedbackKind.OUTDATED)


class Disposition(models.TextChoices):
    ANSWERED = "answered", "Answered"
    CORRECTED = "corrected", "Corrected"
    NO_CHANGE = "no_change", "No change needed"
    SPAM = "spam", "Spam"


class ReplyStatus(models.TextChoices):
    NONE = "", "No reply"
    QUEUED = "queued", "Queued"
    SENT = "sent", "Sent"


class ReaderFeedback(models.Model):
    """A reader's question or problem report on a public article, and how editors disposed of
    it. Plain text only: never rendered as HTML. Its history joins the article's audit chain."""

    article = models.ForeignKey(
        "articles.Article", on_delete=models.PROTECT, related_name="reader_feedback"
    )
    kind = models.CharField(max_length=20, choices=FeedbackKind.choices)
    message = models.TextField(max_length=4000)
    email = models.EmailField("reply to", blank=True, max_length=254)
    # the version the reader saw: the approved snapshot's content hash and approval time
    # (empty for a page still pending its first review)
    seen_content_sha256 = models.CharField(max_length=64, blank=True)
    seen_approved_at = models.DateTimeField(null=True, blank=True)
    seen_status = models.CharField(max_length=20)
    # keyed hash of the sender's address: the per-address throttle, never the address itself
    sender_key = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    disposition = models.CharField(max_length=10, choices=Disposition.choices, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    resolution_note = models.TextField("note / reply", blank=True, max_length=4000)
    reply_status = models.CharField(
        max_length=10, choices=ReplyStatus.choices, blank=True, default=ReplyStatus.NONE
    )

    history = HistoricalRecords(excluded_fields=["sender_key"])

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "reader feedback"
        verbose_name_plural = "reader feedback"
        indexes = [
            # the per-address throttle: this sender's posts in the last hour
            models.Index(fields=["sender_key", "created_at"], name="feedback_sender_recent"),
            # the global throttle and the admin list, newest first
            models.Index(fields=["-created_at"], name="feedback_recent"),
            # the staleness report and the article's open items
            models.Index(
                fields=["article", "kind"],
                condition=Q(resolved_at__isnull=True),
                name="feedback_open",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.article_id} ({self.created_at:%Y-%m-%d})"

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None

    @property
    def is_problem(self) -> bool:
        return self.kind in PROBLEM_KINDS
