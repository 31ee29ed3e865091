"""The transactional outbox's rows and the background processes' heartbeats (issue 16)."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Q
from django.utils import timezone

if TYPE_CHECKING:
    pass


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
