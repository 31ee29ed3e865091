"""Who and why for the history row a save or delete writes (simple-history reads both from
the instance). Every service saves through these, so a history row always names the person
(None for the system) and keeps the whole reason: the column is text, nothing is cut."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db import models

from editorial.access.roles import AnyUser
from editorial.audit.pg_history import save_with_history


def history_user(actor: AnyUser) -> User | None:
    """The user to record: None for the system or an anonymous request."""
    return actor if isinstance(actor, User) and actor.is_authenticated else None


def attribute(obj: models.Model, *, actor: AnyUser, reason: str) -> None:
    """Set the history user and reason the next save or delete of `obj` records."""
    obj._history_user = history_user(actor)  # type: ignore[attr-defined]
    obj._change_reason = reason  # type: ignore[attr-defined]


def save_attributed(obj: models.Model, *, actor: AnyUser, reason: str) -> None:
    """Save with its history row naming `actor` and `reason` (on PostgreSQL, an article or a
    review assignment and its history row in one statement: editorial.audit.pg_history)."""
    attribute(obj, actor=actor, reason=reason)
    if not save_with_history(obj, user=history_user(actor), reason=reason):
        obj.save()


def delete_attributed(obj: models.Model, *, actor: AnyUser, reason: str) -> None:
    """Delete with its history row naming `actor` and `reason`."""
    attribute(obj, actor=actor, reason=reason)
    obj.delete()
