"""Leaving the board's hands: an approved article flagged stale, any article archived."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from articles.models import Article, Status
from editorial.access.roles import AnyUser
from editorial.audit.attribution import history_user, save_attributed
from editorial.models import FlagKind, StalenessFlag
from editorial.notify import hooks as notifications
from editorial.webhooks import article_state_event
from editorial.workflow import permissions as perms
from editorial.workflow.flags import flags_triage
from editorial.workflow.guards import lock_article, require_transition

DETAIL_LENGTH = 5000


def article_flag_stale(*, article: Article, reason: str, actor: AnyUser = None) -> Article:
    """Mark an approved article stale (a cited source changed, or its review is due), with an
    open StalenessFlag (kind "manual") that only the board's next approval closes: readers keep
    the notice through the editor's triage, as for a flag the sweep wrote."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("Say why the article is stale.")
    if len(reason) > DETAIL_LENGTH:
        raise ValidationError(f"Keep the reason under {DETAIL_LENGTH} characters.")
    with transaction.atomic():
        article = lock_article(article)
        perms.ensure(perms.can_flag_stale(article, actor), "Only an editor can flag an article.")
        require_transition(article, article.flag_stale, "flag as stale")
        flag = StalenessFlag(
            article=article,
            kind=FlagKind.MANUAL,
            raised_by=history_user(actor),
            detail=reason,
            reason=reason[:200],
            detected_at=timezone.now(),
        )
        save_attributed(flag, actor=actor, reason=f"flagged stale: {reason}")
        article.flag_stale()
        save_attributed(article, actor=actor, reason=f"flagged stale: {reason}")
        article_state_event(article)
        notifications.on_stale(article)
    return article


def article_archive(*, article: Article, actor: AnyUser, reason: str) -> Article:
    """Withdraw an article from readers; it stays in the record."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("Say why the article is archived.")
    with transaction.atomic():
        article = lock_article(article)
        perms.ensure(perms.can_archive(article, actor), "Only an editor can archive an article.")
        if article.status == Status.ARCHIVED:
            raise ValidationError("The article is already archived.")
        article.archive()
        resolved = flags_triage(article, resolution="withdrawn", actor=actor, note=reason)
        save_attributed(
            article,
            actor=actor,
            reason=f"{resolved}; archived" if resolved else f"archived: {reason}",
        )
        article_state_event(article)
    return article
