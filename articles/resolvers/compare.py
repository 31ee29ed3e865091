"""What a registry's record says about our source: the same work (title, year), a retraction,
a correction, a newer label. Pure: the services store the outcome (editorial.staleness)."""

from __future__ import annotations

from dataclasses import dataclass

from articles.identifiers import LABELS
from articles.models import Source
from articles.resolvers.base import SourceMetadata
from articles.resolvers.matching import label_titles_match, titles_match

MATCH, MISMATCH, RETRACTED, NOT_FOUND, FAILED = (
    "match",
    "mismatch",
    "retracted",
    "not_found",
    "failed",
)


@dataclass(frozen=True)
class Comparison:
    outcome: str  # MATCH | MISMATCH | RETRACTED
    messages: tuple[str, ...]  # sentences for the person, mismatches first


def compare(source: Source, meta: SourceMetadata, kind: str) -> Comparison:
    """Compare the library's source with a registry record for its `kind` identifier."""
    mismatches = _title_and_date(source, meta, kind)
    notes = [*meta.notices, *meta.corrections]
    if meta.status:
        results = " with results posted" if meta.has_results else ", no results posted"
        notes.append(f"{meta.registry}: status {meta.status.replace('_', ' ').lower()}{results}.")
    outcome = RETRACTED if meta.is_retracted else MISMATCH if mismatches else MATCH
    return Comparison(outcome, tuple(mismatches + notes))


def _title_and_date(source: Source, meta: SourceMetadata, kind: str) -> list[str]:
    found = []
    match = label_titles_match if kind == "dailymed_setid" else titles_match
    if meta.title and not match(source.title, meta.title):
        found.append(
            f"The title does not match the {LABELS[kind]}'s record at {meta.registry}: "
            f"“{meta.title}”."
        )
    if not source.version_date:
        return found
    if kind == "dailymed_setid":
        if meta.published_on and meta.published_on > source.version_date:
            found.append(
                f"DailyMed has a newer label ({meta.version}, {meta.published_on:%d %b %Y}) "
                f"than the library's ({source.version_date:%d %b %Y})."
            )
    elif meta.year and kind != "nct" and meta.year != source.version_date.year:
        found.append(
            f"The year differs from {meta.registry}: {meta.year}, the library says "
            f"{source.version_date.year}."
        )
    return found
