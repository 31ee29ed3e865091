"""The write path for reader feedback: a reader's post (throttled, validated, plain text) and an
editor's disposition. Owed effects (the board's notice, the reply) go through the outbox."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from articles.models import Article
from articles.snapshot import snapshot_hash
from editorial.access.roles import AnyUser, is_editor
from editorial.audit.attribution import history_user, save_attributed
from editorial.models import (
    PROBLEM_KINDS,
    Disposition,
    FeedbackKind,
    ReaderFeedback,
    ReplyStatus,
)
from editorial.notify.tasks import notify_feedback_problem, send_feedback_reply
from editorial.outbox import outbox_enqueue
from editorial.public.selectors import Visibility, article_visibility

THROTTLE_WINDOW = timedelta(hours=1)
_HASH = re.compile(r"[0-9a-f]{64}")
# C0 controls other than tab and newlines: PostgreSQL refuses NUL, none of them is prose
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class FeedbackThrottled(Exception):
    """Too many posts from this address, or from everyone, in the last hour."""


def sender_key(address: str | None) -> str:
    """A keyed hash of the sender's address: enough to throttle, useless to identify them."""
    return salted_hmac("imprimatur.feedback.sender", address or "unknown").hexdigest()


def feedback_throttle_check(*, key: str, now: datetime) -> None:
    """Raise FeedbackThrottled past the per-address or the global hourly limit (2 queries)."""
    since = now - THROTTLE_WINDOW
    recent = ReaderFeedback.objects.filter(created_at__gte=since)
    if recent.filter(sender_key=key).count() >= settings.FEEDBACK_PER_ADDRESS_PER_HOUR:
        raise FeedbackThrottled("You have sent several notes in the last hour.")
    if recent.count() >= settings.FEEDBACK_GLOBAL_PER_HOUR:
        raise FeedbackThrottled("We are receiving an unusual number of notes.")


def _clean(*, kind: str, message: str, email: str) -> tuple[str, str, str]:
    errors: dict[str, list[str]] = {}
    if kind not in FeedbackKind.values:
        errors["kind"] = ["Choose what your note is about."]
    message = _CONTROL.sub("", message or "").strip()
    limit = settings.FEEDBACK_MESSAGE_MAX
    if not message:
        errors["message"] = ["Write your question or describe the problem."]
    elif len(message) > limit:
        errors["message"] = [f"Keep it under {limit} characters (it has {len(message)})."]
    email = (email or "").strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = ["Enter a valid email address, or leave it empty."]
    if errors:
        raise ValidationError(errors)
    return kind, message, email


def feedback_submit(
    *,
    article: Article,
    kind: str,
    message: str,
    email: str = "",
    seen_content_sha256: str = "",
    sender_address: str | None,
    now: datetime | None = None,
) -> ReaderFeedback:
    """Store a reader's note on an article readers can see. Raises ValidationError (bad input,
    an article readers cannot see) or FeedbackThrottled; a problem report on an approved
    article queues the board's notice in the same transaction."""
    now = now or timezone.now()
    kind, message, email = _clean(kind=kind, message=message, email=email)
    key = sender_key(sender_address)
    with transaction.atomic():
        article = Article.objects.get(pk=article.pk)
        visibility = article_visibility(
            status=article.status,
            has_snapshot=article.approved_snapshot is not None,
            was_submitted=article.submitted_at is not None,
        )
        if visibility not in (Visibility.REVIEWED, Visibility.PENDING):
            raise ValidationError("This article is not available for comments.")
        feedback_throttle_check(key=key, now=now)
        current = snapshot_hash(article.approved_snapshot) if article.approved_snapshot else ""
        seen = seen_content_sha256 if _HASH.fullmatch(seen_content_sha256 or "") else current
        feedback = ReaderFeedback(
            article=article,
            kind=kind,
            message=message,
            email=email,
            seen_content_sha256=seen,
            seen_approved_at=article.approved_at if seen and seen == current else None,
            seen_status=article.status,
            sender_key=key,
            created_at=now,
        )
        save_attributed(
            feedback,
            actor=None,
            reason=f"reader feedback: {feedback.get_kind_display().lower()}",
        )
        if kind in PROBLEM_KINDS and visibility == Visibility.REVIEWED:
            outbox_enqueue(notify_feedback_problem.name, args=[feedback.pk])
    return feedback


def feedback_resolve(
    *, feedback: ReaderFeedback, disposition: str, actor: AnyUser, note: str = ""
) -> ReaderFeedback:
    """Record an editor's disposition (who, when, a note). With a note and the reader's address,
    the note goes to the reader as the reply (once), through the outbox; never for spam."""
    if not is_editor(actor):
        raise PermissionDenied("Only editors dispose of reader feedback.")
    if disposition not in Disposition.values:
        raise ValidationError({"disposition": ["Choose a disposition."]})
    note = _CONTROL.sub("", note or "").strip()
    if len(note) > settings.FEEDBACK_MESSAGE_MAX:
        raise ValidationError({"note": [f"Keep the note under {settings.FEEDBACK_MESSAGE_MAX}."]})
    with transaction.atomic():
        feedback = ReaderFeedback.objects.select_for_update().get(pk=feedback.pk)
        feedback.disposition = disposition
        feedback.resolution_note = note
        feedback.resolved_at = timezone.now()
        feedback.resolved_by = history_user(actor)
        replies = (
            bool(feedback.email and note)
            and disposition != Disposition.SPAM
            and feedback.reply_status == ReplyStatus.NONE
        )
        if replies:
            feedback.reply_status = ReplyStatus.QUEUED
        reason = f"disposition: {feedback.get_disposition_display().lower()}"
        save_attributed(feedback, actor=actor, reason=reason)
        if replies:
            outbox_enqueue(send_feedback_reply.name, args=[feedback.pk])
    return feedback
