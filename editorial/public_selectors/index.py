"""The public index: published (and, if shown, pending) articles, searchable and filterable."""

from __future__ import annotations

from typing import Any

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import BooleanField, ExpressionWrapper, F, Q, QuerySet, TextField
from django.db.models.fields.json import KT
from django.db.models.functions import Coalesce

from articles.models import Article, Status
from editorial.public_selectors.visibility import PENDING_STATUSES, shows_pending
from reviewers.models import Specialty

PER_PAGE = 20
MAX_SEARCH_RESULTS = 1000  # ranked hits kept for paging; a search wider than this is refined


def article_list_for_public(*, query: str = "", specialty: str = "", page: Any = 1) -> Page:
    """Published (and, if shown, pending) articles, newest first: count, ids, rows (3 queries;
    a search: ids, rows)."""
    articles = _visible_articles()
    if specialty:
        articles = articles.filter(specialty__slug=specialty)
    query = " ".join(query.split())[:200]
    ordering = ["-listed_at", "-pk"]
    if query and connection.vendor == "postgresql":
        search = SearchQuery(query, search_type="websearch", config="english")
        vector = SearchVector("public_title", weight="A", config="english") + SearchVector(
            "public_summary", weight="B", config="english"
        )
        articles = _with_public_text(articles).annotate(document=vector).filter(document=search)
        articles = articles.annotate(rank=SearchRank(F("document"), search))
        ordering = ["-rank", *ordering]
    elif query:
        articles = _with_public_text(articles).filter(
            Q(public_title__icontains=query) | Q(public_summary__icontains=query)
        )
    # Sort and slice on plain columns first: reading the title out of every approved snapshot
    # while sorting would decompress all of them (200 ms at 10,000 articles on PostgreSQL).
    ids = articles.order_by(*ordering).values_list("pk", flat=True)
    if query:
        # a search reads every snapshot's text once: fetch the ranked ids in one query instead of
        # a count and a page query that would each pay for it
        ids = list(ids[:MAX_SEARCH_RESULTS])
    result = Paginator(ids, PER_PAGE).get_page(page)
    page_ids = list(result.object_list)
    rows = _with_public_text(Article.objects.filter(pk__in=page_ids))
    by_pk = {a.pk: a for a in _for_listing(rows)}
    result.object_list = [by_pk[pk] for pk in page_ids]
    return result


def _visible_articles() -> QuerySet[Article]:
    visible = Q(approved_snapshot__isnull=False)
    if shows_pending():
        visible |= Q(approved_snapshot__isnull=True, status__in=PENDING_STATUSES)
    return (
        Article.objects.exclude(status=Status.ARCHIVED)
        .filter(visible)
        .annotate(listed_at=Coalesce(F("approved_at"), F("submitted_at")))
    )


def _with_public_text(articles: QuerySet[Article]) -> QuerySet[Article]:
    # the approved wording for published articles, live rows only for pending ones
    return articles.annotate(
        public_title=Coalesce(KT("approved_snapshot__title"), F("title"), output_field=TextField()),
        public_summary=Coalesce(
            KT("approved_snapshot__summary"), F("summary"), output_field=TextField()
        ),
    )


def _for_listing(articles: QuerySet[Article]) -> QuerySet[Article]:
    return (
        articles.select_related("specialty")
        .annotate(
            listed_at=Coalesce(F("approved_at"), F("submitted_at")),
            is_pending=ExpressionWrapper(
                Q(approved_snapshot__isnull=True), output_field=BooleanField()
            ),
        )
        .only("slug", "status", "approved_at", "submitted_at", "specialty__name", "specialty__slug")
    )


def specialty_list_for_public() -> list[Specialty]:
    """Every specialty, for the index filter (1 query); no counts, so drafts stay invisible."""
    return list(Specialty.objects.order_by("name").only("name", "slug"))
