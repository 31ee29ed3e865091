"""Bulk import of source versions from a CSV of `identifier, version, date`: every row is
checked first; one bad row and nothing is recorded."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Lower

from articles.identifiers import canonical_or_none, normalize_identifier
from articles.models import Source
from articles.source_identifiers import IDENTIFIER_FIELDS
from editorial.access.roles import AnyUser, is_editor
from editorial.staleness.services import VERSION_LENGTH, source_record_version

MAX_ROWS = 5000
HEADER = ("identifier", "version", "date")


@dataclass(frozen=True)
class VersionRow:
    line: int
    identifier: str
    version: str
    effective_on: date | None


@dataclass(frozen=True)
class ImportedVersion:
    source: Source
    version: str
    flagged: int  # approved articles newly flagged stale


def _rows(text: str) -> list[list[str]]:
    rows = [row for row in csv.reader(io.StringIO(text)) if any(cell.strip() for cell in row)]
    if rows and tuple(c.strip().lower() for c in rows[0][:3]) == HEADER:
        rows = rows[1:]
    return rows


def _parse(text: str) -> tuple[list[VersionRow], list[str]]:
    parsed, errors = [], []
    rows = _rows(text)
    if not rows:
        errors.append("The file has no rows: expected “identifier, version, date”.")
    if len(rows) > MAX_ROWS:
        errors.append(f"The file has {len(rows)} rows; import at most {MAX_ROWS} at a time.")
        return [], errors
    for line, row in enumerate(rows, start=1):
        cells = [c.strip() for c in row] + ["", "", ""]
        identifier, version, raw_date = cells[:3]
        where = f"Row {line}"
        if len(row) > 3:
            errors.append(f"{where}: expected 3 columns (identifier, version, date).")
            continue
        if not identifier or not version:
            errors.append(f"{where}: the identifier and the version are required.")
            continue
        if len(version) > VERSION_LENGTH:
            errors.append(f"{where}: the version has more than {VERSION_LENGTH} characters.")
            continue
        try:
            effective_on = date.fromisoformat(raw_date) if raw_date else None
        except ValueError:
            errors.append(f"{where}: “{raw_date}” is not a date like 2026-11-24.")
            continue
        parsed.append(VersionRow(line, identifier, version, effective_on))
    return parsed, errors


def _keys(identifier: str) -> list[tuple[str, str]]:
    """(field, lower-cased value): the canonical form for every kind the identifier is valid
    as, and the text as written (the URL, and values stored before normalisation)."""
    written = identifier.strip().lower()
    keys = [("url", written)]
    for name, kind in IDENTIFIER_FIELDS.items():
        keys.append((name, written))
        canonical = canonical_or_none(kind, identifier)
        if canonical and canonical.lower() != written:
            keys.append((name, canonical.lower()))
    return keys


def _rule_error(identifier: str) -> str:
    """The identifier rule a value that looks like one kind breaks (the author UI's sentence),
    or "" when it looks like none."""
    lowered = identifier.strip().lower()
    for kind, hints in _KIND_HINTS:
        if lowered.startswith(hints):
            try:
                normalize_identifier(kind, identifier)
            except ValidationError as exc:
                return exc.messages[0]
    return ""


_KIND_HINTS = (
    ("doi", ("10.", "doi", "https://doi.org", "http://dx.doi.org")),
    ("pmcid", ("pmc",)),
    ("pmid", ("pmid", "https://pubmed.", "pubmed.")),
    ("nct", ("nct", "https://clinicaltrials.gov")),
    ("isbn", ("isbn", "978", "979")),
)


def _sources_by_key(rows: list[VersionRow]) -> dict[tuple[str, str], set[Source]]:
    wanted: dict[str, set[str]] = {}
    for row in rows:
        for name, value in _keys(row.identifier):
            wanted.setdefault(name, set()).add(value)
    lowered = {f"{name}_l": Lower(name) for name in wanted}
    query = Q()
    for name, values in wanted.items():
        query |= Q(**{f"{name}_l__in": values})
    found: dict[tuple[str, str], set[Source]] = {}
    for source in Source.objects.annotate(**lowered).filter(query) if wanted else []:
        for name in wanted:
            found.setdefault((name, getattr(source, f"{name}_l")), set()).add(source)
    return found


def _match(rows: list[VersionRow]) -> tuple[dict[int, Source], list[str]]:
    """The source of each row by line (1 query, whatever the number of rows); identifiers are
    compared in canonical form, so a pasted DOI address finds the source's bare DOI."""
    by_key = _sources_by_key(rows)
    matched: dict[int, Source] = {}
    errors: list[str] = []
    seen: dict[int, int] = {}  # source id: the row that named it
    for row in rows:
        sources = set().union(*(by_key.get(key, set()) for key in _keys(row.identifier)))
        if not sources:
            rule = _rule_error(row.identifier)
            errors.append(
                f"Row {row.line}: {rule}"
                if rule
                else f"Row {row.line}: no source has the identifier “{row.identifier}”."
            )
        elif len(sources) > 1:
            errors.append(
                f"Row {row.line}: “{row.identifier}” matches {len(sources)} sources; "
                "use an identifier only one of them has."
            )
        else:
            (source,) = sources
            if source.pk in seen:
                errors.append(
                    f"Row {row.line}: “{source.title}” is also on row {seen[source.pk]}; "
                    "give one version per source."
                )
            seen[source.pk] = row.line
            matched[row.line] = source
    return matched, errors


def source_versions_import(*, text: str, actor: AnyUser) -> list[ImportedVersion]:
    """Record the versions listed in a CSV (identifier, version, date); all rows or none.
    Raises ValidationError listing every bad row."""
    if not is_editor(actor):
        raise PermissionDenied("Only an editor can import source versions.")
    rows, errors = _parse(text)
    matched, match_errors = _match(rows)
    errors += match_errors
    if errors:
        raise ValidationError(errors)
    imported = []
    with transaction.atomic():
        for row in rows:
            flagged = source_record_version(
                source=matched[row.line],
                version=row.version,
                effective_on=row.effective_on,
                actor=actor,
                note=f"Imported from a CSV (row {row.line}).",
            )
            imported.append(ImportedVersion(matched[row.line], row.version, len(flagged)))
    return imported
