"""Book records by ISBN from the Open Library Books API:
GET {base}/api/books?bibkeys=ISBN:{isbn}&format=json&jscmd=data (an unknown ISBN is `{}`)."""

from __future__ import annotations

import re

from django.conf import settings

from articles.resolvers.base import NotFound, ResolverError, SourceMetadata
from articles.resolvers.transport import HttpTransport

_YEAR_RE = re.compile(r"\b(1[5-9]\d\d|2\d\d\d)\b")


def _names(values: object) -> tuple[str, ...]:
    if not isinstance(values, list):
        return ()
    return tuple(str(v.get("name")) for v in values if isinstance(v, dict) and v.get("name"))


def parse_books(isbn: str, payload: object) -> SourceMetadata:
    """SourceMetadata from a Books API answer for one ISBN."""
    if not isinstance(payload, dict):
        raise ResolverError("Open Library answered without a book list")
    book = payload.get(f"ISBN:{isbn}")
    if not isinstance(book, dict):
        raise NotFound("not found")
    title = str(book.get("title") or "").strip()
    subtitle = str(book.get("subtitle") or "").strip()
    year = _YEAR_RE.search(str(book.get("publish_date") or ""))
    return SourceMetadata(
        registry="Open Library",
        identifier=isbn,
        title=f"{title}: {subtitle}" if subtitle else title,
        authors=_names(book.get("authors")),
        year=int(year.group(1)) if year else None,
        issuer=", ".join(_names(book.get("publishers"))),
    )


class IsbnResolver:
    registry = "Open Library"
    field = "isbn"
    kind = "isbn"

    def __init__(self, transport: HttpTransport, base_url: str) -> None:
        self.transport, self.base_url = transport, base_url

    @classmethod
    def from_settings(cls, transport: HttpTransport) -> IsbnResolver:
        return cls(transport, settings.OPENLIBRARY_API_URL)

    def resolve(self, identifier: str) -> SourceMetadata:
        url = f"{self.base_url.rstrip('/')}/api/books"
        params = {"bibkeys": f"ISBN:{identifier}", "format": "json", "jscmd": "data"}
        return parse_books(identifier, self.transport.get_json(url, params))
