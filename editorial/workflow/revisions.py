"""Sending an article back to work: to the board unchanged (re-review), or to its author
(a revision). Each locks the article, checks, transitions and saves with its history reason in
one transaction, as editorial.workflow.services does."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from articles.models import Article
from editorial.access.roles import AnyUser
from editorial.audit.attribution import history_user, save_attributed
from editorial.notify import hooks as notifications
from editorial.webhooks import article_state_event
from editorial.workflow import permissions as perms
from editorial.workflow.conflict_check import split_conflicted
from editorial.workflow.flags import flags_triage
from editorial.workflow.guards import lock_article as _lock
from editorial.workflow.guards import require_transition
from editorial.workflow.pins import citations_repin_flagged
from reviewers.models import BoardMember, Decision, ReviewAssignment


def _close_open_flags(article: Article, *, resolution: str, actor: AnyUser, note: str) -> str:
    # the triage is recorded now; the flags close when the board approves again (flags.py)
    return flags_triage(article, resolution=resolution, actor=actor, note=note)


def article_rereview(*, article: Article, actor: AnyUser, note: str = "") -> Article:
    """Send a stale article, unchanged, back to the board; last round's approvers are
    re-assigned when still active. Open staleness flags close as "confirmed"."""
    note = (note or "").strip()
    with transaction.atomic():
        article = _lock(article)
        perms.ensure(perms.can_rereview(article, actor), "Only an editor can send to re-review.")
        require_transition(article, article.rereview, "send to re-review")
        previous = list(
            BoardMember.objects.active()
            .filter(
                assignments__article=article,
                assignments__round=article.review_round,
                assignments__decision=Decision.APPROVED,
            )
            .exclude(user_id=article.author_id)
            .distinct()
        )
        # a disclosure declared since the last round keeps that approver out of this one
        previous, conflicts = split_conflicted(previous, article, names_only=True)
        article.rereview()
        # before the flags are triaged (they name the changed sources) and before anyone signs
        citations_repin_flagged(article, actor=actor)
        resolved = _close_open_flags(article, resolution="confirmed", actor=actor, note=note)
        reason = f"sent to re-review (round {article.review_round})"
        if conflicts:
            reason = f"{reason}; not re-assigned (conflict of interest): {'; '.join(conflicts)}"
        save_attributed(
            article, actor=actor, reason=f"{resolved}; {reason}" if resolved else reason
        )
        article_state_event(article)
        due_at = timezone.now() + timedelta(days=settings.REVIEW_DUE_DAYS)
        bulk_create_with_history(
            [
                ReviewAssignment(
                    article=article,
                    reviewer=m,
                    round=article.review_round,
                    assigned_by=history_user(actor),
                    due_at=due_at,
                )
                for m in previous
            ],
            ReviewAssignment,
            default_user=actor,
            default_change_reason=f"re-review round {article.review_round}",
        )
        notifications.on_assigned(article)
    return article


def article_start_revision(*, article: Article, actor: AnyUser, note: str = "") -> Article:
    """Reopen an approved or stale article for editing; readers keep the approved snapshot.
    Open staleness flags close as "revised"."""
    note = (note or "").strip()
    with transaction.atomic():
        article = _lock(article)
        perms.ensure(
            perms.can_start_revision(article, actor),
            "Only the author or an editor can start a revision.",
        )
        require_transition(article, article.start_revision, "start a revision")
        article.start_revision()
        resolved = _close_open_flags(article, resolution="revised", actor=actor, note=note)
        reason = "revision started"
        save_attributed(
            article, actor=actor, reason=f"{resolved}; {reason}" if resolved else reason
        )
    return article
