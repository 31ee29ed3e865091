"""The steps every workflow write shares: lock and re-read the article, check its state, save
with the history user and reason."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import ValidationError

from articles.models import Article
from editorial.access.roles import AnyUser


def lock_article(article: Article) -> Article:
    """The article re-read under a row lock (its author loaded)."""
    return (
        Article.objects.select_for_update(of=("self",)).select_related("author").get(pk=article.pk)
    )


def history_user(actor: AnyUser):
    return actor if actor is not None and actor.is_authenticated else None


def save_with_history(obj, *, actor: AnyUser, reason: str) -> None:
    obj._history_user = history_user(actor)
    obj._change_reason = reason[:100]
    obj.save()


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
