"""Source metadata resolvers as a pluggable registry: CITATION_RESOLVERS lists dotted paths,
in priority order (Crossref, PubMed, PMC, ClinicalTrials.gov, DailyMed, Open Library by
default). Network access happens only here, and only when CITATION_RESOLVERS_ENABLED (off in
the embedded mode and in tests)."""

from __future__ import annotations

from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

from articles.resolvers.base import (
    NotFound,
    RateLimited,
    Resolver,
    ResolverError,
    SourceMetadata,
)
from articles.resolvers.transport import HostPolicy, HttpTransport

__all__ = [
    "DEFAULT_RESOLVERS",
    "NotFound",
    "RateLimited",
    "Resolver",
    "ResolverError",
    "SourceMetadata",
    "is_enabled",
    "resolver_name",
    "resolvers_from_settings",
    "transport_from_settings",
]

DEFAULT_RESOLVERS = (
    "articles.resolvers.crossref.CrossrefResolver",
    "articles.resolvers.pubmed.PubMedResolver",
    "articles.resolvers.pubmed.PmcResolver",
    "articles.resolvers.clinicaltrials.ClinicalTrialsResolver",
    "articles.resolvers.dailymed.DailyMedResolver",
    "articles.resolvers.isbn.IsbnResolver",
)


def is_enabled() -> bool:
    return bool(settings.CITATION_RESOLVERS_ENABLED and settings.CITATION_RESOLVERS)


def transport_from_settings() -> HttpTransport:
    """The one transport all resolvers share, in this process, so a host's interval holds
    across resolvers, sources and polling runs."""
    agent = "Imprimatur citation check"
    if settings.CITATION_RESOLVER_CONTACT_EMAIL:
        agent += f" (mailto:{settings.CITATION_RESOLVER_CONTACT_EMAIL})"
    return _shared_transport(
        float(settings.CITATION_RESOLVER_TIMEOUT),
        float(settings.CITATION_RESOLVER_INTERVAL),
        tuple(sorted(settings.CITATION_RESOLVER_HOST_TIMEOUTS.items())),
        tuple(sorted(settings.CITATION_RESOLVER_HOST_INTERVALS.items())),
        int(settings.CITATION_RESOLVER_RETRIES),
        float(settings.CITATION_RESOLVER_BACKOFF),
        agent,
    )


@lru_cache(maxsize=8)
def _shared_transport(
    timeout: float,
    interval: float,
    timeouts: tuple[tuple[str, float], ...],
    intervals: tuple[tuple[str, float], ...],
    retries: int,
    backoff: float,
    agent: str,
) -> HttpTransport:
    policy = HostPolicy(
        timeout=timeout, interval=interval, timeouts=dict(timeouts), intervals=dict(intervals)
    )
    return HttpTransport(policy=policy, retries=retries, backoff=backoff, user_agent=agent)


def resolver_name(resolver: object) -> str:
    """The dotted path a finding records (the setting's spelling)."""
    cls = type(resolver)
    return f"{cls.__module__}.{cls.__qualname__}"


def resolvers_from_settings(transport: HttpTransport | None = None) -> list[Resolver]:
    """One resolver per entry of CITATION_RESOLVERS, in that order, sharing one transport.
    Raises ImproperlyConfigured naming an entry that cannot be imported."""
    transport = transport or transport_from_settings()
    resolvers = []
    for path in settings.CITATION_RESOLVERS:
        try:
            cls = import_string(path)
        except ImportError as exc:
            raise ImproperlyConfigured(f"CITATION_RESOLVERS: cannot import {path!r}.") from exc
        factory = getattr(cls, "from_settings", None)
        resolvers.append(factory(transport) if factory else cls(transport))
    return resolvers
