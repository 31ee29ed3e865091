"""A reviewer declined: the editors must find someone else, so they are mailed (once per
decline) with a one-click "replace with the next suggestion" link."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from editorial.notify.notices import WORKFLOW, Notice, editors_for_mail, notices_send
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
