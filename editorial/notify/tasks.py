"""Celery tasks for the workflow notices. Each takes ids, calls one service and is safe to run
twice: every mail is claimed first in NotificationDelivery (unique per recipient and event), so a
re-run sends nothing new and a retry sends only what failed. Schedules:
editorial/ops/beat_schedules.py. Tasks keep the names they had in editorial/report_tasks.py,
which the beat rows and queued messages store."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings

from editorial.notify import desk, sweep_notices
from editorial.notify import notices as notifications

RETRY = {
    "acks_late": True,
    "time_limit": 600,
    "soft_time_limit": 540,
    "autoretry_for": (notifications.SendFailed,),
    "retry_backoff": settings.EMAIL_RETRY_BACKOFF,
    "retry_backoff_max": 3600,
    "retry_jitter": False,
    "max_retries": settings.EMAIL_RETRY_MAX,
}


@shared_task(**{**RETRY, "name": "editorial.report_tasks.notify_assigned"})
def notify_assigned(article_id: int, round_: int) -> int:
    """Tell the reviewers of this round they were assigned (once per assignment)."""
    return notifications.assignment_notify(article_id=article_id, round_=round_)


@shared_task(**{**RETRY, "name": "editorial.report_tasks.notify_decided"})
def notify_decided(assignment_id: int) -> int:
    """Tell the author a board member's decision, with the comment (once per decision)."""
    return notifications.decision_notify(assignment_id=assignment_id)


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
