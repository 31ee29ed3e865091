"""The content a reviewer approves and a reader sees, as one JSON-able dict, and its hash.

An approval is signed over `snapshot_hash` of this dict (canonical JSON, SHA-256); the public
side checks a stored snapshot against the same hash, so both read it from here."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from articles.content import article_content
from articles.models import Article, Audience, Section


def article_snapshot(article: Article) -> dict[str, Any]:
    """Freeze the article's reviewed content: question, summaries, the professional sections, the
    patient version's sections (if any) and citations (1 query: articles.content)."""
    return snapshot_of(article, *article_content(article))


def snapshot_of_prefetched(article: Article) -> dict[str, Any]:
    """article_snapshot from sections and citations (with sources) already prefetched on the
    article, sorted here as article_snapshot orders them (no query)."""
    sections = sorted(article.sections.all(), key=lambda s: (s.position, s.pk))
    citations = sorted(article.citations.all(), key=lambda c: (c.number, c.pk))
    return snapshot_of(article, sections, citations)


def snapshot_of(article: Article, every_section: list, citations: list) -> dict[str, Any]:
    """The snapshot of these sections (professional and patient) and citations (in this order)
    of the article."""
    sections = [s for s in every_section if s.audience != Audience.PATIENT]
    patient = [s for s in every_section if s.audience == Audience.PATIENT]
    snapshot = {
        "title": article.title,
        "summary": article.summary,
        "plain_summary": article.plain_summary,
        # The round whose approvals produced this snapshot: the public "reviewed by" list.
        "review_round": article.review_round,
        "risk": article.risk,
        "specialty_id": article.specialty_id,
        "sections": [_section(s) for s in sections],
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
    if patient:
        # Only when there is one: the hash of an article without a patient version stays what
        # it was before patient versions existed, so earlier approvals keep verifying.
        snapshot["patient_sections"] = [_section(s) for s in patient]
    return snapshot


def _section(s: Section) -> dict[str, Any]:
    return {"kind": s.kind, "heading": s.heading, "body": s.body, "position": s.position}


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
    """SHA-256 of the article's current content (1 query)."""
    return snapshot_hash(article_snapshot(article))


def sections_changed(old: dict[str, Any] | None, new: dict[str, Any]) -> str:
    """What changed between two snapshots, in words a reader follows: the summary, and which
    sections (by heading) were added, changed or removed, professional and patient versions."""
    if not old:
        return ""
    parts = []
    for key, label in (("title", "question"), ("summary", "summary")):
        if old.get(key) != new.get(key):
            parts.append(f"{label} reworded")
    if old.get("plain_summary") != new.get("plain_summary"):
        parts.append("plain-language summary updated")
    for key, version in (("sections", ""), ("patient_sections", " (patient version)")):
        before = {s.get("heading") or s.get("kind"): s.get("body") for s in old.get(key, [])}
        after = {s.get("heading") or s.get("kind"): s.get("body") for s in new.get(key, [])}
        changed = [h for h in after if h in before and before[h] != after[h]]
        for verb, headings in (
            ("updated", changed),
            ("added", [h for h in after if h not in before]),
            ("removed", [h for h in before if h not in after]),
        ):
            if headings:
                parts.append(f"{verb}{version}: " + ", ".join(f"“{h}”" for h in headings))
    if old.get("citations") != new.get("citations"):
        parts.append("references updated")
    if not parts:
        return "No change to the text."
    text = "; ".join(parts) + "."
    return text[0].upper() + text[1:]


def snapshot_change_summary(article: Article) -> str:
    """The prefill of the board's "what changed" on approving a revision (1 query): the
    article's current content against its last approved version; "" for a first approval."""
    if not article.approved_snapshot:
        return ""
    return sections_changed(article.approved_snapshot, article_snapshot(article))
