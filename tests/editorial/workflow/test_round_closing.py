"""Issue 20 point 2: a round closes when its quorum approves; a board member may raise a
concern about an approved article."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from articles.models import Article
from editorial import workflow
from editorial.models import FlagKind, StalenessFlag
from reviewers.models import Decision, ReviewAssignment
from tests.board import member, start_review
from tests.factories import ArticleFactory, author_user, editor_user

pytestmark = pytest.mark.django_db


def test_late_request_changes_after_quorum_is_refused_and_changes_nothing(
    django_capture_on_commit_callbacks,
):
    article = ArticleFactory(risk="standard")  # quorum 1
    first, second = member("MD"), member("DO")
    start_review(article, [first, second])
    a1, a2 = (ReviewAssignment.objects.get(reviewer=m) for m in (first, second))
    with django_capture_on_commit_callbacks(execute=True):
        workflow.review_decide(assignment=a1, decision="approved", actor=first.user)
    a2.refresh_from_db()
    assert a2.decision == Decision.SUPERSEDED == "superseded"
    assert a2.history.first().history_change_reason.startswith("superseded")
    # the superseded reviewer was told
    told = [m for m in mail.outbox if m.to == [second.user.email]]
    assert any("no longer needed" in m.subject.lower() for m in told)

    history_rows = a2.history.count()
    with pytest.raises(ValidationError, match="no longer needed"):
        workflow.review_decide(
            assignment=a2, decision="changes_requested", actor=second.user, comment="late"
        )
    a2.refresh_from_db()
    article.refresh_from_db()
    assert a2.decision == Decision.SUPERSEDED
    assert a2.history.count() == history_rows
    assert article.status == "approved"
    assert not hasattr(a2, "signature") or a2.signature is None


def test_decision_on_an_already_decided_assignment_is_refused():
    article = ArticleFactory(risk="high")  # quorum 2: the round stays open
    first, second = member("MD"), member("DO")
    start_review(article, [first, second])
    a1 = ReviewAssignment.objects.get(reviewer=first)
    workflow.review_decide(assignment=a1, decision="approved", actor=first.user)
    with pytest.raises(ValidationError, match="already decided"):
        workflow.review_decide(
            assignment=a1, decision="changes_requested", actor=first.user, comment="again"
        )
    a1.refresh_from_db()
    assert a1.decision == "approved"


def test_pending_reviews_of_an_open_round_are_not_superseded():
    article = ArticleFactory(risk="high")
    first, second, third = member("MD"), member("DO"), member("MD")
    start_review(article, [first, second, third])
    a1, a2, a3 = (ReviewAssignment.objects.get(reviewer=m) for m in (first, second, third))
    workflow.review_decide(assignment=a1, decision="approved", actor=first.user)
    assert ReviewAssignment.objects.filter(decision="superseded").count() == 0
    workflow.review_decide(assignment=a2, decision="approved", actor=second.user)
    a3.refresh_from_db()
    assert a3.decision == "superseded"


def test_board_member_raises_concern_flags_article_stale():
    article = ArticleFactory(approved=True)
    concerned = member("MD")
    flag = workflow.article_raise_concern(
        article=article, actor=concerned.user, reason="The dose in section 2 looks wrong."
    )
    article.refresh_from_db()
    assert article.status == "stale"
    assert flag.kind == FlagKind.CONCERN == "concern"
    assert flag.raised_by == concerned.user
    assert flag.detail == "The dose in section 2 looks wrong."
    assert flag.is_open
    assert "concern" in article.history.first().history_change_reason
    # the same triage as a source change: confirm sends it to re-review, closing the flag
    from editorial.staleness import article_resolve_staleness

    article_resolve_staleness(
        article=article, resolution="confirmed", actor=editor_user(), note="checked"
    )
    article.refresh_from_db()
    assert article.status == "under_review"


def test_concern_is_refused_to_non_members_and_without_reason():
    article = ArticleFactory(approved=True)
    with pytest.raises(PermissionDenied):
        workflow.article_raise_concern(article=article, actor=author_user(), reason="why")
    with pytest.raises(PermissionDenied):
        workflow.article_raise_concern(article=article, actor=editor_user(), reason="why")
    with pytest.raises(ValidationError):
        workflow.article_raise_concern(article=article, actor=member().user, reason="  ")
    inactive = member(active=False)
    with pytest.raises(PermissionDenied):
        workflow.article_raise_concern(article=article, actor=inactive.user, reason="why")
    article.refresh_from_db()
    assert article.status == "approved"
    assert not StalenessFlag.objects.filter(article=article).exists()


def test_concern_on_a_draft_is_refused():
    article = ArticleFactory()
    with pytest.raises(ValidationError, match="draft"):
        workflow.article_raise_concern(article=article, actor=member().user, reason="why")


def test_admin_concern_button(client):
    article = ArticleFactory(approved=True)
    reviewer = ReviewAssignment.objects.get(article=article).reviewer
    client.force_login(reviewer.user)
    url = reverse("admin:articles_article_change", args=[article.pk])
    page = client.get(url)
    assert b"Raise a concern" in page.content
    response = client.post(
        reverse("admin:articles_article_workflow", args=[article.pk, "raise_concern"]),
        {"reason": "Newer trial contradicts [1]."},
    )
    assert response.status_code == 302
    assert Article.objects.get(pk=article.pk).status == "stale"
    assert StalenessFlag.objects.get(article=article).kind == "concern"
