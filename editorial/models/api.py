"""The API's clients and keys, and its webhooks (issue 18)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

if TYPE_CHECKING:
    pass


# --- The API and its webhooks (issue 18) ---
# Evidence (issue 15): who may act through the API as whom (clients, keys: issued, revoked),
# where the system sends data (subscriptions) and what it sent (deliveries: every attempt's
# outcome) keep a history, chained like the rest (editorial.audit.chain.OBJECT_CHAINS): a
# client's chain holds its own rows, its keys' and its subscriptions', a delivery has its own.
# Not evidence, no history: the idempotency cache, and the attempts' raw HTTP log (each
# attempt's outcome is in the delivery's history).


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

    history = HistoricalRecords()

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

    # last_used_at is bookkeeping, written by a plain update at most once a minute
    history = HistoricalRecords(excluded_fields=["last_used_at"])

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

    # never the signing secret: an append-only table would keep it for ever
    history = HistoricalRecords(excluded_fields=["secret"])

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

    # the claim is a worker's lease, not an outcome
    history = HistoricalRecords(excluded_fields=["claimed_until"])

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
