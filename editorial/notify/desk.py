"""Notices the editors' desk sends: a reviewer declined (the editors must find someone else, so
they are mailed once per decline with a one-click "replace with the next suggestion" link), and
reminders an editor sends now from the article list (at most one per assignment a day)."""

from __future__ import annotations

from collections.abc import Sequence

from django.conf import settings
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from articles.models import Status
from editorial.notify.notices import (
    ASSIGNMENTS,
    WORKFLOW,
    Notice,
    SendFailed,
    admin_url,
    editors_for_mail,
    notices_send,
)
from reviewers.models import Decision, ReviewAssignment


def replace_url(article_id: int, assignment_id: int) -> str:
    """The admin page that replaces a reviewer with the next suggestion (one button)."""
    return settings.SITE_URL + reverse(
        "admin:articles_article_replace", args=[article_id, assignment_id]
    )


def decline_notify(*, assignment_id: int) -> int:
    """Mail the editors that a board member declined, with the replace link."""
    assignment = (
        ReviewAssignment.objects.select_related("article", "reviewer__user")
        .filter(pk=assignment_id, decision=Decision.DECLINED)
        .first()
    )
    if assignment is None:
        return 0
    article = assignment.article
    notice = Notice(
        subject=f"Declined: {assignment.reviewer} will not review {article.title}"[:200],
        lines=[
            f"{assignment.reviewer} declined to review “{article.title}” "
            f"(round {assignment.round}).",
            "Replace them with the next suggested board member in one click, "
            "or choose someone else on the article's page.",
        ],
        comment=assignment.comment,
        url=replace_url(article.pk, assignment.pk),
        action="Replace with the next suggestion",
    )
    pairs = [(editor, f"declined:{assignment.pk}", notice) for editor in editors_for_mail()]
    return notices_send(pairs, WORKFLOW)


def reminders_now_send(*, article_ids: Sequence[int]) -> int:
    """Remind every pending reviewer of these articles' current rounds (an editor asked);
    each assignment is reminded at most once a day however often the editor clicks."""
    today = timezone.localdate().isoformat()
    pending = ReviewAssignment.objects.filter(
        article_id__in=list(article_ids),
        article__status=Status.UNDER_REVIEW,
        round=F("article__review_round"),
        decision=Decision.PENDING,
    ).select_related("article", "reviewer__user__notification_preference")
    sent, failed = 0, None
    for a in pending:
        due = f" It is due {timezone.localtime(a.due_at):%-d %b %Y}." if a.due_at else ""
        notice = Notice(
            subject=f"Reminder: please review {a.article.title}"[:200],
            lines=[f"The editors ask for your decision on “{a.article.title}”.{due}"],
            url=admin_url(a.article_id, "#decision"),
            action="Open the article and decide",
        )
        try:
            sent += notices_send([(a.reviewer.user, f"nudge:{a.pk}:{today}", notice)], ASSIGNMENTS)
        except SendFailed as exc:  # the others still go out; the retry sends the failed ones
            failed = exc
    if failed:
        raise failed
    return sent
