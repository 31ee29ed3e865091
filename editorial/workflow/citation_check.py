"""Reads for the citation check: load an article's sections and cited sources in two queries."""

from __future__ import annotations

from collections.abc import Sequence

from django.db.models import Prefetch, QuerySet, prefetch_related_objects

from articles.citations import Problem, check_article
from articles.models import Article, Citation, Section


def _prefetches() -> tuple:
    return (
        Prefetch("sections", queryset=Section.objects.order_by("position", "pk")),
        Prefetch("citations", queryset=Citation.objects.select_related("source")),
    )


def article_prefetch_for_check(article: Article) -> None:
    """Prefetch what the check reads (sections, citations with sources; 2 queries) onto the
    article, for callers that read them too."""
    prefetch_related_objects([article], *_prefetches())


def article_citation_problems(article: Article) -> list[Problem]:
    """The citation check of one article (two queries: sections, citations with sources)."""
    prefetch_related_objects([article], *_prefetches())
    return check_article(article)


def article_list_for_citation_check(slugs: Sequence[str] | None = None) -> QuerySet[Article]:
    """Articles (all, or these slugs) with what check_article reads prefetched: three queries
    whatever the number of articles."""
    qs = Article.objects.order_by("slug").prefetch_related(*_prefetches())
    return qs if slugs is None else qs.filter(slug__in=list(slugs))
