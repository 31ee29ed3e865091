"""Issue 20 point 10: an author can withdraw a submission before the review starts."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from editorial import workflow
from tests.factories import ArticleFactory, author_user, editor_user

pytestmark = pytest.mark.django_db


def test_author_withdraws_a_submission_and_editors_are_told(django_capture_on_commit_callbacks):
    editor = editor_user()
    article = ArticleFactory(submitted=True)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.article_withdraw(article=article, actor=article.author, reason="wrong figures")
    article.refresh_from_db()
    assert article.status == "draft"
    assert article.history.first().history_change_reason == "submission withdrawn: wrong figures"
    assert article.history.first().history_user == article.author
    (notice,) = [m for m in mail.outbox if m.to == [editor.email]]
    assert notice.subject.startswith("Submission withdrawn:")
    assert "wrong figures" in notice.body
    # it can be edited and submitted again
    workflow.article_submit(article=article, actor=article.author)
    article.refresh_from_db()
    assert article.status == "submitted"


def test_withdraw_needs_a_reason_and_the_author():
    article = ArticleFactory(submitted=True)
    with pytest.raises(ValidationError):
        workflow.article_withdraw(article=article, actor=article.author, reason="")
    with pytest.raises(PermissionDenied):
        workflow.article_withdraw(article=article, actor=author_user(), reason="mine now")
    article.refresh_from_db()
    assert article.status == "submitted"


def test_withdraw_is_refused_once_review_started():
    article = ArticleFactory(under_review=True)
    with pytest.raises(ValidationError, match="started reviewing"):
        workflow.article_withdraw(article=article, actor=article.author, reason="late")
    article.refresh_from_db()
    assert article.status == "under_review"


def test_admin_withdraw_button(client):
    article = ArticleFactory(submitted=True)
    client.force_login(article.author)
    page = client.get(reverse("admin:articles_article_change", args=[article.pk])).content
    assert b"Withdraw submission" in page
    client.post(
        reverse("admin:articles_article_workflow", args=[article.pk, "withdraw"]),
        {"reason": "need another source"},
    )
    article.refresh_from_db()
    assert article.status == "draft"
