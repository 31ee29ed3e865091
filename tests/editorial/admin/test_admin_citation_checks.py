"""The citation check panel and "Renumber citations" in the article admin."""

from __future__ import annotations

import pytest
from django.contrib.admin import site
from django.urls import reverse

from articles.models import Article, RegistryFinding, Section, Source
from editorial import workflow
from tests.editorial.citation_fixtures import article_with
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def _change(client, user, article):
    client.force_login(user)
    return client.get(reverse("admin:articles_article_change", args=[article.pk]))


def test_author_sees_errors_before_warnings_on_the_article_page(client, author):
    article = article_with(author, ["B [2] then A [1] and [9]."], [1, 2])
    page = _change(client, author, article).content.decode()
    assert "Citation check" in page
    assert page.index("unknown-marker") < page.index("citation-order")
    assert "1 error(s), 1 warning(s)" in page


def test_assigned_reviewer_sees_the_check_read_only(client, author, editor, reviewer):
    article = ArticleFactory(author=author, submitted=True)
    workflow.review_assign(article=article, reviewers=[reviewer], actor=editor)
    Source.objects.filter(citations__article=article).update(retracted=True)
    page = _change(client, reviewer.user, article).content.decode()
    assert "source-retracted" in page
    assert "Renumber citations" not in page


def test_editor_gets_the_renumber_link_on_an_editable_article(client, author, editor):
    article = article_with(author, ["B [2] then A [1]."], [1, 2])
    assert "Renumber citations…" in _change(client, editor, article).content.decode()
    submitted = ArticleFactory(author=author, submitted=True)
    assert "Renumber citations…" not in _change(client, editor, submitted).content.decode()


def test_renumber_page_previews_then_renumbers_on_post(client, author, editor):
    article = article_with(author, ["B [2] then A [1]."], [1, 2])
    client.force_login(editor)
    url = reverse("admin:articles_article_renumber_citations", args=[article.pk])
    preview = client.get(url).content.decode()
    assert "<td>[2]</td><td>[1]</td>" in preview
    assert Section.objects.get(article=article).body == "B [2] then A [1]."

    response = client.post(url, follow=True)

    assert Section.objects.get(article=article).body == "B [1] then A [2]."
    assert "Citations renumbered in order of first use." in response.content.decode()


def test_renumber_post_by_others_changes_nothing(client, author, other_author, reviewer):
    article = article_with(author, ["B [2] then A [1]."], [1, 2])
    url = reverse("admin:articles_article_renumber_citations", args=[article.pk])
    for outsider in (other_author, reviewer.user):
        client.force_login(outsider)
        assert client.post(url).status_code == 404  # not an article they can see
    assert Section.objects.get(article=article).body == "B [2] then A [1]."
    client.force_login(author)
    assert client.post(url).status_code == 302
    assert Section.objects.get(article=article).body == "B [1] then A [2]."


def test_assigned_reviewer_cannot_renumber(client, author, editor, reviewer):
    article = ArticleFactory(author=author, submitted=True)
    workflow.review_assign(article=article, reviewers=[reviewer], actor=editor)
    client.force_login(reviewer.user)
    url = reverse("admin:articles_article_renumber_citations", args=[article.pk])
    assert client.get(url).status_code == 403
    assert client.post(url).status_code == 403


def test_renumber_refusal_is_shown_as_a_message(client, author, editor):
    article = article_with(author, ["B [2] then A [1] and [7]."], [1, 2])
    client.force_login(editor)
    url = reverse("admin:articles_article_renumber_citations", args=[article.pk])
    response = client.post(url, follow=True)
    assert "no citation has that number" in response.content.decode()
    assert Section.objects.get(article=article).body == "B [2] then A [1] and [7]."


def test_changelist_action_renumbers_for_editors_only(client, author, editor):
    article = article_with(author, ["B [2] then A [1]."], [1, 2])
    changelist = reverse("admin:articles_article_changelist")
    client.force_login(author)
    assert "renumber_citations" not in client.get(changelist).content.decode()
    client.force_login(editor)
    assert "renumber_citations" in client.get(changelist).content.decode()
    response = client.post(
        changelist,
        {"action": "renumber_citations", "_selected_action": [article.pk]},
        follow=True,
    )
    assert "Citations renumbered in 1 article(s)." in response.content.decode()
    assert Section.objects.get(article=article).body == "B [1] then A [2]."


@pytest.mark.parametrize("citations", [1, 30])
def test_check_panel_runs_three_queries_whatever_the_citations(
    author, citations, django_assert_max_num_queries
):
    numbers = list(range(1, citations + 1))
    article = article_with(author, [" ".join(f"[{n}]" for n in numbers)], numbers)
    article = Article.objects.get(pk=article.pk)
    for citation in article.citations.select_related("source"):
        RegistryFinding.objects.create(
            source=citation.source, resolver="x.Crossref", registry="Crossref",
            identifier=f"10.1000/{citation.number}", outcome="match", matched_title="T",
        )  # fmt: skip
    panel = site._registry[Article].citation_check
    # 1 sections, 2 citations joined with their sources, 3 the latest registry findings of the
    # cited sources (joined with their sources)
    with django_assert_max_num_queries(3):
        html = panel(article)
    assert "No problems" in html
    assert html.count("Matches the record") == citations


def test_add_page_has_no_check_panel(client, author):
    client.force_login(author)
    page = client.get(reverse("admin:articles_article_add"))
    assert page.status_code == 200
    assert "Citation check" not in page.content.decode()
