"""The resolver interface: one identifier in, a registry's metadata out."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol

import httpx


class ResolverError(Exception):
    """The registry could not be asked or answered nonsense (timeout, 5xx, bad JSON)."""


class NotFound(ResolverError):
    """The registry has no record for this identifier (an invented or mistyped id?)."""


@dataclass(frozen=True)
class SourceMetadata:
    registry: str  # "Crossref", "PubMed", "DailyMed"
    identifier: str
    title: str = ""
    year: int | None = None
    published_on: date | None = None
    issuer: str = ""
    version: str = ""
    doi: str = ""
    pmid: str = ""
    pmcid: str = ""
    is_retracted: bool = False
    notices: tuple[str, ...] = field(default=())  # retraction notices, as sentences


@dataclass(frozen=True)
class ResolverConfig:
    crossref_url: str
    eutils_url: str
    dailymed_url: str
    timeout: float = 5.0
    retries: int = 2
    backoff: float = 0.5  # seconds, doubled after each failed attempt
    contact_email: str = ""  # Crossref's "polite pool" and NCBI's email parameter


class Resolver(Protocol):
    registry: str
    field: str  # the Source field holding the identifier

    def resolve(self, identifier: str) -> SourceMetadata: ...


_RETRY_STATUSES = {429, 500, 502, 503, 504}


def get_json(config: ResolverConfig, url: str, params: dict[str, str] | None = None) -> Any:
    """GET url as JSON with the configured timeout; retries timeouts, connection errors, 429
    and 5xx. Raises NotFound on 404, ResolverError otherwise."""
    headers = {"User-Agent": "Imprimatur citation check"}
    if config.contact_email:
        headers["User-Agent"] += f" (mailto:{config.contact_email})"
    last = "no attempt"
    for attempt in range(config.retries + 1):
        if attempt and config.backoff:
            time.sleep(config.backoff * 2 ** (attempt - 1))
        try:
            response = httpx.get(url, params=params, headers=headers, timeout=config.timeout)
        except httpx.TimeoutException:
            last = f"no answer within {config.timeout:g} s"
            continue
        except httpx.TransportError as exc:
            last = f"could not connect ({exc.__class__.__name__})"
            continue
        if response.status_code == 404:
            raise NotFound("not found")
        if response.status_code in _RETRY_STATUSES:
            last = f"HTTP {response.status_code}"
            continue
        if response.status_code != 200:
            raise ResolverError(f"HTTP {response.status_code}")
        try:
            return response.json()
        except ValueError as exc:
            raise ResolverError("the answer was not JSON") from exc
    raise ResolverError(f"{last} after {config.retries + 1} attempt(s)")
