"""A review round closes when it completes: once the quorum approved, the round's pending
assignments are superseded (recorded in their history, their reviewers told), so a late
decision cannot land on an approved article."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from articles.models import Article
from editorial.access.roles import AnyUser
from editorial.audit.attribution import history_user
from editorial.notify import hooks as notifications
from reviewers.models import Decision, ReviewAssignment

SUPERSEDED_REASON = "superseded: the round reached its quorum"


def round_close(
    article: Article, round_assignments: Iterable[ReviewAssignment], *, actor: AnyUser
) -> list[ReviewAssignment]:
    """Supersede the round's still-pending assignments (locked by the caller); returns them."""
    now = timezone.now()
    pending = [
        a
        for a in round_assignments
        if a.decision == Decision.PENDING and a.round == article.review_round
    ]
    for assignment in pending:
        assignment.decision = Decision.SUPERSEDED
        assignment.decided_at = now
    if pending:
        bulk_update_with_history(
            pending,
            ReviewAssignment,
            ["decision", "decided_at"],
            default_user=history_user(actor),
            default_change_reason=SUPERSEDED_REASON,
        )
        notifications.on_superseded(article)
    return pending
