"""Issue 21 point 1: a reader's "possible error" or "outdated" report on an approved article
becomes a concern in one click; the board re-reviews (feedback_escalate, the admin button and
list action). Permission checks in the service."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from articles.models import Article
from editorial import workflow
from editorial.feedback import feedback_escalate
from editorial.models import AuditEntry, ReaderFeedback, StalenessFlag
from editorial.staleness import article_resolve_staleness
from reviewers.models import ReviewAssignment
from tests.editorial.public_helpers import article_url
from tests.factories import ArticleFactory, BoardMemberFactory

pytestmark = pytest.mark.django_db

MESSAGE = 'The dose in "Key points" should be 5 mg, not 50 mg.'
BADGE = "Reviewed for accuracy by our board"


def report(article: Article, kind: str = "possible_error", message: str = MESSAGE):
    return ReaderFeedback.objects.create(
        article=article,
        kind=kind,
        message=message,
        seen_status=article.status,
        sender_key="k",
    )


def escalate_url(item: ReaderFeedback) -> str:
    return f"/admin/editorial/readerfeedback/{item.pk}/escalate/"


def nothing_changed(article: Article, item: ReaderFeedback) -> None:
    article.refresh_from_db()
    item.refresh_from_db()
    assert article.status == "approved"
    assert item.concern is None
    assert not StalenessFlag.objects.filter(article=article).exists()


@pytest.fixture
def approved(db):
    return ArticleFactory(approved=True)


# --- the service ------------------------------------------------------------------------


def test_editor_turns_a_possible_error_into_a_concern_quoting_the_reader(client, approved, editor):
    item = report(approved)
    flag = feedback_escalate(feedback=item, actor=editor)

    assert (flag.kind, flag.raised_by, flag.resolved_at) == ("concern", editor, None)
    assert f'"{MESSAGE}"' in flag.detail and "possible error" in flag.detail
    approved.refresh_from_db()
    assert approved.status == "stale"  # as for a board member's concern
    item.refresh_from_db()
    assert item.concern == flag and item.is_escalated
    assert item.disposition == ""  # still the editors' to answer
    last = item.history.latest()
    assert (last.history_user, last.history_change_reason) == (
        editor,
        "escalated to the board as a concern",
    )
    assert (
        AuditEntry.objects.filter(
            article_id=approved.pk, model_label="editorial.historicalreaderfeedback"
        ).count()
        == 2
    )
    html = client.get(article_url(approved)).content.decode()
    assert 'data-review-state="stale"' in html and BADGE not in html
    assert "A reader reported a possible problem" in html
    assert "50 mg" not in html  # the reader's words stay internal


def test_a_board_member_passes_an_outdated_report_and_the_board_re_reviews(
    client, approved, editor
):
    member = BoardMemberFactory()
    flag = feedback_escalate(feedback=report(approved, kind="outdated"), actor=member.user)
    assert flag.raised_by == member.user and str(member) in flag.reason
    # the same triage as any concern: the flag stays open through "confirm"...
    article_resolve_staleness(article=approved, resolution="confirmed", actor=editor, note="ok")
    html = client.get(article_url(approved)).content.decode()
    assert 'data-review-state="rereview"' in html and BADGE not in html
    # ...and closes when the board approves again
    approved.refresh_from_db()
    assignment = ReviewAssignment.objects.get(article=approved, round=approved.review_round)
    workflow.review_decide(
        assignment=assignment, decision="approved", actor=assignment.reviewer.user
    )
    flag.refresh_from_db()
    assert flag.resolved_at is not None
    assert 'data-review-state="reviewed"' in client.get(article_url(approved)).content.decode()


def test_an_author_is_refused_and_nothing_changes(approved, author):
    item = report(approved)
    with pytest.raises(PermissionDenied, match="editor or a board member"):
        feedback_escalate(feedback=item, actor=approved.author)
    with pytest.raises(PermissionDenied):
        feedback_escalate(feedback=item, actor=None)
    nothing_changed(approved, item)


def test_a_report_is_escalated_once(approved, editor):
    item = report(approved)
    feedback_escalate(feedback=item, actor=editor)
    with pytest.raises(ValidationError, match="already passed to the board"):
        feedback_escalate(feedback=item, actor=editor)
    assert StalenessFlag.objects.filter(article=approved).count() == 1


def test_a_question_or_spam_cannot_become_a_concern(approved, editor):
    question = report(approved, kind="question")
    with pytest.raises(ValidationError, match="possible error or of outdated content"):
        feedback_escalate(feedback=question, actor=editor)
    spam = report(approved)
    ReaderFeedback.objects.filter(pk=spam.pk).update(disposition="spam")
    with pytest.raises(ValidationError, match="spam"):
        feedback_escalate(feedback=spam, actor=editor)
    nothing_changed(approved, question)


@pytest.mark.parametrize("stage", ["submitted", "under_review"])
def test_an_article_that_is_not_approved_is_refused(editor, stage):
    article = ArticleFactory(stage=stage)
    item = report(article)
    with pytest.raises(ValidationError, match="not approved"):
        feedback_escalate(feedback=item, actor=editor)
    item.refresh_from_db()
    assert item.concern is None and not StalenessFlag.objects.exists()


# --- the admin ----------------------------------------------------------------------------


def test_editor_raises_the_concern_with_the_button_on_the_feedback_page(client, approved, editor):
    item = report(approved)
    client.force_login(editor)
    page = client.get(f"/admin/editorial/readerfeedback/{item.pk}/change/").content.decode()
    assert "Raise a concern with the board" in page and escalate_url(item) in page

    response = client.post(escalate_url(item), follow=True)
    assert response.redirect_chain[-1][0].endswith(f"/readerfeedback/{item.pk}/change/")
    page = response.content.decode()
    assert "Passed to the board: concern #" in page
    assert "Raise a concern with the board" not in page  # once only
    flag = StalenessFlag.objects.get(article=approved, kind="concern")
    assert f"/admin/editorial/stalenessflag/{flag.pk}/change/" in page
    approved.refresh_from_db()
    assert approved.status == "stale"
    assert client.get(escalate_url(item)).status_code == 405  # POST only


def test_author_posting_the_button_is_refused_and_nothing_changes(client, approved):
    item = report(approved)
    author = approved.author
    author.is_staff = True
    author.save()
    client.force_login(author)
    response = client.post(escalate_url(item))
    assert response.status_code == 403
    assert "editor or a board member" in response.content.decode()
    nothing_changed(approved, item)


def test_list_action_passes_the_selected_reports_and_names_each_refusal(client, approved, editor):
    problem, question = report(approved), report(approved, kind="question")
    client.force_login(editor)
    response = client.post(
        "/admin/editorial/readerfeedback/",
        {"action": "escalate_selected", "_selected_action": [problem.pk, question.pk]},
        follow=True,
    )
    page = response.content.decode()
    assert "1 report(s) passed to the board as concerns." in page
    assert f"#{question.pk}: Only a report of a possible error" in page
    problem.refresh_from_db()
    question.refresh_from_db()
    assert problem.concern is not None and question.concern is None


def test_a_board_member_without_the_feedback_admin_is_sent_back_to_the_admin_index(
    client, approved
):
    item = report(approved)
    member = BoardMemberFactory()
    client.force_login(member.user)
    response = client.post(escalate_url(item))
    assert response.status_code == 302 and response["Location"] == "/admin/"
    item.refresh_from_db()
    assert item.concern is not None and item.concern.raised_by == member.user
