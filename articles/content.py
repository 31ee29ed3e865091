"""An article's sections and citations (with their sources) in one query, as the submission
check and the snapshot a reviewer signs read them (issue 22: one round trip, not two).

The citations are the query's rows; the sections ride along as one JSON column on the first
citation only (the other rows carry NULL, so a long article is not sent once per citation).
Both come from one statement, so from one snapshot (two queries could straddle a concurrent
commit). An article without citations costs a second query for its sections."""

from __future__ import annotations

from django.db import DEFAULT_DB_ALIAS
from django.db.models import Case, JSONField, QuerySet, Subquery, When

from articles.aggregates import from_json_rows, json_rows
from articles.models import Article, Citation, Section
from articles.precompiled import Precompiled

SECTION_FIELDS = tuple(field.attname for field in Section._meta.concrete_fields)
SECTIONS_COLUMN = "article_sections_json"


def _sections_json(article_pk: int) -> Subquery:
    """The article's sections, every concrete field, as one JSON array (NULL when none)."""
    sections = Section.objects.filter(article_id=article_pk)
    return json_rows(sections, "article_id", **{name: name for name in SECTION_FIELDS})


def _citations_with_sections(article_pk: int) -> QuerySet[Citation]:
    first = Citation.objects.filter(article_id=article_pk).order_by("number", "pk").values("pk")
    return (
        Citation.objects.filter(article_id=article_pk)
        .select_related("source")
        .annotate(
            **{
                SECTIONS_COLUMN: Case(
                    When(pk=Subquery(first[:1]), then=_sections_json(article_pk)),
                    default=None,
                    output_field=JSONField(),
                )
            }
        )
        .order_by("number", "pk")
    )


# compiled once per connection: building and compiling it cost more than running it
_CITATIONS_WITH_SECTIONS = Precompiled(Citation, _citations_with_sections)


def article_content(article: Article) -> tuple[list[Section], list[Citation]]:
    """The sections in reading order (position, pk) and the citations with their sources
    (number, pk): one query, two when the article cites nothing."""
    citations = _CITATIONS_WITH_SECTIONS.run(article.pk)
    if not citations:
        return list(Section.objects.filter(article_id=article.pk).order_by("position", "pk")), []
    using = citations[0]._state.db or DEFAULT_DB_ALIAS
    rows = getattr(citations[0], SECTIONS_COLUMN) or []
    # every field is a plain str or int, which JSON carries unchanged
    sections = from_json_rows(Section, SECTION_FIELDS, rows, using)
    sections.sort(key=lambda s: (s.position, s.pk))
    return sections, citations
