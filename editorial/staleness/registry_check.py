"""The poller's registry half: a new DailyMed label version or a retraction notice (Crossref,
PubMed …) for a cited source, through the same resolver registry as "verify against
registry" (CITATION_RESOLVERS); every answer is stored as a finding. Only when
CITATION_RESOLVERS_ENABLED (off in the embedded mode: nothing is asked online)."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from django.db.models import Q, QuerySet

from articles.models import DetectedBy, FindingOutcome, Source
from articles.resolvers import Resolver, is_enabled, resolvers_from_settings
from editorial.staleness.findings import registry_findings_record, source_lookup
from editorial.staleness.services import source_mark_retracted, source_record_version

logger = logging.getLogger("editorial.staleness.poller")

# The version format the DailyMed resolver reports (and source_verify fills in): a label
# versioned by hand some other way ("2024 label") is not compared, so it is never flagged by
# a mere difference in spelling.
DAILYMED_VERSION_PREFIX = "SPL version "


def registry_fields() -> tuple[str, ...]:
    """The Source fields the configured resolvers read."""
    return tuple(dict.fromkeys(r.field for r in resolvers_from_settings()))


def has_registry_identifier() -> Q:
    query = Q(pk__in=[])
    for name in registry_fields():
        query |= ~Q(**{name: ""})
    return query


def sources_for_registries() -> QuerySet[Source]:
    """Sources the registry check asks about (none while the resolvers are switched off)."""
    if not is_enabled():
        return Source.objects.none()
    return Source.objects.filter(has_registry_identifier(), retracted=False)


def source_check_registries(
    source: Source, *, resolvers: Sequence[Resolver] | None = None
) -> tuple[str, str, int]:
    """Ask each registry about the source: (status, detail, articles flagged). A retraction
    flags at once (reason "retracted"); a newer DailyMed label records a version."""
    if not is_enabled():
        return "unchanged", "registry lookups are off", 0
    lookups = source_lookup(
        source, resolvers if resolvers is not None else resolvers_from_settings()
    )
    registry_findings_record(source, lookups)
    failures: list[str] = []
    for lookup in lookups:
        meta = lookup.meta
        if meta is None:
            if lookup.outcome == FindingOutcome.FAILED:
                logger.error("registry check failed: source %s: %s", source.pk, lookup.messages)
                failures.extend(lookup.messages)
            continue
        if meta.is_retracted and not source.retracted:
            notice = " ".join(meta.notices) or f"{meta.registry} marks it retracted."
            flagged = source_mark_retracted(source=source, note=notice)
            return "retracted", notice, len(flagged)
        if _is_newer_label(source, meta.version):
            flagged = source_record_version(
                source=source,
                version=meta.version,
                effective_on=meta.published_on,
                note=f"Detected by the poller: DailyMed lists {meta.version}.",
                detected_by=DetectedBy.POLLER,
            )
            return "changed", f"DailyMed: {meta.version}", len(flagged)
    if failures:
        return "failed", " ".join(failures), 0
    return "unchanged", "", 0


def _is_newer_label(source: Source, version: str) -> bool:
    current = source.current_version.strip()
    return (
        bool(version)
        and version.startswith(DAILYMED_VERSION_PREFIX)
        and current.startswith(DAILYMED_VERSION_PREFIX)
        and version != current
    )
