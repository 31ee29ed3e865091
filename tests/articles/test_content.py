"""articles.content: the sections ride along with the citations as JSON, and come back exactly
as the ORM reads them, so the snapshot a reviewer signs (and its hash) does not change."""

from __future__ import annotations

import pytest
from django.db import connection

from articles.content import article_content
from articles.models import Citation, Section
from articles.snapshot import article_snapshot, snapshot_hash, snapshot_of
from tests.factories import ArticleFactory, SourceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _json_probed():
    # SQLite: Django probes JSON support once per connection (a query of its own), then caches
    connection.features.supports_json_field  # noqa: B018


def _two_queries(article):
    """What article_snapshot read before issue 22: sections, then citations with sources."""
    sections = list(article.sections.order_by("position", "pk"))
    citations = list(article.citations.select_related("source").order_by("number", "pk"))
    return sections, citations


def _awkward_article():
    article = ArticleFactory()
    Section.objects.create(
        article=article, kind="other", heading="Dosing — “quotes”, \\ and ü", position=0,
        body='Line one\nline two\t"quoted" \u200b zero-width, emoji 💊, 5\u00a0mg [2].',
    )  # fmt: skip
    Section.objects.create(
        article=article, kind="research", audience="patient", heading="", position=1, body="x"
    )
    Section.objects.create(article=article, kind="other", heading="Tie", position=1, body="")
    Citation.objects.create(
        article=article, number=2, source=SourceFactory(issuer="Roche"), locator="p. 4"
    )
    return article


def test_the_sections_and_citations_are_those_the_orm_reads_in_one_query(
    django_assert_num_queries,
):
    article = _awkward_article()
    expected_sections, expected_citations = _two_queries(article)
    with django_assert_num_queries(1):
        sections, citations = article_content(article)
    assert [s.pk for s in sections] == [s.pk for s in expected_sections]
    for got, want in zip(sections, expected_sections, strict=True):
        assert {f.attname: getattr(got, f.attname) for f in Section._meta.concrete_fields} == {
            f.attname: getattr(want, f.attname) for f in Section._meta.concrete_fields
        }
        assert not got._state.adding  # an instance read from the database, as the ORM's
    assert [(c.pk, c.source.issuer) for c in citations] == [
        (c.pk, c.source.issuer) for c in expected_citations
    ]


def test_the_signed_snapshot_and_its_hash_do_not_change():
    article = _awkward_article()
    before = snapshot_of(article, *_two_queries(article))
    assert "patient_sections" in before
    assert article_snapshot(article) == before
    assert snapshot_hash(article_snapshot(article)) == snapshot_hash(before)


def test_an_article_that_cites_nothing_still_has_its_sections(django_assert_num_queries):
    article = ArticleFactory()
    Citation.objects.filter(article=article).delete()
    with django_assert_num_queries(2):  # the citations (none), then the sections alone
        sections, citations = article_content(article)
    assert citations == []
    assert [s.pk for s in sections] == list(article.sections.values_list("pk", flat=True))


def test_an_article_without_sections(django_assert_num_queries):
    article = ArticleFactory()
    Section.objects.filter(article=article).delete()
    with django_assert_num_queries(1):
        sections, citations = article_content(article)
    assert sections == []
    assert len(citations) == 1
