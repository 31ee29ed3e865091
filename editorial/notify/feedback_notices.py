"""Notices about reader feedback: the board hears of a reported problem; the reader gets the
editors' reply. The reader's words travel as plain text (auto-escaped in the HTML part)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.urls import reverse

from editorial.audit.attribution import save_attributed
from editorial.models import ReaderFeedback, ReplyStatus
from editorial.notify.delivery import mail_render
from editorial.notify.notices import WORKFLOW, Notice, editors_for_mail, notices_send
from reviewers.models import Decision, ReviewAssignment


def feedback_admin_url(feedback_id: int) -> str:
    """Where editors triage one item."""
    path = reverse("admin:editorial_readerfeedback_change", args=[feedback_id])
    return settings.SITE_URL + path


def feedback_problem_notify(*, feedback_id: int) -> int:
    """Mail the editors and the board members who approved the published version that a reader
    reported a possible error or outdated content (once per item and person)."""
    feedback = ReaderFeedback.objects.select_related("article").filter(pk=feedback_id).first()
    if feedback is None or not feedback.is_problem:
        return 0
    article = feedback.article
    round_ = (article.approved_snapshot or {}).get("review_round", article.review_round)
    approvers = [
        a.reviewer.user
        for a in ReviewAssignment.objects.filter(
            article_id=article.pk, round=round_, decision=Decision.APPROVED
        ).select_related("reviewer__user__notification_preference")
    ]
    notice = Notice(
        subject=f"Reader report ({feedback.get_kind_display().lower()}): {article.title}"[:200],
        lines=[
            f"A reader reported “{feedback.get_kind_display().lower()}” on “{article.title}”.",
            "Triage it: answer, correct the article, or raise a concern for re-review.",
        ],
        comment=feedback.message,
        url=feedback_admin_url(feedback.pk),
        action="Open the report",
    )
    key = f"feedback:{feedback.pk}"
    recipients = [*editors_for_mail(), *(u for u in approvers if u.is_active and u.email)]
    return notices_send([(user, key, notice) for user in recipients], WORKFLOW)


def feedback_reply_send(*, feedback_id: int) -> bool:
    """Mail the reader the editors' reply, once: the row is claimed (queued -> sent) under a
    lock before sending; a failed send rolls the claim back so a retry sends it."""
    with transaction.atomic():
        feedback = (
            ReaderFeedback.objects.select_for_update()
            .select_related("article")
            .filter(pk=feedback_id, reply_status=ReplyStatus.QUEUED)
            .first()
        )
        if feedback is None or not feedback.email:
            return False
        mail = mail_render(
            "feedback_reply",
            {
                "subject": f"Re: your note on “{feedback.article.title}”",
                "feedback": feedback,
                "article_url": settings.SITE_URL
                + reverse("public-article", args=[feedback.article.slug]),
            },
        )
        message = EmailMultiAlternatives(
            subject=mail.subject,
            body=mail.text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[feedback.email],
        )
        message.attach_alternative(mail.html, "text/html")
        message.send()
        # with its history row (chained like the rest of the feedback's): that the reader was
        # answered, and when, is part of the record an inspector reads
        feedback.reply_status = ReplyStatus.SENT
        save_attributed(feedback, actor=None, reason="reply sent to the reader")
    return True
