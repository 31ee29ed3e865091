"""Who wrote it and what changed (issue 21): the byline with credentials, the "Changes" list of
every approved version (date, the board's summary, who approved), a superseded version."""

from __future__ import annotations

import pytest

from articles.models import Article, Section
from articles.snapshot import sections_changed, snapshot_change_summary
from editorial import workflow
from reviewers.models import AuthorProfile, ReviewAssignment
from tests.editorial.public_helpers import article_url
from tests.factories import ArticleFactory, BoardMemberFactory, editor_user

pytestmark = pytest.mark.django_db


def _approve_revision(article: Article, body: str, summary: str | None = None) -> Article:
    workflow.article_start_revision(article=article, actor=article.author)
    Section.objects.filter(article=article).update(body=body)
    article.refresh_from_db()
    workflow.article_submit(article=article, actor=article.author)
    member = BoardMemberFactory(user__first_name="Rita", user__last_name="Revise")
    (assignment,) = workflow.review_assign(article=article, reviewers=[member], actor=editor_user())
    article.refresh_from_db()
    prefill = snapshot_change_summary(article)
    workflow.review_decide(
        assignment=assignment,
        decision="approved",
        actor=member.user,
        change_summary=prefill if summary is None else summary,
    )
    article.refresh_from_db()
    return article


def test_byline_names_the_author_with_credentials(client, author):
    author.first_name, author.last_name = "Maya", "Fischer"
    author.save()
    AuthorProfile.objects.create(user=author, credentials="MD, MPH")
    article = ArticleFactory(approved=True, author=author)
    assert 'Written by <span class="byline__author">Maya Fischer, MD, MPH</span>' in (
        client.get(article_url(article)).content.decode()
    )


def test_the_prefill_names_the_sections_that_changed():
    old = {"summary": "s", "sections": [{"heading": "Key points", "body": "a"}]}
    new = {
        "summary": "s",
        "sections": [{"heading": "Key points", "body": "b"}, {"heading": "Dosing", "body": "c"}],
    }
    assert sections_changed(old, new) == "Updated: “Key points”; added: “Dosing”."
    assert sections_changed(old, old) == "No change to the text."


def test_changes_list_every_approved_version_with_summary_and_approvers(client):
    article = ArticleFactory(approved=True)
    first_approver = ReviewAssignment.objects.get(article=article).reviewer
    article = _approve_revision(
        article, "A new dose [1].", summary="Dose updated to the 2026 label."
    )
    page = client.get(article_url(article)).content.decode()
    changes = page[page.index('id="changes-title"') :]
    assert changes.index("Dose updated to the 2026 label.") < changes.index("First published.")
    assert "Rita Revise" in changes and first_approver.user.get_full_name() in changes
    assert "this version" in changes
    assert f"/articles/{article.slug}/versions/1/" in changes


def test_a_superseded_version_is_readable_and_marked(client):
    article = ArticleFactory(approved=True)
    old_body = article.approved_snapshot["sections"][0]["body"]
    article = _approve_revision(article, "Entirely new advice [1].")
    old = client.get(f"/articles/{article.slug}/versions/1/")
    text = old.content.decode()
    assert old.status_code == 200 and "Superseded version." in text
    assert old_body.split("[")[0].strip()[:20] in text and "Entirely new advice" not in text
    assert 'name="robots" content="noindex"' in text
    # the current version is the article page; unknown numbers too
    assert client.get(f"/articles/{article.slug}/versions/2/").status_code == 302
    assert client.get(f"/articles/{article.slug}/versions/9/").status_code == 302
    assert client.get("/articles/nope/versions/1/").status_code == 404


def test_the_decision_form_is_prefilled_from_the_section_diff(client):
    article = ArticleFactory(approved=True)
    workflow.article_start_revision(article=article, actor=article.author)
    Section.objects.filter(article=article).update(body="Changed [1].")
    article.refresh_from_db()
    workflow.article_submit(article=article, actor=article.author)
    member = BoardMemberFactory()
    workflow.review_assign(article=article, reviewers=[member], actor=editor_user())
    client.force_login(member.user)
    page = client.get(f"/admin/articles/article/{article.pk}/change/").content.decode()
    assert 'name="change_summary"' in page and "Updated: “" in page
