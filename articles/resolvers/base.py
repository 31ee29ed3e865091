"""The resolver interface: one identifier in, a registry's record out."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Protocol


class ResolverError(Exception):
    """The registry could not be asked or answered nonsense (timeout, 5xx, bad JSON)."""


class NotFound(ResolverError):
    """The registry has no record for this identifier (an invented or mistyped id?)."""


class RateLimited(ResolverError):
    """The registry kept answering 429 Too Many Requests."""


@dataclass(frozen=True)
class SourceMetadata:
    registry: str  # "Crossref", "PubMed", "PMC", "ClinicalTrials.gov", "DailyMed", "Open Library"
    identifier: str
    title: str = ""
    authors: tuple[str, ...] = ()
    year: int | None = None
    published_on: date | None = None
    issuer: str = ""
    version: str = ""
    doi: str = ""
    pmid: str = ""
    pmcid: str = ""
    status: str = ""  # a trial's overall status ("COMPLETED", "RECRUITING" …)
    has_results: bool | None = None  # a trial with results posted
    is_retracted: bool = False
    notices: tuple[str, ...] = field(default=())  # retraction notices, as sentences
    corrections: tuple[str, ...] = field(default=())  # corrections, errata, concerns


class Resolver(Protocol):
    registry: str  # shown to people: "Crossref"
    field: str  # the Source field holding the identifier
    kind: str  # the identifier kind of articles.identifiers

    def resolve(self, identifier: str) -> SourceMetadata: ...


def first_text(values: object) -> str:
    """The first string of a JSON list (Crossref's titles are lists), stripped."""
    return str(values[0]).strip() if isinstance(values, list) and values else ""
