"""Search that understands questions (issue 21).

PostgreSQL: full text over the public title, summary and approved sections (the generated
`search_document` column, GIN-indexed, migration articles 0007) with websearch_to_tsquery and
ts_rank, plus pg_trgm word similarity on the title, so a one-letter typo still finds it; the
snippet is ts_headline. SQLite (embedded mode): the FTS5 table `public_search`, written by the
workflow services that publish (search_document_store), queried word by word (any order,
porter stemming), plus the old substring match; the snippet is FTS5's snippet().
"""

from __future__ import annotations

import re

from django.db import connection
from django.db.models import BooleanField, FloatField, Q, QuerySet, TextField
from django.db.models.expressions import RawSQL
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from articles.models import Article
from articles.search_sql import PUBLIC_TITLE_SQL, SQLITE_INSERT, public_text

# Highlight markers no article text uses; the snippet is escaped, then they become <mark>.
START, STOP = "\u27e6", "\u27e7"
_TSQUERY = "websearch_to_tsquery('english'::regconfig, %s)"
_PG_MATCH = f"search_document @@ {_TSQUERY}"
_PG_RANK = f"ts_rank(search_document, {_TSQUERY})"
# typo tolerance: the words as typed are similar to words of the title (pg_trgm, `<%` uses
# the article_public_title_trgm index); tried only when the full-text search found nothing
_PG_TYPO_MATCH = f"%s <%% {PUBLIC_TITLE_SQL}"
_PG_TYPO_RANK = f"word_similarity(%s, {PUBLIC_TITLE_SQL})"
_PG_SNIPPET = (
    f"ts_headline('english'::regconfig, {PUBLIC_TITLE_SQL} || ' ' || "
    "COALESCE((approved_snapshot ->> 'summary'), summary, '')"
    " || ' ' || COALESCE((SELECT string_agg(s ->> 'body', ' ') FROM"
    " jsonb_array_elements(approved_snapshot -> 'sections') s), ''), "
    f"{_TSQUERY}, 'StartSel={START}, StopSel={STOP}, MaxWords=28, MinWords=12, "
    'MaxFragments=2, FragmentDelimiter=" … "\')'
)
_SQLITE_SNIPPET = (
    f"(SELECT snippet(public_search, -1, '{START}', '{STOP}', ' … ', 24) FROM public_search "
    "WHERE public_search MATCH %s AND public_search.rowid = articles_article.id)"
)
_WORD = re.compile(r"\w+", re.UNICODE)
_CITATION = re.compile(r"\s*\[\d+(?:[-\u2013,]\s*\d+)*\]")


def fts5_query(query: str) -> str:
    """The reader's words as an FTS5 query: each word quoted (no operator injection), all
    required, in any order."""
    words = _WORD.findall(query.lower())[:12]
    return " AND ".join(f'"{w}"' for w in words)


def search_filter(
    articles: QuerySet[Article], query: str, *, typos: bool = False
) -> tuple[QuerySet[Article] | None, bool]:
    """Articles readers can find with `query`, ranked (True) on PostgreSQL; with `typos`, the
    typo-tolerant title match (PostgreSQL only: None elsewhere)."""
    if connection.vendor == "postgresql":
        match, order = (_PG_TYPO_MATCH, _PG_TYPO_RANK) if typos else (_PG_MATCH, _PG_RANK)
        hit = RawSQL(match, [query], output_field=BooleanField())
        rank = RawSQL(order, [query], output_field=FloatField())
        return articles.filter(hit).annotate(rank=rank), True
    if typos:
        return None, False
    substring = Q(public_title__icontains=query) | Q(public_summary__icontains=query)
    words = fts5_query(query)
    if words:
        fts = RawSQL("SELECT rowid FROM public_search WHERE public_search MATCH %s", [words])
        substring |= Q(pk__in=fts)
    return articles.filter(substring), False


def snippet_annotate(articles: QuerySet[Article], query: str) -> QuerySet[Article]:
    """The highlighted passage of each listed article (computed for the page's rows only, in
    the page's own query)."""
    if not query:
        return articles
    if connection.vendor == "postgresql":
        snippet = RawSQL(_PG_SNIPPET, [query], output_field=TextField())
    else:
        words = fts5_query(query)
        if not words:
            return articles
        snippet = RawSQL(_SQLITE_SNIPPET, [words], output_field=TextField())
    return articles.annotate(snippet=snippet)


def highlight(snippet: str) -> SafeString:
    """Escaped snippet text with the matched words in <mark>; never the article's markup."""
    text = escape(_CITATION.sub("", snippet or ""))
    if text.count(START) != text.count(STOP):
        return mark_safe(text.replace(START, "").replace(STOP, ""))
    return mark_safe(text.replace(START, "<mark>").replace(STOP, "</mark>"))


def search_document_store(article: Article) -> None:
    """Keep the SQLite FTS5 row of an article in step with what readers see (its approved
    snapshot, or the live rows while pending). PostgreSQL's document is a generated column."""
    if connection.vendor != "sqlite":
        return
    live = [] if article.approved_snapshot else list(article.sections.values("heading", "body"))
    title, summary, body = public_text(
        article.approved_snapshot, article.title, article.summary, live
    )
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM public_search WHERE rowid = %s", [article.pk])
        cursor.execute(SQLITE_INSERT, [article.pk, title, summary, body])
