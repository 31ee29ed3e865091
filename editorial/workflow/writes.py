"""The steps every workflow write shares: lock and re-read the article, check its state, save
with the history user and reason."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import models

from articles.models import Article
from editorial.access.roles import AnyUser
from editorial.audit.attribution import history_user, save_attributed

__all__ = ["history_user", "lock_article", "require_status", "required_reason", "save_with_history"]


def lock_article(article: Article) -> Article:
    """The article re-read under a row lock (its author loaded)."""
    return (
        Article.objects.select_for_update(of=("self",)).select_related("author").get(pk=article.pk)
    )


def save_with_history(obj: models.Model, *, actor: AnyUser, reason: str) -> None:
    save_attributed(obj, actor=actor, reason=reason)


def require_status(article: Article, allowed: Sequence[str], action: str) -> None:
    if article.status not in allowed:
        raise ValidationError(
            f"Cannot {action}: the article is {article.get_status_display().lower()}."
        )


def required_reason(reason: str | None, message: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(message)
    return reason
