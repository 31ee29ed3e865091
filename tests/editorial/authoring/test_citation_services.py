"""citations_renumber: rewrites markers and numbers together, with history, for editors and
authors of editable articles only."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from articles.citations import check_article
from articles.models import Citation, Section
from editorial.authoring.citations import citations_renumber
from tests.editorial.citation_fixtures import article_with
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def _sources_by_number(article):
    return {c.number: c.source_id for c in Citation.objects.filter(article=article)}


def _bodies(article):
    return list(Section.objects.filter(article=article).values_list("body", flat=True))


def test_editor_renumbers_in_order_of_first_use_keeping_each_marker_on_its_source(author, editor):
    article = article_with(author, ["B [3] and A [1, 2].", "C [2-3] again [1]."], [1, 2, 3])
    old = _sources_by_number(article)

    citations_renumber(article=article, actor=editor)

    new = _sources_by_number(article)
    assert _bodies(article) == ["B [1] and A [2, 3].", "C [1,3] again [2]."]
    assert new == {1: old[3], 2: old[1], 3: old[2]}
    assert "citation-order" not in {p.code for p in check_article(article)}


def test_renumbering_is_recorded_in_history_with_user_and_reason(author, editor):
    article = article_with(author, ["B [2] then A [1]."], [1, 2])

    citations_renumber(article=article, actor=editor)

    moved = Citation.history.filter(article_id=article.pk).latest("history_id")
    assert moved.history_user == editor
    assert moved.history_change_reason.startswith("renumbered [")
    section = Section.history.filter(article_id=article.pk).latest("history_id")
    assert (section.history_user, section.history_change_reason) == (
        editor,
        "citation markers renumbered",
    )
    latest = article.history.latest("history_id")
    assert latest.history_user == editor
    assert latest.history_change_reason == "citations renumbered: [1]\u2192[2], [2]\u2192[1]"


def test_renumbering_an_ordered_article_writes_nothing(author):
    article = article_with(author, ["A [1] then B [2]."], [1, 2])
    rows = Citation.history.count() + Section.history.count() + article.history.count()

    citations_renumber(article=article, actor=author)

    assert Citation.history.count() + Section.history.count() + article.history.count() == rows
    assert _bodies(article) == ["A [1] then B [2]."]


def test_author_may_renumber_own_draft(author):
    article = article_with(author, ["B [2] then A [1]."], [1, 2])
    citations_renumber(article=article, actor=author)
    assert _bodies(article) == ["B [1] then A [2]."]


@pytest.mark.parametrize("who", ["other_author", "reviewer", "anonymous"])
def test_others_cannot_renumber_and_nothing_changes(author, other_author, reviewer, who):
    from django.contrib.auth.models import AnonymousUser

    actor = {"other_author": other_author, "reviewer": reviewer.user, "anonymous": None}[who]
    actor = actor if who != "anonymous" else AnonymousUser()
    article = article_with(author, ["B [2] then A [1]."], [1, 2])
    with pytest.raises(PermissionDenied):
        citations_renumber(article=article, actor=actor)
    assert _bodies(article) == ["B [2] then A [1]."]


def test_submitted_article_cannot_be_renumbered(editor):
    article = ArticleFactory(submitted=True)
    with pytest.raises(ValidationError, match="article is submitted"):
        citations_renumber(article=article, actor=editor)


def test_renumbering_refuses_a_marker_without_citation(author, editor):
    article = article_with(author, ["B [2] then A [1] and [7]."], [1, 2])
    with pytest.raises(ValidationError, match=r"cites \[7\]"):
        citations_renumber(article=article, actor=editor)
    assert _bodies(article) == ["B [2] then A [1] and [7]."]


def test_renumbering_refuses_duplicate_numbers(author, editor):
    article = article_with(author, ["B [2] then A [1]."], [1, 2, 2])
    with pytest.raises(ValidationError, match=r"share the number \[2\]"):
        citations_renumber(article=article, actor=editor)
