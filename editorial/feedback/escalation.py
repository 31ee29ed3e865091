"""A reader's "possible error" or "outdated" report on an approved article, turned into a
concern in one click (issue 21): the board re-reviews the article, readers get the notice, and
the report keeps the link to the concern's flag (part of the article's audit trail)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from articles.models import Status
from editorial.access.roles import AnyUser
from editorial.audit.attribution import save_attributed
from editorial.models import PROBLEM_KINDS, Disposition, ReaderFeedback, StalenessFlag
from editorial.workflow import article_raise_reader_concern
from editorial.workflow import permissions as perms

ESCALATED_REASON = "escalated to the board as a concern"
CONCERN_STATUSES = (Status.APPROVED, Status.STALE)


def feedback_escalation_problem(feedback: ReaderFeedback, actor: AnyUser) -> str | None:
    """Why `actor` may not turn this report into a concern now (a sentence), or None. The
    admin asks it to show the button; feedback_escalate enforces it."""
    if not perms.can_raise_reader_concern(actor):
        return "Only an editor or a board member can turn reader feedback into a concern."
    if feedback.concern_id is not None:
        return "This report was already passed to the board as a concern."
    if feedback.kind not in PROBLEM_KINDS:
        return (
            "Only a report of a possible error or of outdated content can become a concern;"
            " answer this one instead."
        )
    if feedback.disposition == Disposition.SPAM:
        return "This report was marked as spam."
    article = feedback.article
    if article.status not in CONCERN_STATUSES:
        return (
            f"The article is {article.get_status_display().lower()}, not approved: only an"
            " approved article is sent back to the board with a concern."
        )
    return None


def feedback_concern_reason(feedback: ReaderFeedback) -> str:
    """The concern's text: what the reader reported, quoted as they wrote it."""
    kind = feedback.get_kind_display().lower()
    when = feedback.created_at.strftime("%Y-%m-%d")
    return f'A reader reported {kind} ({when}, feedback #{feedback.pk}): "{feedback.message}"'


def feedback_escalate(*, feedback: ReaderFeedback, actor: AnyUser) -> StalenessFlag:
    """Turn a reader's problem report into a concern on its article (the board re-reviews, as
    for a board member's concern) and record on the report that it was. Raises
    PermissionDenied (not an editor or a board member) or ValidationError (already escalated,
    not a problem report, the article not approved); nothing changes then."""
    if not perms.can_raise_reader_concern(actor):
        raise PermissionDenied(
            "Only an editor or a board member can turn reader feedback into a concern."
        )
    with transaction.atomic():
        feedback = (
            ReaderFeedback.objects.select_for_update(of=("self",))
            .select_related("article")
            .get(pk=feedback.pk)
        )
        problem = feedback_escalation_problem(feedback, actor)
        if problem:
            raise ValidationError(problem)
        flag = article_raise_reader_concern(
            article=feedback.article, actor=actor, reason=feedback_concern_reason(feedback)
        )
        feedback.concern = flag
        save_attributed(feedback, actor=actor, reason=ESCALATED_REASON)
    return flag
