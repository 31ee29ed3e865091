"""A concern about an approved article: it flags the article like a source change (a
StalenessFlag of kind "concern", with who and why), so it goes through the same triage and the
same public notice. A board member raises one in their own words; an editor or a board member
can also pass a reader's problem report to the board as one (editorial.feedback)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from articles.models import Article, Status
from editorial.access.roles import AnyUser, board_member_of
from editorial.audit.attribution import history_user, save_attributed
from editorial.models import FlagKind, StalenessFlag
from editorial.notify import hooks as notifications
from editorial.workflow import permissions as perms
from editorial.workflow.guards import lock_article, require_status, required_reason

CONCERN_REASON = "concern raised by a board member"
READER_CONCERN_REASON = "concern from a reader's report"
DETAIL_LENGTH = 5000


def article_raise_concern(*, article: Article, actor: AnyUser, reason: str) -> StalenessFlag:
    """Any active board member flags an approved (or already stale) article with a concern."""
    reason = _detail(reason, "Say what the concern is (it is kept with the flag).")
    perms.ensure(perms.can_raise_concern(actor), "Only an active board member can raise a concern.")
    member = board_member_of(actor)
    return _concern(
        article, actor=actor, detail=reason, flag_reason=f"{CONCERN_REASON}: {member}", by=member
    )


def article_raise_reader_concern(*, article: Article, actor: AnyUser, reason: str) -> StalenessFlag:
    """An editor or an active board member passes a reader's report on an approved (or already
    stale) article to the board as a concern; `reason` quotes the reader."""
    reason = _detail(reason, "Quote the reader's report (it is kept with the flag).")
    perms.ensure(
        perms.can_raise_reader_concern(actor),
        "Only an editor or an active board member can pass a reader's report to the board.",
    )
    member = board_member_of(actor)
    who = str(member) if member is not None else _name(actor)
    return _concern(
        article,
        actor=actor,
        detail=reason,
        flag_reason=f"{READER_CONCERN_REASON}, passed on by {who}",
        by=who,
    )


def _name(actor: AnyUser) -> str:
    user = history_user(actor)
    return (user.get_full_name() or user.get_username()) if user is not None else "the system"


def _detail(reason: str, missing: str) -> str:
    reason = required_reason(reason, missing)
    if len(reason) > DETAIL_LENGTH:
        raise ValidationError(f"Keep the concern under {DETAIL_LENGTH} characters.")
    return reason


def _concern(
    article: Article, *, actor: AnyUser, detail: str, flag_reason: str, by: object
) -> StalenessFlag:
    """The concern's flag, and an approved article moved to stale (a stale one stays)."""
    with transaction.atomic():
        article = lock_article(article)
        require_status(article, (Status.APPROVED, Status.STALE), "raise a concern")
        now = timezone.now()
        flag = StalenessFlag(
            article=article,
            kind=FlagKind.CONCERN,
            raised_by=history_user(actor),
            detail=detail,
            reason=flag_reason[:200],
            # one flag per concern: the unique (article, source, to_version) never collides
            to_version=f"concern {now.isoformat()}"[:100],
            detected_at=now,
        )
        save_attributed(flag, actor=actor, reason=f"concern raised by {by}")
        if article.status == Status.APPROVED:
            article.flag_stale()
            save_attributed(article, actor=actor, reason=f"flagged stale: concern raised by {by}")
            notifications.on_stale(article)
    return flag
