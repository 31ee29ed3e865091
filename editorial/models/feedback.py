"""Reader feedback and its disposition (issue 21)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

if TYPE_CHECKING:
    pass


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
    # the concern this report became (editorial.feedback.feedback_escalate): who passed it to
    # the board and when are the flag's raised_by and detected_at
    concern = models.OneToOneField(
        "editorial.StalenessFlag",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="reader_feedback",
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

    @property
    def is_escalated(self) -> bool:
        return self.concern_id is not None
