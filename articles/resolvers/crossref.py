"""DOI metadata from the Crossref REST API: GET {base}/works/{doi}."""

from __future__ import annotations

from datetime import date
from urllib.parse import quote

from articles.resolvers.base import ResolverConfig, ResolverError, SourceMetadata, get_json

# Crossref marks a retracted work with an "updated-by" entry (Retraction Watch data) and the
# retraction notice itself with "update-to"; these update types withdraw the work.
RETRACTING_UPDATES = {"retraction", "withdrawal", "removal"}


def _first(values: object) -> str:
    return str(values[0]).strip() if isinstance(values, list) and values else ""


def _issued(message: dict) -> tuple[int | None, date | None]:
    for key in ("issued", "published", "published-print", "published-online"):
        parts = (message.get(key) or {}).get("date-parts") or [[]]
        first = parts[0] if parts and isinstance(parts[0], list) else []
        if first and first[0]:
            try:
                year = int(first[0])
            except (TypeError, ValueError):
                continue
            month, day = [*first[1:3], 1, 1][:2]
            try:
                # a year alone ("date-parts": [[2019]]) is no day: keep only the year
                exact = len(first) >= 3
                return year, date(year, int(month), int(day)) if exact else None
            except (TypeError, ValueError):
                return year, None
    return None, None


def parse_work(doi: str, payload: object) -> SourceMetadata:
    """SourceMetadata from a /works/{doi} answer."""
    message = payload.get("message") if isinstance(payload, dict) else None
    if not isinstance(message, dict):
        raise ResolverError("Crossref answered without a work")
    title = _first(message.get("title"))
    notices = []
    for update in message.get("updated-by") or []:
        if isinstance(update, dict) and update.get("type") in RETRACTING_UPDATES:
            notices.append(f"Crossref records a {update['type']} notice ({update.get('DOI', '')}).")
    for update in message.get("update-to") or []:
        if isinstance(update, dict) and update.get("type") in RETRACTING_UPDATES:
            notices.append(
                f"This DOI is itself a {update['type']} notice for {update.get('DOI', '')}."
            )
    if title.upper().startswith(("RETRACTED", "WITHDRAWN")) and not notices:
        notices.append("Crossref's title marks the work as retracted.")
    year, published_on = _issued(message)
    return SourceMetadata(
        registry="Crossref",
        identifier=doi,
        title=title,
        year=year,
        published_on=published_on,
        issuer=_first(message.get("container-title")) or str(message.get("publisher") or ""),
        doi=str(message.get("DOI") or doi),
        is_retracted=bool(notices),
        notices=tuple(notices),
    )


class CrossrefResolver:
    registry = "Crossref"
    field = "doi"

    def __init__(self, config: ResolverConfig) -> None:
        self.config = config

    def resolve(self, identifier: str) -> SourceMetadata:
        url = f"{self.config.crossref_url.rstrip('/')}/works/{quote(identifier, safe='/')}"
        params = {"mailto": self.config.contact_email} if self.config.contact_email else None
        return parse_work(identifier, get_json(self.config, url, params))
