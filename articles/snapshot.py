"""The content a reviewer approves and a reader sees, as one JSON-able dict."""

from __future__ import annotations

from typing import Any

from articles.models import Article


def article_snapshot(article: Article) -> dict[str, Any]:
    """Freeze the article's reviewed content: question, summary, sections, citations (2 queries)."""
    sections = list(article.sections.order_by("position", "pk"))
    citations = list(article.citations.select_related("source").order_by("number", "pk"))
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
