"""A board member's concern about an approved article: it flags the article like a source
change (a StalenessFlag of kind "concern", with who and why), so it goes through the same
triage and the same public notice."""

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
DETAIL_LENGTH = 5000


def article_raise_concern(*, article: Article, actor: AnyUser, reason: str) -> StalenessFlag:
    """Any active board member flags an approved (or already stale) article with a concern."""
    reason = required_reason(reason, "Say what the concern is (it is kept with the flag).")
    if len(reason) > DETAIL_LENGTH:
        raise ValidationError(f"Keep the concern under {DETAIL_LENGTH} characters.")
    perms.ensure(perms.can_raise_concern(actor), "Only an active board member can raise a concern.")
    member = board_member_of(actor)
    with transaction.atomic():
        article = lock_article(article)
        require_status(article, (Status.APPROVED, Status.STALE), "raise a concern")
        now = timezone.now()
        flag = StalenessFlag(
            article=article,
            kind=FlagKind.CONCERN,
            raised_by=history_user(actor),
            detail=reason,
            reason=f"{CONCERN_REASON}: {member}"[:200],
            # one flag per concern: the unique (article, source, to_version) never collides
            to_version=f"concern {now.isoformat()}"[:100],
            detected_at=now,
        )
        save_attributed(flag, actor=actor, reason=f"concern raised by {member}")
        if article.status == Status.APPROVED:
            article.flag_stale()
            save_attributed(
                article, actor=actor, reason=f"flagged stale: concern raised by {member}"
            )
            notifications.on_stale(article)
    return flag
