"""What each kind of source must carry, retractions and superseded versions. Pure, no I/O."""

from __future__ import annotations

import re

from articles.identifiers import LABELS, canonical_or_none, identifier_problems, nccn_version_key
from articles.models import Citation, Source, SourceKind
from articles.problem import ERROR, WARNING, Problem
from articles.source_identifiers import IDENTIFIER_FIELDS as SOURCE_IDENTIFIER_FIELDS
from articles.source_identifiers import is_nccn_issuer

# Source field -> identifier kind checked by articles.identifiers.
IDENTIFIER_FIELDS = tuple(SOURCE_IDENTIFIER_FIELDS.items())
_DIGITS_RE = re.compile(r"[0-9]+")


def is_nccn(source: Source) -> bool:
    return is_nccn_issuer(source.issuer)


def _named(source: Source, number: int) -> str:
    return f"Source [{number}] “{source.title}”"


def _need(source: Source, number: int, code: str, what: str) -> Problem:
    kind = source.get_kind_display().lower()
    return Problem(
        ERROR,
        code,
        f"{_named(source, number)} is a {kind} and needs {what}.",
        citation_number=number,
        source_id=source.pk,
    )


def source_problems(source: Source, number: int) -> list[Problem]:
    """Problems of one cited source: identifier syntax, per-kind requirements, retraction."""
    problems = [
        Problem(
            severity,
            code,
            f"{_named(source, number)}: {message}",
            citation_number=number,
            source_id=source.pk,
        )
        for field, kind in IDENTIFIER_FIELDS
        if (value := (getattr(source, field) or "").strip())
        for severity, code, message in identifier_problems(kind, value)
    ]
    if source.retracted:
        problems.append(
            Problem(
                ERROR,
                "source-retracted",
                f"{_named(source, number)} has been retracted; remove it or cite another source.",
                citation_number=number,
                source_id=source.pk,
            )
        )
    problems.extend(_kind_problems(source, number))
    return problems


def _kind_problems(source: Source, number: int) -> list[Problem]:
    version = (source.current_version or "").strip()
    problems: list[Problem] = []
    if source.kind == SourceKind.DRUG_LABEL:
        if not source.dailymed_setid.strip():
            problems.append(_need(source, number, "drug-label-missing-setid", "a DailyMed set id"))
        if not version:
            problems.append(_need(source, number, "drug-label-missing-version", "a version"))
    elif source.kind == SourceKind.GUIDELINE:
        if not source.issuer.strip():
            problems.append(_need(source, number, "guideline-missing-issuer", "an issuer"))
        if not version:
            problems.append(_need(source, number, "guideline-missing-version", "a version"))
        elif is_nccn(source):
            problems.extend(
                Problem(
                    severity,
                    "nccn-version-invalid",
                    f"{_named(source, number)}: {message}",
                    citation_number=number,
                    source_id=source.pk,
                )
                for severity, _code, message in identifier_problems("nccn_version", version)
            )
    elif source.kind == SourceKind.JOURNAL_ARTICLE:
        if not (source.doi.strip() or source.pmid.strip()):
            problems.append(
                _need(source, number, "journal-article-missing-identifier", "a DOI or a PMID")
            )
    elif source.kind == SourceKind.CLINICAL_TRIAL and not source.nct_id.strip():
        problems.append(_need(source, number, "trial-missing-nct", "an NCT number"))
    return problems


def _version_key(value: str) -> tuple[int, ...]:
    nccn = nccn_version_key(value)
    return nccn if nccn is not None else tuple(int(d) for d in _DIGITS_RE.findall(value))


def is_superseded(cited_version: str, current_version: str) -> bool:
    """True when a citation pins a version other than the current one, unless the pinned one
    is recognisably newer (then the source record is what is out of date)."""
    cited, current = (cited_version or "").strip(), (current_version or "").strip()
    if not cited or not current or cited.casefold() == current.casefold():
        return False
    cited_key, current_key = _version_key(cited), _version_key(current)
    return not (cited_key and current_key and cited_key > current_key)


def citation_problems(citation: Citation) -> list[Problem]:
    """Problems of one citation itself: a superseded pinned version."""
    source = citation.source
    if not is_superseded(citation.cited_version, source.current_version):
        return []
    return [
        Problem(
            WARNING,
            "superseded-version",
            f"Citation [{citation.number}] cites a superseded version of “{source.title}” "
            f"({citation.cited_version}; current: {source.current_version}).",
            citation_number=citation.number,
            source_id=source.pk,
        )
    ]


def identity_keys(source: Source) -> list[tuple[str, str]]:
    """Keys that identify a publication whichever Source row holds it (same DOI, PMID …),
    compared in canonical form (DOIs are case-insensitive)."""
    keys = []
    for field, kind in IDENTIFIER_FIELDS:
        raw = (getattr(source, field) or "").strip()
        if raw:
            value = canonical_or_none(kind, raw) or raw
            keys.append((LABELS[kind], value.lower() if kind == "doi" else value))
    return keys
