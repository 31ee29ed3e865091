"""Workflow notices: who hears about what, once.

The workflow calls the hooks in editorial.notify.hooks; each queues a task (editorial.notify.tasks)
after commit, and the task calls a `*_notify` service below (hooks -> tasks -> notices, one way).
Every notice is keyed by its event ("assigned:<assignment>", "approved:<article>:<round>") in
NotificationDelivery, so a retried task or a repeated hook never mails a person twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import User
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Status
from editorial.access.roles import EDITORS
from editorial.models import NotificationDelivery, StalenessFlag
from editorial.notify.delivery import delivery_send, mail_render
from reviewers.models import Decision, ReviewAssignment

ASSIGNMENTS = "notify_assignments"
WORKFLOW = "notify_workflow"


@dataclass(frozen=True)
class Notice:
    subject: str
    lines: list[str]
    url: str
    action: str
    comment: str = ""


class SendFailed(Exception):
    """At least one notice failed; the others went out. A retry sends only the failed ones."""


def _users():
    return User.objects.filter(is_active=True).exclude(email="")


def editors_for_mail() -> list[User]:
    """Active editors with an email address, with their preferences."""
    return list(
        _users()
        .filter(groups__name=EDITORS)
        .select_related("notification_preference")
        .distinct()
        .order_by("pk")
    )


def _wants(user: User, kind: str) -> bool:
    try:
        return getattr(user.notification_preference, kind)
    except User.notification_preference.RelatedObjectDoesNotExist:
        return True


def admin_url(article_id: int, anchor: str = "") -> str:
    """Where editors and reviewers act on an article."""
    return settings.SITE_URL + reverse("admin:articles_article_change", args=[article_id]) + anchor


def author_url(article_id: int) -> str:
    """Where the author acts on their article."""
    return settings.SITE_URL + reverse("author:article_editor", args=[article_id])


def notices_send(pairs: list[tuple[User, str, Notice]], kind: str) -> int:
    """Send each (recipient, event key, notice) once, if the recipient wants `kind` notices;
    returns how many went out now. Raises SendFailed after trying all when any failed."""
    sent, failures = 0, []
    seen = set()
    for user, key, notice in pairs:
        if user.pk in seen or not _wants(user, kind):
            continue
        seen.add(user.pk)
        mail = mail_render("notice", {"notice": notice, "subject": notice.subject, "user": user})
        try:
            sent += delivery_send(
                NotificationDelivery, recipient=user, key={"event_key": key}, mail=mail
            )
        except Exception as exc:
            failures.append(f"{user.email}: {exc}")
    if failures:
        raise SendFailed("; ".join(failures))
    return sent


def _article(article_id: int) -> Article | None:
    return (
        Article.objects.select_related("author__notification_preference")
        .filter(pk=article_id)
        .first()
    )


def assignment_notify(*, article_id: int, round_: int) -> int:
    """Mail each reviewer with a pending assignment in this round of the article."""
    pending = ReviewAssignment.objects.filter(
        article_id=article_id, round=round_, decision=Decision.PENDING
    ).select_related("article", "reviewer__user__notification_preference")
    pairs = [
        (
            a.reviewer.user,
            f"assigned:{a.pk}",
            Notice(
                subject=f"Please review: {a.article.title}"[:200],
                lines=[
                    f"You were assigned to review “{a.article.title}” (round {a.round}).",
                    f"Your decision is due {_when(a.due_at)}.",
                ],
                url=admin_url(a.article_id, "#decision"),
                action="Open the article and decide",
            ),
        )
        for a in pending
    ]
    return notices_send(pairs, ASSIGNMENTS)


def _when(moment: datetime | None) -> str:
    if moment is None:
        return "when you can"
    return timezone.localtime(moment).strftime("%-d %b %Y %H:%M")


def decision_notify(*, assignment_id: int) -> int:
    """Mail the author one board member's decision, with the comment."""
    assignment = (
        ReviewAssignment.objects.select_related(
            "article__author__notification_preference", "reviewer__user"
        )
        .filter(pk=assignment_id)
        .exclude(decision=Decision.PENDING)
        .first()
    )
    if assignment is None:
        return 0
    article = assignment.article
    notice = Notice(
        subject=f"{assignment.get_decision_display()}: {article.title}"[:200],
        lines=[
            f"{assignment.reviewer} decided on “{article.title}”: "
            f"{assignment.get_decision_display().lower()}.",
            f"The article is now {article.get_status_display().lower()}.",
        ],
        comment=assignment.comment,
        url=author_url(article.pk),
        action="Open your article",
    )
    return notices_send([(article.author, f"decision:{assignment.pk}", notice)], WORKFLOW)


def approval_notify(*, article_id: int, round_: int) -> int:
    """Mail the author and the editors that the board approved the article."""
    article = _article(article_id)
    if article is None or article.review_round != round_ or article.approved_at is None:
        return 0
    lines = [
        f"The board approved “{article.title}” (round {round_}).",
        f"Next periodic review: {article.next_review_due:%-d %b %Y}.",
    ]
    key = f"approved:{article.pk}:{round_}"
    pairs = [
        (
            article.author,
            key,
            Notice(f"Approved: {article.title}"[:200], lines, author_url(article.pk), "Open"),
        )
    ]
    pairs += [
        (e, key, Notice(f"Approved: {article.title}"[:200], lines, admin_url(article.pk), "Open"))
        for e in editors_for_mail()
    ]
    return notices_send(pairs, WORKFLOW)


def stale_notify(*, article_id: int, round_: int) -> int:
    """Mail the author and the editors that the article was flagged stale, and why."""
    article = _article(article_id)
    if article is None or article.review_round != round_:
        return 0
    reasons = [
        _flag_reason(flag)
        for flag in StalenessFlag.objects.filter(
            article_id=article_id, resolved_at__isnull=True
        ).select_related("source")
    ]
    lines = [f"“{article.title}” was flagged stale.", *reasons]
    lines.append("Confirm it is still accurate, revise it or withdraw it.")
    key = f"stale:{article.pk}:{round_}"
    subject = f"Stale: {article.title}"[:200]
    pairs = [(article.author, key, Notice(subject, lines, author_url(article.pk), "Open"))]
    pairs += [
        (e, key, Notice(subject, lines, admin_url(article.pk), "Open")) for e in editors_for_mail()
    ]
    return notices_send(pairs, WORKFLOW)


def _flag_reason(flag: StalenessFlag) -> str:
    what = f"{flag.source.title if flag.source else 'No source'}: {flag.reason}"
    if flag.to_version:
        what += f" ({flag.from_version or 'unversioned'} → {flag.to_version})"
    return what


def review_reminders_send(*, now: datetime | None = None) -> int:
    """Remind reviewers (daily) of assignments due within 2 days or overdue; tell the editors
    once about each overdue one."""
    now = now or timezone.now()
    soon = now + timedelta(days=settings.REPORT_ASSIGNMENT_DUE_WITHIN_DAYS)
    today = timezone.localdate(now).isoformat()
    late = ReviewAssignment.objects.filter(
        decision=Decision.PENDING,
        article__status=Status.UNDER_REVIEW,
        round=F("article__review_round"),
        due_at__lte=soon,
    ).select_related("article", "reviewer__user__notification_preference")
    editors = editors_for_mail()
    reminders, escalations = [], []
    for a in late:
        overdue = a.due_at is not None and a.due_at < now  # due_at__lte above: never None
        state = f"overdue since {_when(a.due_at)}" if overdue else f"due {_when(a.due_at)}"
        reminders.append(
            (
                a.reviewer.user,
                f"reminder:{a.pk}:{today}",
                Notice(
                    f"Reminder: your review of {a.article.title} is {state}"[:200],
                    [f"Your review of “{a.article.title}” is {state}."],
                    admin_url(a.article_id, "#decision"),
                    "Open the article and decide",
                ),
            )
        )
        if overdue:
            notice = Notice(
                f"Overdue review: {a.article.title} ({a.reviewer})"[:200],
                [f"{a.reviewer}'s review of “{a.article.title}” is {state}."],
                admin_url(a.article_id),
                "Open the article (reassign or chase)",
            )
            escalations += [(e, f"overdue:{a.pk}", notice) for e in editors]
    failed = None
    sent = 0
    for batch in _per_recipient(reminders) + _per_recipient(escalations):
        try:
            sent += notices_send(batch, ASSIGNMENTS)
        except SendFailed as exc:
            failed = exc
    if failed:
        raise failed
    return sent


def _per_recipient(pairs: list) -> list[list]:
    """One notices_send per event, so one person with two assignments gets both reminders."""
    by_key: dict[str, list] = {}
    for pair in pairs:
        by_key.setdefault(pair[1], []).append(pair)
    return list(by_key.values())
