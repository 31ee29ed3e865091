"""Workflow hooks: the workflow calls these inside its transaction; each queues a notice task
that runs after commit, so a rolled-back action mails nobody (hooks -> tasks -> notices)."""

from __future__ import annotations

from django.db import transaction

from articles.models import Article, Status
from editorial.notify.tasks import (
    notify_approved,
    notify_assigned,
    notify_decided,
    notify_declined,
    notify_stale,
    remind_reviewers_now,
)
from reviewers.models import Decision, ReviewAssignment


def _after_commit(task, *args: int | list[int]) -> None:
    # robust: the action is committed; a broker (or, eagerly, SMTP) failure is logged by Django
    # and must not turn the editor's or reviewer's request into an error page.
    def enqueue() -> None:  # a named function: Django logs a robust callback's __qualname__
        task.delay(*args)

    transaction.on_commit(enqueue, robust=True)


def on_assigned(article: Article) -> None:
    """After commit: tell the reviewers of the article's current round they were assigned."""
    _after_commit(notify_assigned, article.pk, article.review_round)


def on_decided(assignment: ReviewAssignment, article: Article) -> None:
    """After commit: tell the author the decision; when it approved the article, the approval
    notice (author and editors) says so instead, so the author gets one mail, not two."""
    if assignment.decision == Decision.APPROVED and article.status == Status.APPROVED:
        _after_commit(notify_approved, article.pk, article.review_round)
    else:
        _after_commit(notify_decided, assignment.pk)
    if assignment.decision == Decision.DECLINED:
        # the editors must find someone else: they hear of it with a one-click replacement
        _after_commit(notify_declined, assignment.pk)


def on_stale(article: Article) -> None:
    """After commit: tell the author and editors the article was flagged stale."""
    _after_commit(notify_stale, article.pk, article.review_round)


def on_reminders_requested(article_ids: list[int]) -> None:
    """After commit: remind the pending reviewers of these articles (an editor asked)."""
    _after_commit(remind_reviewers_now, list(article_ids))
