"""The public search's SQL, shared by migration articles 0007 and editorial.public.search: the
query repeats the indexed expressions exactly, so PostgreSQL uses the indexes."""

from __future__ import annotations

from typing import Any

# the public title: the approved wording, or the live row of a pending article
PUBLIC_TITLE_SQL = "COALESCE((approved_snapshot ->> 'title'), (title)::text)"

PG_FORWARDS = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "DROP INDEX IF EXISTS article_public_search",
    """
    ALTER TABLE articles_article ADD COLUMN IF NOT EXISTS search_document tsvector
    GENERATED ALWAYS AS (
      setweight(to_tsvector('english'::regconfig,
        COALESCE((approved_snapshot ->> 'title'), (title)::text, '')), 'A')
      || setweight(to_tsvector('english'::regconfig,
        COALESCE((approved_snapshot ->> 'summary'), summary, '')), 'B')
      || setweight(to_tsvector('english'::regconfig,
        COALESCE((approved_snapshot -> 'sections'), '[]'::jsonb)), 'C')
    ) STORED
    """,
    "CREATE INDEX IF NOT EXISTS article_search_document ON articles_article "
    "USING gin (search_document)",
    f"CREATE INDEX IF NOT EXISTS article_public_title_trgm ON articles_article USING gin "
    f"(({PUBLIC_TITLE_SQL}) gin_trgm_ops)",
]
PG_BACKWARDS = [
    "DROP INDEX IF EXISTS article_public_title_trgm",
    "DROP INDEX IF EXISTS article_search_document",
    "ALTER TABLE articles_article DROP COLUMN IF EXISTS search_document",
]

SQLITE_CREATE = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS public_search "
    "USING fts5(title, summary, body, tokenize='porter unicode61')"
)
SQLITE_INSERT = "INSERT INTO public_search (rowid, title, summary, body) VALUES (%s, %s, %s, %s)"


def public_text(
    snapshot: dict[str, Any] | None, title: str, summary: str, live_sections: list[Any]
) -> tuple[str, str, str]:
    """(title, summary, body) readers see: the approved snapshot's, else the live rows'."""
    if isinstance(snapshot, dict):
        title = snapshot.get("title", "")
        summary = snapshot.get("summary", "")
        live_sections = snapshot.get("sections", [])
    body = "\n".join(f"{s.get('heading', '')}\n{s.get('body', '')}" for s in live_sections)
    return title, summary, body
