"""Verify a library source against its registries: fill missing metadata, flag a title or
year mismatch (an invented or mis-cited reference) and record retractions."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from articles.models import FindingOutcome, Source, SourceKind
from articles.resolvers import Resolver, SourceMetadata, is_enabled, resolvers_from_settings
from editorial.access.roles import AnyUser, is_editor
from editorial.audit.attribution import save_attributed
from editorial.staleness.findings import Lookup, registry_findings_record, source_lookup
from editorial.staleness.services import source_mark_retracted

DISABLED_MESSAGE = (
    "Registry lookups are switched off (CITATION_RESOLVERS_ENABLED is false, the default in "
    "the embedded mode): nothing was checked."
)


@dataclass
class SourceVerification:
    source: Source
    checked: list[str] = field(default_factory=list)  # registries that answered
    filled: list[str] = field(default_factory=list)  # fields filled from a registry
    flags: list[str] = field(default_factory=list)  # mismatches, missing records, retractions
    failures: list[str] = field(default_factory=list)  # registries that could not be asked


def source_verify(
    *, source: Source, actor: AnyUser, resolvers: Sequence[Resolver] | None = None
) -> SourceVerification:
    """Check one source against Crossref / PubMed / DailyMed and record what they say.
    Raises ValidationError when lookups are off, PermissionDenied for non-editors."""
    if not is_enabled():
        raise ValidationError(DISABLED_MESSAGE)
    if not is_editor(actor):
        raise PermissionDenied("Only an editor can verify sources against registries.")
    report = SourceVerification(source=source)
    # The lookups run outside the transaction: no row lock is held while waiting on the web.
    lookups = source_lookup(source, resolvers or resolvers_from_settings())
    found = _report(lookups, report)
    with transaction.atomic():
        locked = Source.objects.select_for_update().get(pk=source.pk)
        registry_findings_record(locked, lookups)
        changes = _compare(locked, found, report)
        # A retraction goes through the staleness service: it also flags the approved
        # articles citing the source (issue 6).
        is_retraction = bool(changes.pop("retracted", False))
        if changes:
            for name, value in changes.items():
                setattr(locked, name, value)
            save_attributed(locked, actor=actor, reason=_reason(report, changes))
        if is_retraction:
            note = _reason(report, {"retracted": True})
            source_mark_retracted(source=locked, actor=actor, note=note)
            locked.refresh_from_db()
    report.source = locked
    return report


def _report(lookups: Sequence[Lookup], report: SourceVerification) -> list[SourceMetadata]:
    found = []
    for lookup in lookups:
        if lookup.outcome == FindingOutcome.FAILED:
            report.failures.extend(lookup.messages)
            continue
        if lookup.outcome != FindingOutcome.NOT_FOUND:
            report.checked.append(lookup.registry)
        if lookup.meta is not None:
            found.append(lookup.meta)
        if lookup.outcome != FindingOutcome.MATCH:
            report.flags.extend(lookup.messages)
    return found


def _compare(
    source: Source, found: list[SourceMetadata], report: SourceVerification
) -> dict[str, object]:
    changes: dict[str, object] = {}
    for meta in found:
        fills = {
            "issuer": meta.issuer,
            "doi": meta.doi if source.kind != SourceKind.DRUG_LABEL else "",
            "pmcid": meta.pmcid,
            "version_date": meta.published_on,
            "current_version": meta.version,
        }
        for name, value in fills.items():
            if value and not getattr(source, name) and name not in changes:
                changes[name] = value
                report.filled.append(name.replace("_", " "))
        if meta.is_retracted and not source.retracted:
            changes["retracted"] = True
    return changes


def _reason(report: SourceVerification, changes: dict[str, object]) -> str:
    parts = []
    if changes.get("retracted"):
        parts.append("retraction notice")
    filled = [f for f in report.filled if f != "retracted"]
    if filled:
        parts.append("filled " + ", ".join(filled))
    return f"verified against {', '.join(report.checked)}: {'; '.join(parts)}"
