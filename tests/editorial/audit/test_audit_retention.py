"""Retention: a submitted article is evidence. It can be archived, never deleted."""

import pytest
from django.db import transaction
from django.db.models import ProtectedError
from django.urls import reverse

from articles.models import Article
from editorial import workflow
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def test_a_never_submitted_draft_can_be_deleted():
    draft = ArticleFactory()
    draft.delete()
    assert not Article.objects.filter(pk=draft.pk).exists()


@pytest.mark.parametrize("stage", ["submitted", "approved"])
def test_a_submitted_article_cannot_be_deleted_through_the_orm(stage):
    article = ArticleFactory(**{stage: True})
    # an approval's Signature (PROTECT) may refuse first; either way nothing is deleted
    refused = "archive it instead|protected foreign keys"
    with pytest.raises(ProtectedError, match=refused), transaction.atomic():
        article.delete()
    with pytest.raises(ProtectedError, match="archive them instead"), transaction.atomic():
        Article.objects.filter(pk=article.pk).delete()
    assert Article.objects.filter(pk=article.pk).exists()


def test_an_article_sent_back_for_changes_is_kept_too(editor, reviewer):
    article = ArticleFactory(submitted=True)
    (assignment,) = workflow.review_assign(article=article, reviewers=[reviewer], actor=editor)
    workflow.review_decide(
        assignment=assignment,
        decision="changes_requested",
        comment="Cite the 2024 update.",
        actor=reviewer.user,
    )
    with pytest.raises(ProtectedError), transaction.atomic():
        Article.objects.get(pk=article.pk).delete()


def test_a_submitted_article_can_be_archived_and_stays(editor):
    article = ArticleFactory(approved=True)
    workflow.article_archive(article=article, actor=editor, reason="superseded")
    article.refresh_from_db()
    assert article.status == "archived"


def test_admin_offers_no_delete_for_a_submitted_article(client, editor):
    article = ArticleFactory(submitted=True)
    client.force_login(editor)
    url = reverse("admin:articles_article_delete", args=[article.pk])
    assert client.post(url, {"post": "yes"}).status_code == 403
    assert Article.objects.filter(pk=article.pk).exists()
