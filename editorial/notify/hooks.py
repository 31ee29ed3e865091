"""Workflow hooks: the workflow calls these inside its transaction; each records the notice it
owes in the outbox (one row, same transaction), which the relay publishes after commit: a
rolled-back action mails nobody, and a broker outage delays the mail but never loses it
(hooks -> outbox -> tasks -> notices)."""

from __future__ import annotations

from articles.models import Article, Status
from editorial.notify.tasks import (
    notify_approved,
    notify_assigned,
    notify_decided,
    notify_declined,
    notify_stale,
    notify_superseded,
    notify_withdrawn,
    remind_reviewers_now,
)
from editorial.outbox import outbox_enqueue, outbox_enqueue_many
from reviewers.models import Decision, ReviewAssignment


def _after_commit(task, *args: object) -> None:
    outbox_enqueue(task.name, args=args)


def on_assigned(article: Article) -> None:
    """After commit: tell the reviewers of the article's current round they were assigned."""
    _after_commit(notify_assigned, article.pk, article.review_round)


def on_decided(
    assignment: ReviewAssignment,
    article: Article,
    *,
    approvals: int | None = None,
    required: int | None = None,
) -> None:
    """After commit: tell the author the decision (decided_owed says which notices)."""
    outbox_enqueue_many(decided_owed(assignment, article, approvals=approvals, required=required))


def decided_owed(
    assignment: ReviewAssignment,
    article: Article,
    *,
    approvals: int | None = None,
    required: int | None = None,
) -> list[tuple[str, tuple]]:
    """The notices a decision owes, as (task name, args) for the outbox: the author hears the
    decision ("approval 1 of 2 recorded"); when it approved the article, the approval notice
    (author and editors) says so instead, so the author gets one mail, not two. For a caller
    that owes more in the same INSERT (outbox_enqueue_many)."""
    owed: list[tuple[str, tuple]] = []
    if assignment.decision == Decision.APPROVED and article.status == Status.APPROVED:
        owed.append((notify_approved.name, (article.pk, article.review_round)))
    else:
        progress = (approvals, required) if assignment.decision == Decision.APPROVED else ()
        owed.append((notify_decided.name, (assignment.pk, *progress)))
    if assignment.decision == Decision.DECLINED:
        # the editors must find someone else: they hear of it with a one-click replacement
        owed.append((notify_declined.name, (assignment.pk,)))
    return owed


def on_stale(article: Article) -> None:
    """After commit: tell the author and editors the article was flagged stale."""
    _after_commit(notify_stale, article.pk, article.review_round)


def on_superseded(article: Article) -> None:
    """After commit: tell the reviewers whose review the round's quorum made unnecessary."""
    _after_commit(notify_superseded, article.pk, article.review_round)


def on_withdrawn(article: Article, *, reason: str) -> None:
    """After commit: tell the editors the author withdrew the submission, and why."""
    _after_commit(notify_withdrawn, article.pk, article.review_round, reason)


def on_reminders_requested(article_ids: list[int]) -> None:
    """After commit: remind the pending reviewers of these articles (an editor asked)."""
    _after_commit(remind_reviewers_now, list(article_ids))
