"""Celery tasks for the workflow notices. Each takes ids, calls one service and is safe to run
twice: every mail is claimed first in NotificationDelivery (unique per recipient and event), so a
re-run sends nothing new and a retry sends only what failed. Schedules:
editorial/ops/beat_schedules.py. Tasks keep the names they had in editorial/report_tasks.py,
which the beat rows and queued messages store."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.db import InterfaceError, OperationalError

from editorial.notify import desk, feedback_notices, sweep_notices
from editorial.notify import notices as notifications

# A database that went away (restart, dropped connection) is retried like a failed send: the
# retry runs on a fresh connection (Celery's Django fix-up drops unusable ones before a task).
DB_ERRORS = (OperationalError, InterfaceError)
RETRY = {
    "acks_late": True,
    "reject_on_worker_lost": True,
    "time_limit": 600,
    "soft_time_limit": 540,
    "autoretry_for": (notifications.SendFailed, *DB_ERRORS),
    "retry_backoff": settings.EMAIL_RETRY_BACKOFF,
    # below the broker's visibility_timeout (config.settings): a retry waiting on a worker is
    # not redelivered to another one meanwhile
    "retry_backoff_max": 1800,
    "retry_jitter": False,
    "max_retries": settings.EMAIL_RETRY_MAX,
}


@shared_task(**{**RETRY, "name": "editorial.report_tasks.notify_assigned"})
def notify_assigned(article_id: int, round_: int) -> int:
    """Tell the reviewers of this round they were assigned (once per assignment)."""
    return notifications.assignment_notify(article_id=article_id, round_=round_)


@shared_task(**{**RETRY, "name": "editorial.report_tasks.notify_decided"})
def notify_decided(
    assignment_id: int, approvals: int | None = None, required: int | None = None
) -> int:
    """Tell the author a board member's decision, with the comment (once per decision);
    `approvals` of `required` says how far the round is (messages queued before carry none)."""
    return notifications.decision_notify(
        assignment_id=assignment_id, approvals=approvals, required=required
    )


@shared_task(**{**RETRY, "name": "editorial.notify.tasks.notify_superseded"})
def notify_superseded(article_id: int, round_: int) -> int:
    """Tell each reviewer whose review was superseded by the round's quorum (once each)."""
    return notifications.superseded_notify(article_id=article_id, round_=round_)


@shared_task(**{**RETRY, "name": "editorial.notify.tasks.notify_withdrawn"})
def notify_withdrawn(article_id: int, round_: int, reason: str) -> int:
    """Tell the editors the author withdrew a submission (once per round)."""
    return notifications.withdrawal_notify(article_id=article_id, round_=round_, reason=reason)


@shared_task(**{**RETRY, "name": "editorial.notify.tasks.notify_declined"})
def notify_declined(assignment_id: int) -> int:
    """Tell the editors a reviewer declined, with a one-click replacement (once per decline)."""
    return desk.decline_notify(assignment_id=assignment_id)


@shared_task(**{**RETRY, "name": "editorial.notify.tasks.remind_reviewers_now"})
def remind_reviewers_now(article_ids: list[int]) -> int:
    """Remind the pending reviewers of these articles now (at most once a day each)."""
    return desk.reminders_now_send(article_ids=article_ids)


@shared_task(**{**RETRY, "name": "editorial.report_tasks.notify_approved"})
def notify_approved(article_id: int, round_: int) -> int:
    """Tell the author and the editors the article was approved (once per round)."""
    return notifications.approval_notify(article_id=article_id, round_=round_)


@shared_task(**{**RETRY, "name": "editorial.report_tasks.notify_stale"})
def notify_stale(article_id: int, round_: int) -> int:
    """Tell the author and the editors the article went stale (once per round)."""
    return notifications.stale_notify(article_id=article_id, round_=round_)


@shared_task(**{**RETRY, "name": "editorial.report_tasks.notify_recently_stale"})
def notify_recently_stale() -> int:
    """Notices for articles the staleness sweep flagged in the last two days (once each)."""
    return sweep_notices.recently_stale_notify()


@shared_task(**{**RETRY, "name": "editorial.report_tasks.send_review_reminders"})
def send_review_reminders() -> int:
    """Daily: remind reviewers of assignments due within 2 days; escalate overdue ones."""
    return notifications.review_reminders_send()


@shared_task(**{**RETRY, "name": "editorial.notify.tasks.notify_feedback_problem"})
def notify_feedback_problem(feedback_id: int) -> int:
    """Tell the editors and the approving board members of a reader's problem report (once per
    item and person: NotificationDelivery)."""
    return feedback_notices.feedback_problem_notify(feedback_id=feedback_id)


@shared_task(
    **{**RETRY, "autoretry_for": (Exception,), "name": "editorial.notify.tasks.send_feedback_reply"}
)
def send_feedback_reply(feedback_id: int) -> bool:
    """Mail the reader the editors' reply (once: the queued -> sent claim under a row lock)."""
    return feedback_notices.feedback_reply_send(feedback_id=feedback_id)
