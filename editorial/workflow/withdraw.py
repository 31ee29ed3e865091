"""Withdraw or replace a pending reviewer (an editor's call: on leave, too slow, a conflict
found late). A decided assignment is evidence and stays; a pending one is removed and the
history keeps who withdrew it, when and why."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from articles.models import Article, Status
from editorial.access.roles import AnyUser
from editorial.workflow import permissions as perms
from editorial.workflow.services import review_assign
from reviewers.models import BoardMember, Decision, ReviewAssignment


def _locked_pending(assignment: ReviewAssignment, actor: AnyUser) -> ReviewAssignment:
    """Lock the article, then the assignment; check it may still be withdrawn."""
    article = (
        Article.objects.select_for_update(of=("self",)).filter(pk=assignment.article_id).first()
    )
    locked = (
        ReviewAssignment.objects.select_for_update(of=("self",))
        .select_related("reviewer__user")
        .filter(pk=assignment.pk)
        .first()
    )
    if article is None or locked is None:
        raise ValidationError("This reviewer is no longer assigned (already withdrawn?).")
    perms.ensure(perms.can_assign(article, actor), "Only an editor can withdraw a reviewer.")
    if locked.decision != Decision.PENDING:
        raise ValidationError(
            f"{locked.reviewer} already decided ({locked.get_decision_display().lower()}); "
            "a decision is part of the record and cannot be withdrawn."
        )
    if locked.round != article.review_round or article.status != Status.UNDER_REVIEW:
        raise ValidationError("This review round is closed; there is nobody to withdraw.")
    locked.article = article
    return locked


def review_withdraw(
    *, assignment: ReviewAssignment, actor: AnyUser, reason: str
) -> ReviewAssignment:
    """Withdraw a pending reviewer from the current round (editors only)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("Say why the reviewer is withdrawn.")
    with transaction.atomic():
        locked = _locked_pending(assignment, actor)
        locked._history_user = actor if actor is not None and actor.is_authenticated else None
        locked._change_reason = f"withdrawn: {reason}"[:100]
        locked.delete()
    return locked


def review_replace(
    *, assignment: ReviewAssignment, replacement: BoardMember, actor: AnyUser, reason: str
) -> ReviewAssignment:
    """Withdraw a pending (or declined) reviewer's place and assign `replacement` in one go:
    both happen or neither. A declined assignment stays on record; only a pending one is
    withdrawn."""
    with transaction.atomic():
        if assignment.decision == Decision.PENDING:
            review_withdraw(assignment=assignment, actor=actor, reason=reason)
        (new,) = review_assign(
            article=assignment.article, reviewers=[replacement], actor=actor, due_at=None
        )
    return new
