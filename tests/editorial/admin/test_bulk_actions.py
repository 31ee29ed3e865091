"""Bulk actions on the article list: the same reviewers to several submitted articles (each
through review_assign, with a per-article result), reminders, archiving with a reason."""

from __future__ import annotations

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.models import Article
from editorial import workflow
from reviewers.models import ReviewAssignment
from tests.board import article_with, member, start_review
from tests.factories import ArticleFactory, DisclosureFactory

pytestmark = pytest.mark.django_db
CHANGELIST = reverse("admin:articles_article_changelist")


def post_action(client, action: str, articles, **data):
    return client.post(
        CHANGELIST,
        {"action": action, ACTION_CHECKBOX_NAME: [a.pk for a in articles], **data},
    )


def test_bulk_assign_assigns_each_article_and_reports_the_one_refused(client, editor):
    a1, a2 = ArticleFactory(submitted=True), ArticleFactory(submitted=True)
    conflicted = article_with(label_issuer="Pfizer")
    workflow.article_submit(article=conflicted, actor=conflicted.author)
    md = member("MD")
    DisclosureFactory(member=md, organisation="Pfizer")
    client.force_login(editor)
    form = post_action(client, "bulk_assign", [a1, a2, conflicted])
    assert "3 selected articles" in form.text
    result = post_action(client, "bulk_assign", [a1, a2, conflicted], apply="1", reviewers=[md.pk])
    assert result.text.count('class="bulk-ok"') == 2
    assert result.text.count('class="bulk-failed"') == 1
    assert "Pfizer" in result.text
    assert set(Article.objects.filter(pk__in=[a1.pk, a2.pk]).values_list("status", flat=True)) == {
        "under_review"
    }
    assert Article.objects.get(pk=conflicted.pk).status == "submitted"
    assert ReviewAssignment.objects.filter(reviewer=md).count() == 2


def test_bulk_archive_needs_a_reason_and_archives_each(client, editor):
    articles = [ArticleFactory(approved=True), ArticleFactory(approved=True)]
    client.force_login(editor)
    refused = post_action(client, "bulk_archive", articles, apply="1", reason="")
    assert "This field is required" in refused.text
    post_action(client, "bulk_archive", articles, apply="1", reason="superseded by new guidance")
    assert {a.status for a in Article.objects.all()} == {"archived"}


def test_bulk_remind_mails_the_pending_reviewers_once_a_day(
    client, editor, django_capture_on_commit_callbacks
):
    article = ArticleFactory()
    reviewer = member("MD")
    start_review(article, [reviewer])
    draft = ArticleFactory()
    client.force_login(editor)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        result = post_action(client, "bulk_remind", [article, draft])
        post_action(client, "bulk_remind", [article])
    assert [m.to for m in mail.outbox] == [[reviewer.user.email]]
    assert "not under review (draft)" in result.text


def test_bulk_actions_are_only_offered_to_editors(client):
    article = ArticleFactory()
    client.force_login(article.author)
    page = client.get(CHANGELIST).text
    assert "bulk_assign" not in page and "bulk_archive" not in page


def form_page_queries(client, count: int) -> int:
    articles = [ArticleFactory(submitted=True) for _ in range(count)]
    with CaptureQueriesContext(connection) as queries:
        page = post_action(client, "bulk_assign", articles)
    assert page.status_code == 200
    return len(queries)


def test_bulk_assign_form_query_count_is_flat_in_articles(client, editor):
    member("MD")
    client.force_login(editor)
    assert form_page_queries(client, 2) == form_page_queries(client, 8)


def apply_queries(client, count: int, reviewer) -> int:
    articles = [ArticleFactory(submitted=True) for _ in range(count)]
    with CaptureQueriesContext(connection) as queries:
        post_action(client, "bulk_assign", articles, apply="1", reviewers=[reviewer.pk])
    return len(queries)


def test_bulk_assign_costs_the_same_per_article(client, editor):
    # each article goes through review_assign (lock, checks, assignments + history, the
    # article + history): a constant number per article, no query per reviewer or per row read
    reviewer = member("MD")
    client.force_login(editor)
    one, three, five = (apply_queries(client, n, reviewer) for n in (1, 3, 5))
    assert five - three == three - one
