"""The public index: published (and, if shown, pending) articles, searchable and filterable."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any, cast

from django.db import connection
from django.db.models import (
    Exists,
    Expression,
    F,
    OuterRef,
    Q,
    QuerySet,
    TextField,
    Value,
)
from django.db.models.expressions import RawSQL
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, Coalesce, Concat

from articles.models import Article, Status
from editorial.audit.snapshots import approvals_annotate, is_signed
from editorial.models import StalenessFlag
from editorial.public import search
from editorial.public.selectors.directory import specialties_for_public, specialty_for_public
from editorial.public.selectors.visibility import (
    PENDING_STATUSES,
    CompiledQuery,
    review_state,
    shows_pending,
)
from reviewers.models import Specialty

PER_PAGE = 20
MAX_SEARCH_RESULTS = 1000  # ranked hits kept for paging; a search wider than this is refined
MAX_PAGE = 1000


@dataclass(frozen=True)
class PublicPage:
    object_list: list[Article]
    number: int
    has_next: bool
    total: int | None  # known for a search (which holds every hit), not counted otherwise

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_other_pages(self) -> bool:
        return self.has_previous or self.has_next

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1


@dataclass(frozen=True)
class ListingSlice:
    """Which articles a listing page shows, and when each was last saved: everything the page
    shows changes with these (the index page's ETag)."""

    number: int
    # (pk, row stamp) of the page's articles, in order: the stamp is the last save and the row
    # version as the database writes them (text: every index view reads them, and parsing
    # twenty timestamps cost more than the rest of a cached index page's work)
    rows: list[tuple[int, str]]
    has_next: bool
    total: int | None

    def stamp(self) -> str:
        return repr((self.number, self.rows, self.has_next, self.total))


def article_list_for_public(*, query: str = "", specialty: str = "", page: Any = 1) -> PublicPage:
    """Published (and, if shown, pending) articles, newest first (2 queries: page ids, rows)."""
    return article_page_for_public(
        article_slice_for_public(query=query, specialty=specialty, page=page), query=query
    )


def article_slice_for_public(
    *, query: str = "", specialty: str = "", page: Any = 1
) -> ListingSlice:
    """The ids (and last saves) of one listing page (1 query, a second for a search that found
    nothing and is retried typo-tolerant; none for an unknown specialty)."""
    found = None
    if specialty:
        # the slug resolved from the directory, so the listing index serves the filter too
        found = specialty_for_public(slug=specialty)
    query = " ".join(query.split())[:200]
    ordering = ["-listed_at", "-pk"]
    number = page_number(page)
    if query:
        articles = _visible_articles()
        if specialty:
            articles = articles.filter(specialty_id=found.pk) if found else articles.none()
        hits = _search_hits(articles, query, ordering, typos=False)
        if not hits:
            # nothing for the words as typed: try them typo-tolerant (title similarity); only
            # then, or a common word's near-misses would flood every search
            hits = _search_hits(articles, query, ordering, typos=True)
        number = min(number, max(1, -(-len(hits) // PER_PAGE)))
        start = (number - 1) * PER_PAGE
        rows = hits[start : start + PER_PAGE]
        has_next, total = len(hits) > start + PER_PAGE, len(hits)
    else:
        # Sort and slice on plain columns first (the article_public_listing index): reading
        # the title out of every approved snapshot while sorting would decompress all of them.
        # no COUNT(*) over every article: one row more than a page says whether there is a next
        if specialty and found is None:
            rows = []
        else:
            rows = _listing_rows(number, found.pk if found else None)
        has_next, total = len(rows) > PER_PAGE, None
        rows = rows[:PER_PAGE]
    return ListingSlice(number, rows, has_next, total)


def _listing_rows(number: int, specialty_id: int | None) -> list[tuple[int, str]]:
    """One listing page's (pk, row stamp) and one more row (1 query). Every index view runs it
    (it is the ETag), so its SQL is compiled once per variant."""
    query = _listing_query(connection.vendor, shows_pending(), specialty_id is not None, number)
    return [(pk, stamp) for pk, stamp in query.run(specialty_id)]


_LISTING_ORDER = ("-listed_at", "-pk")  # newest first, by the article_public_listing index
_SPECIALTY_MARK = -987_654_321  # stands for the specialty id while the SQL is compiled


@functools.lru_cache(maxsize=512)
def _listing_query(vendor: str, pending: bool, by_specialty: bool, number: int) -> CompiledQuery:
    # `vendor` and `pending` key the cache: _visible_articles reads shows_pending() itself
    articles = _visible_articles()
    if by_specialty:
        articles = articles.filter(specialty_id=_SPECIALTY_MARK)
    start = (number - 1) * PER_PAGE
    ids = (
        articles.annotate(row_stamp=_row_stamp())
        .order_by(*_LISTING_ORDER)
        .values_list("pk", "row_stamp")[start : start + PER_PAGE + 1]
    )
    return CompiledQuery.of(ids, _SPECIALTY_MARK if by_specialty else None)


def _search_hits(
    articles: QuerySet[Article], query: str, ordering: list[str], *, typos: bool
) -> list[tuple[int, str]]:
    """Ranked (pk, row stamp) of the hits, at most MAX_SEARCH_RESULTS (1 query):
    ranking reads every hit's document, so the ranked ids come in one query rather than a count
    and a page query that would each pay for it."""
    found, ranked = search_filter(articles, query, typos=typos)
    if found is None:
        return []
    ordering = ["-rank", *ordering] if ranked else ordering
    rows = found.annotate(row_stamp=_row_stamp()).order_by(*ordering).values_list("pk", "row_stamp")
    return list(rows[:MAX_SEARCH_RESULTS])


def article_page_for_public(listing: ListingSlice, *, query: str = "") -> PublicPage:
    """The listed articles with their approved title and summary, and for a search the
    highlighted passage (1 query; specialties come from the directory)."""
    page_ids = [row[0] for row in listing.rows]
    rows = search.snippet_annotate(_for_listing(Article.objects.filter(pk__in=page_ids)), query)
    by_pk = {a.pk: a for a in rows}
    specialties = specialties_for_public().by_id
    listed = [by_pk[pk] for pk in page_ids if pk in by_pk]
    for article in listed:
        article.specialty = specialties.get(article.specialty_id) if article.specialty_id else None
        # the card says what the article page says: a snapshot that no valid signature covers
        # (changed outside the workflow) is pending, as is a first review
        state = review_state(
            is_signed_snapshot=is_signed(article),
            status=article.status,
            has_open_flag=cast(Any, article).has_open_flag,  # annotated by _for_listing
        )
        cast(Any, article).review_state = state
        # a display attribute for the template, beside the query's annotations
        snippet = search.highlight(getattr(article, "snippet", "") or "")
        article.snippet_html = snippet  # type: ignore[attr-defined]
    return PublicPage(listed, listing.number, listing.has_next, listing.total)


def search_filter(
    articles: QuerySet[Article], query: str, *, typos: bool = False
) -> tuple[QuerySet[Article] | None, bool]:
    """Articles whose public wording matches `query` (None: no typo search on this database);
    ranked (True) on PostgreSQL."""
    return search.search_filter(_with_public_text(articles), query, typos=typos)


def page_number(page: Any) -> int:
    """A page number from the query string: 1 to MAX_PAGE, 1 for anything else."""
    try:
        return min(max(int(page), 1), MAX_PAGE)
    except (TypeError, ValueError):
        return 1


def _visible_articles() -> QuerySet[Article]:
    visible = Q(approved_snapshot__isnull=False)
    if shows_pending():
        visible |= Q(approved_snapshot__isnull=True, status__in=PENDING_STATUSES)
    return (
        Article.objects.exclude(status=Status.ARCHIVED)
        .filter(visible)
        .annotate(listed_at=Coalesce(F("approved_at"), F("submitted_at")))
    )


def _row_stamp() -> Expression:
    """The row's last save and its version (_row_version) as one text, for the ETag."""
    return Concat(
        Cast("updated_at", TextField()), Value("/"), _row_version(), output_field=TextField()
    )


def _row_version() -> Expression:
    """What changes whenever an article row is written, even by a QuerySet.update() that leaves
    updated_at alone: a snapshot changed outside the workflow must not keep its cached
    "reviewed" card (the index's ETag). PostgreSQL: the row's xmin (free, no column read);
    SQLite (the embedded mode, small data): the stored snapshot itself."""
    if connection.vendor == "postgresql":
        table = connection.ops.quote_name(Article._meta.db_table)
        return RawSQL(f"{table}.xmin::text", [], output_field=TextField())
    return Cast("approved_snapshot", TextField())


def _with_public_text(articles: QuerySet[Article]) -> QuerySet[Article]:
    # the approved wording for published articles, live rows only for pending ones
    return articles.annotate(
        public_title=Coalesce(KT("approved_snapshot__title"), F("title"), output_field=TextField()),
        public_summary=Coalesce(
            KT("approved_snapshot__summary"), F("summary"), output_field=TextField()
        ),
    )


def _for_listing(articles: QuerySet[Article]) -> QuerySet[Article]:
    # the approvals of each listed article come in this same query (approvals_annotate), so
    # checking every card's snapshot against its signatures adds no query
    return (
        approvals_annotate(_with_public_text(articles))
        .annotate(
            listed_at=Coalesce(F("approved_at"), F("submitted_at")),
            # a flag still open (stale, or sent back to the board after one): the card says
            # "being re-reviewed" like the page, until the board approves again
            has_open_flag=Exists(
                StalenessFlag.objects.filter(article=OuterRef("pk"), resolved_at__isnull=True)
            ),
        )
        .only("slug", "status", "approved_at", "submitted_at", "specialty_id", "approved_snapshot")
    )


def specialty_list_for_public() -> list[Specialty]:
    """Every specialty by name, for the index filter (from the directory: no query when cached);
    no counts, so drafts stay invisible."""
    return specialties_for_public().by_name
