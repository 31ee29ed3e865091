"""Source metadata resolvers behind one interface: Crossref (DOI), PubMed (PMID), DailyMed
(set id). Network access happens only here, and only when CITATION_RESOLVERS_ENABLED."""

from __future__ import annotations

from django.conf import settings

from articles.resolvers.base import (
    NotFound,
    Resolver,
    ResolverConfig,
    ResolverError,
    SourceMetadata,
)
from articles.resolvers.crossref import CrossrefResolver
from articles.resolvers.dailymed import DailyMedResolver
from articles.resolvers.pubmed import PubMedResolver

__all__ = [
    "NotFound",
    "Resolver",
    "ResolverConfig",
    "ResolverError",
    "SourceMetadata",
    "is_enabled",
    "resolvers_from_settings",
]


def is_enabled() -> bool:
    return bool(getattr(settings, "CITATION_RESOLVERS_ENABLED", False))


def config_from_settings() -> ResolverConfig:
    return ResolverConfig(
        crossref_url=settings.CROSSREF_API_URL,
        eutils_url=settings.NCBI_EUTILS_URL,
        dailymed_url=settings.DAILYMED_API_URL,
        timeout=settings.CITATION_RESOLVER_TIMEOUT,
        retries=settings.CITATION_RESOLVER_RETRIES,
        backoff=settings.CITATION_RESOLVER_BACKOFF,
        contact_email=settings.CITATION_RESOLVER_CONTACT_EMAIL,
    )


def resolvers_from_settings() -> list[Resolver]:
    """One resolver per registry, configured from the settings."""
    config = config_from_settings()
    return [CrossrefResolver(config), PubMedResolver(config), DailyMedResolver(config)]
