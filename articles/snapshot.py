"""The content a reviewer approves and a reader sees, as one JSON-able dict, and its hash.

An approval is signed over `snapshot_hash` of this dict (canonical JSON, SHA-256); the public
side checks a stored snapshot against the same hash, so both read it from here."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from articles.models import Article


def article_snapshot(article: Article) -> dict[str, Any]:
    """Freeze the article's reviewed content: question, summary, sections, citations (2 queries)."""
    sections = list(article.sections.order_by("position", "pk"))
    citations = list(article.citations.select_related("source").order_by("number", "pk"))
    return snapshot_of(article, sections, citations)


def snapshot_of_prefetched(article: Article) -> dict[str, Any]:
    """article_snapshot from sections and citations (with sources) already prefetched on the
    article, sorted here as article_snapshot orders them (no query)."""
    sections = sorted(article.sections.all(), key=lambda s: (s.position, s.pk))
    citations = sorted(article.citations.all(), key=lambda c: (c.number, c.pk))
    return snapshot_of(article, sections, citations)


def snapshot_of(article: Article, sections: list, citations: list) -> dict[str, Any]:
    """The snapshot of these sections and citations (in this order) of the article."""
    return {
        "title": article.title,
        "summary": article.summary,
        "plain_summary": article.plain_summary,
        # The round whose approvals produced this snapshot: the public "reviewed by" list.
        "review_round": article.review_round,
        "risk": article.risk,
        "specialty_id": article.specialty_id,
        "sections": [
            {"kind": s.kind, "heading": s.heading, "body": s.body, "position": s.position}
            for s in sections
        ],
        "citations": [
            {
                "number": c.number,
                "locator": c.locator,
                "cited_version": c.cited_version,
                "source": {
                    "id": c.source_id,
                    "kind": c.source.kind,
                    "title": c.source.title,
                    "issuer": c.source.issuer,
                    "url": c.source.url,
                    "doi": c.source.doi,
                    "pmid": c.source.pmid,
                    "pmcid": c.source.pmcid,
                    "nct_id": c.source.nct_id,
                    "dailymed_setid": c.source.dailymed_setid,
                    "isbn": c.source.isbn,
                },
            }
            for c in citations
        ],
    }


def canonical_json(snapshot: dict[str, Any]) -> bytes:
    """Sorted keys, no whitespace, UTF-8: the same content always gives the same bytes."""
    return json.dumps(
        snapshot, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode()


# Snapshot keys that describe the review, not the content reviewed: an unchanged article sent
# to re-review keeps the hash its earlier approvals were signed over.
NOT_CONTENT = frozenset({"review_round"})


def snapshot_hash(snapshot: dict[str, Any]) -> str:
    content = {k: v for k, v in snapshot.items() if k not in NOT_CONTENT}
    return hashlib.sha256(canonical_json(content)).hexdigest()


def article_content_hash(article: Article) -> str:
    """SHA-256 of the article's current content (2 queries)."""
    return snapshot_hash(article_snapshot(article))
