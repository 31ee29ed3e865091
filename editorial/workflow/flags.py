"""Staleness flags follow the board, not the editor's triage. Confirming ("still accurate",
sent to re-review) or revising records the triage on the article's open flags, but the flags
stay open, and readers keep the notice, until the board approves again; that approval closes
them. Withdrawing (archiving) closes them at once: readers no longer see the article."""

from __future__ import annotations

from django.db.models import Exists
from django.utils import timezone

from articles.models import Article
from editorial.access.roles import AnyUser
from editorial.audit.attribution import attribute, history_user
from editorial.models import Resolution, StalenessFlag

TRIAGE_LABELS = {
    Resolution.CONFIRMED: "confirmed still accurate",
    Resolution.REVISED: "revised",
    Resolution.WITHDRAWN: "withdrawn",
}
CLOSED_BY_APPROVAL = "closed: the board approved the article again"


def _open_flags(article: Article) -> list[StalenessFlag]:
    return list(
        StalenessFlag.objects.select_for_update().filter(article=article, resolved_at__isnull=True)
    )


def flags_triage(article: Article, *, resolution: str, actor: AnyUser, note: str) -> str:
    """Record the triage on the article's open flags; returns the history reason suffix ("" when
    there were none). Only a withdrawal closes them here."""
    flags = _open_flags(article)
    if not flags:
        return ""
    now = timezone.now()
    reason = f"staleness resolved: {TRIAGE_LABELS[Resolution(resolution)]}" + (
        f" — {note}" if note else ""
    )
    closes = resolution == Resolution.WITHDRAWN
    for flag in flags:
        flag.resolution = resolution
        flag.resolved_by = history_user(actor)
        flag.resolution_note = note[:5000]
        if closes:
            flag.resolved_at = now
        attribute(flag, actor=actor, reason=reason)
        flag.save(update_fields=["resolution", "resolved_by", "resolved_at", "resolution_note"])
    return reason


def open_flags_exist(article_pk: int) -> Exists:
    """Whether the article has an open flag: an annotation for a query the approval runs anyway
    after it locked the article (its round's lock), so flags_close_on_approval is spared its
    query when there is none. A statement after the lock, as that query was: a flag written by
    whoever held the article lock before is seen; one committed later in the approval's
    transaction (the sweep flags a stale article without its lock) was as concurrent before."""
    return Exists(StalenessFlag.objects.filter(article_id=article_pk, resolved_at__isnull=True))


def flags_close_on_approval(article: Article, *, actor: AnyUser, any_open: bool = True) -> int:
    """The board approved the article again: its open flags close (their triage is kept).
    `any_open`: False when open_flags_exist said, in this transaction, there are none."""
    if not any_open:
        return 0
    flags = _open_flags(article)
    now = timezone.now()
    for flag in flags:
        flag.resolved_at = now
        attribute(flag, actor=actor, reason=CLOSED_BY_APPROVAL)
        flag.save(update_fields=["resolved_at"])
    return len(flags)
