"""Every author URL, forged: other authors get 404, reviewers 403 on writes, anonymous users
the sign-in page (a save from the editor: what was typed, to copy); the article and its
history do not change."""

import pytest
from django.urls import reverse

from articles.models import Article, Section
from tests.editorial.author_helpers import editor_post, editor_url
from tests.factories import ArticleFactory, ReviewAssignmentFactory, SourceFactory

pytestmark = pytest.mark.django_db

ACTIONS = ["save", "submit", "add-section", "add-citation", "section-remove", "citation-remove"]


def _state(article: Article) -> tuple:
    article.refresh_from_db()
    return (
        article.title,
        article.status,
        article.updated_at,
        list(article.sections.values_list("pk", "body")),
        list(article.citations.values_list("pk", "locator")),
        Article.history.filter(id=article.pk).count(),
    )


def _forged(article: Article, action: str) -> dict:
    section = article.sections.first()
    citation = article.citations.first()
    arg = {"section-remove": section.pk, "citation-remove": citation.pk}.get(action)
    overrides = {"title": "Forged?", "nc-source": SourceFactory().pk, "ns-heading": "Forged"}
    return editor_post(article, f"{action}:{arg}" if arg else action, **overrides)


def _write_requests(article: Article) -> list[tuple[str, str, dict]]:
    requests = [("post", editor_url(article), _forged(article, action)) for action in ACTIONS]
    requests += [
        ("post", reverse("author:article_check", args=[article.pk]), editor_post(article)),
        ("post", reverse("author:article_revise", args=[article.pk]), {}),
    ]
    return requests


@pytest.mark.parametrize("who", ["other_author", "anonymous"])
def test_other_author_and_anonymous_cannot_read_or_write(client, draft, other_author, who):
    if who == "other_author":
        client.force_login(other_author)
    before = _state(draft)
    reads = [editor_url(draft), reverse("author:article_history", args=[draft.pk])]
    for url in reads:
        response = client.get(url)
        assert response.status_code == (404 if who == "other_author" else 302), url
    for method, url, data in _write_requests(draft):
        response = getattr(client, method)(url, data)
        if who == "anonymous" and url == editor_url(draft):
            # a save from a page whose session ended: refused, with the text to copy
            assert response.status_code == 403
            assert "you were signed out" in response.content.decode()
        elif who == "anonymous":
            assert response.status_code == 302
            assert response["Location"].startswith("/accounts/login/")
        else:
            assert response.status_code == 404, (url, data.get("action"))
    assert _state(draft) == before


def test_assigned_reviewer_reads_but_every_write_is_forbidden(client, draft, reviewer):
    ReviewAssignmentFactory(article=draft, reviewer=reviewer, round=0)
    client.force_login(reviewer.user)
    before = _state(draft)
    page = client.get(editor_url(draft)).content.decode()
    assert draft.title in page
    assert 'id="editor-form"' not in page  # read-only view, no form
    assert client.get(reverse("author:article_history", args=[draft.pk])).status_code == 200
    for method, url, data in _write_requests(draft):
        response = getattr(client, method)(url, data)
        assert response.status_code == 403, (url, data.get("action"))
    assert client.get(reverse("author:article_new")).status_code == 403
    assert client.post(reverse("author:article_new"), {"title": "Mine?"}).status_code == 403
    assert _state(draft) == before
    assert Article.objects.count() == 1


def test_reviewer_dashboard_lists_assigned_articles_and_offers_no_writing(client, reviewer):
    assigned = ArticleFactory(title="Assigned to me?")
    ReviewAssignmentFactory(article=assigned, reviewer=reviewer, round=0)
    ArticleFactory(title="Not mine to see?")
    client.force_login(reviewer.user)
    html = client.get(reverse("author:dashboard")).content.decode()
    assert "Assigned to me?" in html
    assert "Not mine to see?" not in html
    assert reverse("author:article_new") not in html


def test_unassigned_reviewer_cannot_see_the_article(client, draft, reviewer):
    client.force_login(reviewer.user)
    assert client.get(editor_url(draft)).status_code == 404


def test_author_cannot_remove_a_section_of_someone_elses_article_via_own(
    client, draft, author, other_author
):
    theirs = ArticleFactory(author=other_author).sections.get()
    client.force_login(author)
    response = client.post(editor_url(draft), editor_post(draft, f"section-remove:{theirs.pk}"))
    assert response.status_code == 400
    assert Section.objects.filter(pk=theirs.pk).exists()


def test_editor_may_edit_any_authors_draft(client, draft, editor):
    client.force_login(editor)
    response = client.post(editor_url(draft), editor_post(draft, title="Edited by the editor?"))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.title == "Edited by the editor?"
    assert draft.history.latest().history_user == editor


def test_source_search_needs_a_signed_in_user(client):
    response = client.get(reverse("author:source_search"), {"nc-query": "trial"})
    assert response.status_code == 302
