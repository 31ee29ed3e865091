"""A source's identifiers as entered on any path (author UI, admin, CSV, API): each normalised
to its canonical form, or an error sentence per field, plus what was changed, to tell the
person. Pure, no I/O: the callers save."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError

from articles.identifiers import normalization_note, normalize_identifier

# Source field -> identifier kind of articles.identifiers.
IDENTIFIER_FIELDS: dict[str, str] = {
    "doi": "doi",
    "pmid": "pmid",
    "pmcid": "pmcid",
    "nct_id": "nct",
    "dailymed_setid": "dailymed_setid",
    "isbn": "isbn",
}
NCCN_VERSION_FIELD = "current_version"


@dataclass
class NormalizedIdentifiers:
    values: dict[str, str]  # the input with every identifier in canonical form
    errors: dict[str, list[str]] = field(default_factory=dict)  # field -> sentences
    notes: list[str] = field(default_factory=list)  # "DOI “doi:10…” was stored as “10…”."


def is_nccn_issuer(issuer: str) -> bool:
    issuer = (issuer or "").strip().lower()
    return issuer.startswith("nccn") or "national comprehensive cancer network" in issuer


def source_identifiers_normalize(values: Mapping[str, object]) -> NormalizedIdentifiers:
    """Normalise the identifier fields present in `values` (empty stays empty); the current
    version too when the source is an NCCN guideline ("v2.2025" -> "Version 2.2025")."""
    result = NormalizedIdentifiers(values=dict(values))  # type: ignore[arg-type]
    kinds = dict(IDENTIFIER_FIELDS)
    if values.get("kind") == "guideline" and is_nccn_issuer(str(values.get("issuer") or "")):
        kinds[NCCN_VERSION_FIELD] = "nccn_version"
    for name, kind in kinds.items():
        raw = values.get(name)
        if raw is None or not str(raw).strip():
            continue
        try:
            canonical = normalize_identifier(kind, str(raw))
        except ValidationError as exc:
            result.errors[name] = list(exc.messages)
            continue
        result.values[name] = canonical
        note = normalization_note(kind, str(raw), canonical)
        if note:
            result.notes.append(note)
    return result


def source_identifier_notes(values: Mapping[str, object]) -> list[str]:
    """What normalising these entered values changes (for a success message)."""
    return source_identifiers_normalize(values).notes
