"""DOI metadata from the Crossref REST API: GET {base}/works/{doi}.

Retractions and corrections come from Crossref's update relations: a retracted work lists the
notice in "updated-by" (publishers' deposits and Retraction Watch's data), a notice names the
work it updates in "update-to"."""

from __future__ import annotations

from datetime import date
from urllib.parse import quote

from django.conf import settings

from articles.resolvers.base import ResolverError, SourceMetadata, first_text
from articles.resolvers.transport import HttpTransport

RETRACTING_UPDATES = {"retraction", "withdrawal", "removal"}
CORRECTING_UPDATES = {
    "correction",
    "erratum",
    "corrigendum",
    "expression_of_concern",
    "partial_retraction",
    "addendum",
    "clarification",
}


def _issued(message: dict) -> tuple[int | None, date | None]:
    for key in ("issued", "published", "published-print", "published-online"):
        parts = (message.get(key) or {}).get("date-parts") or [[]]
        first = parts[0] if parts and isinstance(parts[0], list) else []
        if not first or not first[0]:
            continue
        try:
            year = int(first[0])
            # a year alone ("date-parts": [[2019]]) is no day: keep only the year
            return year, date(year, int(first[1]), int(first[2])) if len(first) >= 3 else None
        except (TypeError, ValueError):
            continue
    return None, None


def _authors(message: dict) -> tuple[str, ...]:
    names = []
    for author in message.get("author") or []:
        if isinstance(author, dict):
            name = " ".join(p for p in (author.get("given"), author.get("family")) if p)
            names.append(name or str(author.get("name") or ""))
    return tuple(n for n in names if n)


def _updates(message: dict) -> tuple[list[str], list[str]]:
    notices, corrections = [], []
    for relation, own in (("updated-by", True), ("update-to", False)):
        for update in message.get(relation) or []:
            if not isinstance(update, dict):
                continue
            kind, doi = str(update.get("type") or ""), str(update.get("DOI") or "")
            label = kind.replace("_", " ")
            if own and kind in RETRACTING_UPDATES:
                notices.append(f"Crossref records a {label} notice ({doi}).")
            elif not own and kind in RETRACTING_UPDATES:
                notices.append(f"This DOI is itself a {label} notice for {doi}.")
            elif own and kind in CORRECTING_UPDATES:
                corrections.append(f"Crossref records a {label} ({doi}).")
    return notices, corrections


def parse_work(doi: str, payload: object) -> SourceMetadata:
    """SourceMetadata from a /works/{doi} answer."""
    message = payload.get("message") if isinstance(payload, dict) else None
    if not isinstance(message, dict):
        raise ResolverError("Crossref answered without a work")
    title = first_text(message.get("title"))
    notices, corrections = _updates(message)
    if title.upper().startswith(("RETRACTED", "WITHDRAWN")) and not notices:
        notices.append("Crossref's title marks the work as retracted.")
    year, published_on = _issued(message)
    return SourceMetadata(
        registry="Crossref",
        identifier=doi,
        title=title,
        authors=_authors(message),
        year=year,
        published_on=published_on,
        issuer=first_text(message.get("container-title")) or str(message.get("publisher") or ""),
        doi=str(message.get("DOI") or doi),
        is_retracted=bool(notices),
        notices=tuple(notices),
        corrections=tuple(corrections),
    )


class CrossrefResolver:
    registry = "Crossref"
    field = "doi"
    kind = "doi"

    def __init__(self, transport: HttpTransport, base_url: str, contact_email: str = "") -> None:
        self.transport, self.base_url, self.contact_email = transport, base_url, contact_email

    @classmethod
    def from_settings(cls, transport: HttpTransport) -> CrossrefResolver:
        return cls(transport, settings.CROSSREF_API_URL, settings.CITATION_RESOLVER_CONTACT_EMAIL)

    def resolve(self, identifier: str) -> SourceMetadata:
        url = f"{self.base_url.rstrip('/')}/works/{quote(identifier, safe='/')}"
        # Crossref's "polite pool" is for requests that say who is asking
        params = {"mailto": self.contact_email} if self.contact_email else None
        return parse_work(identifier, self.transport.get_json(url, params))
