"""Drug label metadata from DailyMed web services: GET {base}/spls/{setid}/history.json."""

from __future__ import annotations

from datetime import date, datetime

from django.conf import settings

from articles.resolvers.base import NotFound, ResolverError, SourceMetadata
from articles.resolvers.transport import HttpTransport


def _published(value: object) -> date | None:
    try:
        return datetime.strptime(str(value), "%b %d, %Y").date()  # "Sep 26, 2012"
    except ValueError:
        return None


def parse_history(setid: str, payload: object) -> SourceMetadata:
    """SourceMetadata from a /spls/{setid}/history.json answer (newest version first)."""
    data = payload.get("data") if isinstance(payload, dict) else None
    if not isinstance(data, dict):
        raise ResolverError("DailyMed answered without data")
    spl = data["spl"] if isinstance(data.get("spl"), dict) else data
    history = [h for h in data.get("history") or [] if isinstance(h, dict)]
    if not spl.get("title") and not history:
        raise NotFound("not found")
    latest = max(history, key=lambda h: int(h.get("spl_version") or 0), default={})
    published_on = _published(latest.get("published_date"))
    version = latest.get("spl_version")
    return SourceMetadata(
        registry="DailyMed",
        identifier=setid,
        title=str(spl.get("title") or "").strip(),
        year=published_on.year if published_on else None,
        published_on=published_on,
        version=f"SPL version {version}" if version else "",
    )


class DailyMedResolver:
    registry = "DailyMed"
    field = "dailymed_setid"
    kind = "dailymed_setid"

    def __init__(self, transport: HttpTransport, base_url: str) -> None:
        self.transport, self.base_url = transport, base_url

    @classmethod
    def from_settings(cls, transport: HttpTransport) -> DailyMedResolver:
        return cls(transport, settings.DAILYMED_API_URL)

    def resolve(self, identifier: str) -> SourceMetadata:
        url = f"{self.base_url.rstrip('/')}/spls/{identifier}/history.json"
        return parse_history(identifier, self.transport.get_json(url))
