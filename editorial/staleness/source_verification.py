"""Verify a library source against its registries: fill missing metadata, flag a title or
year mismatch (an invented or mis-cited reference) and record retractions."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from articles.identifiers import identifier_problems
from articles.models import Source, SourceKind
from articles.resolvers import (
    NotFound,
    Resolver,
    ResolverError,
    SourceMetadata,
    is_enabled,
    resolvers_from_settings,
)
from articles.resolvers.matching import label_titles_match, titles_match
from editorial.access.roles import AnyUser, is_editor
from editorial.audit.attribution import save_attributed
from editorial.staleness.services import source_mark_retracted

DISABLED_MESSAGE = (
    "Registry lookups are switched off (CITATION_RESOLVERS_ENABLED is false, the default in "
    "the embedded mode): nothing was checked."
)
_KIND_OF_FIELD = {"doi": "doi", "pmid": "pmid", "dailymed_setid": "dailymed_setid"}


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
    found = _lookup(source, resolvers or resolvers_from_settings(), report)
    # The lookups run outside the transaction: no row lock is held while waiting on the web.
    with transaction.atomic():
        locked = Source.objects.select_for_update().get(pk=source.pk)
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


def _lookup(
    source: Source, resolvers: Sequence[Resolver], report: SourceVerification
) -> list[SourceMetadata]:
    found = []
    for resolver in resolvers:
        value = (getattr(source, resolver.field) or "").strip()
        if not value:
            continue
        if any(
            s == "error" for s, _c, _m in identifier_problems(_KIND_OF_FIELD[resolver.field], value)
        ):
            report.flags.append(
                f"{value} is not a valid identifier; {resolver.registry} was not asked."
            )
            continue
        try:
            found.append(resolver.resolve(value))
        except NotFound:
            report.flags.append(
                f"{resolver.registry} has no record of {value}: the reference may be invented "
                "or mistyped."
            )
        except ResolverError as exc:
            report.failures.append(f"{resolver.registry} could not be asked: {exc}.")
        else:
            report.checked.append(resolver.registry)
    return found


def _compare(
    source: Source, found: list[SourceMetadata], report: SourceVerification
) -> dict[str, object]:
    changes: dict[str, object] = {}
    for meta in found:
        _check_title_and_date(source, meta, report)
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
        if meta.is_retracted:
            report.flags.extend(meta.notices)
            if not source.retracted:
                changes["retracted"] = True
    return changes


def _check_title_and_date(source: Source, meta: SourceMetadata, report: SourceVerification) -> None:
    match = label_titles_match if meta.registry == "DailyMed" else titles_match
    if meta.title and not match(source.title, meta.title):
        report.flags.append(f"Title differs from {meta.registry}: “{meta.title}”.")
    if not source.version_date:
        return
    if meta.registry == "DailyMed":
        if meta.published_on and meta.published_on > source.version_date:
            report.flags.append(
                f"DailyMed has a newer label ({meta.version}, {meta.published_on:%d %b %Y}) "
                f"than the library's ({source.version_date:%d %b %Y})."
            )
    elif meta.year and meta.year != source.version_date.year:
        report.flags.append(
            f"Year differs from {meta.registry}: {meta.year}, the library says "
            f"{source.version_date.year}."
        )


def _reason(report: SourceVerification, changes: dict[str, object]) -> str:
    parts = []
    if changes.get("retracted"):
        parts.append("retraction notice")
    filled = [f for f in report.filled if f != "retracted"]
    if filled:
        parts.append("filled " + ", ".join(filled))
    return f"verified against {', '.join(report.checked)}: {'; '.join(parts)}"
