"""Submission runs the citation check: errors block with a list, warnings do not."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from articles.models import Citation, Section, Source
from editorial import workflow
from editorial.workflow.submission import submission_problems
from tests.editorial.citation_fixtures import article_with
from tests.factories import ArticleFactory, SourceFactory

pytestmark = pytest.mark.django_db


def test_submit_refuses_an_article_with_citation_errors_and_lists_them(author):
    article = article_with(author, ["Give 150 mg daily. Effective [1] and [4]."], [1])

    with pytest.raises(ValidationError) as refused:
        workflow.article_submit(article=article, actor=author)

    messages = refused.value.messages
    assert "[4] in “From the Research” has no citation numbered 4." in messages
    assert any(m.startswith("A dose (150 mg) is stated without a citation") for m in messages)
    article.refresh_from_db()
    assert article.status == "draft"


def test_submit_refuses_a_retracted_source(author):
    article = ArticleFactory(author=author)
    Source.objects.filter(citations__article=article).update(retracted=True)
    with pytest.raises(ValidationError, match="has been retracted"):
        workflow.article_submit(article=article, actor=author)


def test_warnings_do_not_block_submission(author):
    article = article_with(author, ["B [2] then A [1]."], [1, 2])
    assert submission_problems(article) == []
    workflow.article_submit(article=article, actor=author)
    article.refresh_from_db()
    assert article.status == "submitted"


def test_basics_are_still_required(author):
    article = article_with(author, [""], [])
    assert submission_problems(article) == [
        "The article needs at least one section with text.",
        "The article needs at least one citation.",
    ]


def test_factory_articles_are_submittable(author):
    assert submission_problems(ArticleFactory(author=author)) == []


@pytest.mark.parametrize("citations", [1, 40])
def test_submission_check_query_count_does_not_grow_with_citations(
    author, citations, django_assert_max_num_queries
):
    article = ArticleFactory(author=author)
    section = Section.objects.get(article=article)
    section.body += " " + " ".join(f"[{n}]" for n in range(2, citations + 1))
    section.save()
    Citation.objects.bulk_create(
        Citation(article=article, number=n, source=SourceFactory()) for n in range(2, citations + 1)
    )
    article.refresh_from_db()
    # the citations joined with their sources, the sections as one JSON column of the first
    with django_assert_max_num_queries(1):
        assert submission_problems(article) == []
