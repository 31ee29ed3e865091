"""What every workflow service does first: lock the article row, and refuse a move its state
does not allow, with a sentence."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django_fsm import can_proceed

from articles.models import Article


def lock_article(article: Article, **annotations: Any) -> Article:
    """Re-read the article with its row locked (and its author) for this transaction, with
    `annotations` (they read the statement's snapshot, taken before any wait for the lock: never
    annotate what the lock's holder may write)."""
    return article_lock_query(article.pk, **annotations).get()


def article_lock_query(article_pk: int, **annotations: Any) -> QuerySet[Article]:
    """The statement lock_article runs: the article (and its author) with its row locked."""
    return (
        Article.objects.select_for_update(of=("self",))
        .select_related("author")
        .annotate(**annotations)
        .filter(pk=article_pk)
    )


def require_transition(article: Article, transition: Callable[..., object], action: str) -> None:
    """ValidationError naming the article's state unless the @transition `transition` (a bound
    method of `article`) may fire from it: the sources live on the transition, not here."""
    if not can_proceed(transition):
        raise ValidationError(
            f"Cannot {action}: the article is {article.get_status_display().lower()}."
        )


def require_status(article: Article, allowed: Sequence[str], action: str) -> None:
    """ValidationError naming the article's state unless it is one of `allowed`."""
    if article.status not in allowed:
        raise ValidationError(
            f"Cannot {action}: the article is {article.get_status_display().lower()}."
        )


def required_reason(reason: str | None, message: str) -> str:
    """The reason, stripped; ValidationError(`message`) when there is none."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(message)
    return reason
