"""Conflicts of interest: a member conflicts with an article when one of their current
disclosures names the issuer of a source the article cites (a drug label's manufacturer, a trial
sponsor, a guideline body). Pure functions over prefetched rows."""

from __future__ import annotations

from datetime import date

from django.db.models import Prefetch

from articles.models import Article, Source
from reviewers.models import DISCLOSURE_PHRASES, BoardMember, Disclosure


def organisation_key(name: str) -> str:
    """Case-insensitive, trimmed (inner whitespace collapsed) form used for matching."""
    return " ".join(name.split()).casefold()


def article_issuers(article: Article) -> dict[str, str]:
    """The issuers of the article's cited sources: matching key -> name as written (1 query)."""
    issuers = Source.objects.filter(citations__article=article).values_list("issuer", flat=True)
    return {organisation_key(i): " ".join(i.split()) for i in issuers if i and i.strip()}


def current_disclosures_prefetch(on: date | None = None) -> Prefetch:
    """Prefetch a member's current disclosures into `member.current_disclosures`."""
    return Prefetch(
        "disclosures",
        queryset=Disclosure.objects.current(on).order_by("organisation", "pk"),
        to_attr="current_disclosures",
    )


def member_conflicts(member: BoardMember, issuers: dict[str, str]) -> list[str]:
    """Sentences naming each conflict; needs `current_disclosures` prefetched."""
    conflicts = []
    for disclosure in member.current_disclosures:
        issuer = issuers.get(organisation_key(disclosure.organisation))
        if issuer is not None:
            phrase = DISCLOSURE_PHRASES.get(disclosure.kind, "a relationship with")
            conflicts.append(f"{member} discloses {phrase} {issuer}, the issuer of a cited source")
    return conflicts
