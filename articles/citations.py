"""Citation checks: pure functions, no I/O. Every reference is checked before a reviewer sees it.

check_article reads article.sections.all() and article.citations.all() (each citation's
source too): callers prefetch them (editorial.workflow.citation_check) so the check itself runs no
query. Codes are stable; messages are sentences an author understands.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterable, Sequence

from articles.identifiers import identifier_problems
from articles.markers import Marker, parse_markers
from articles.models import Article, Citation, Section, SectionKind, SourceKind
from articles.problem import ERROR, WARNING, Problem
from articles.source_rules import citation_problems, identity_keys, source_problems
from articles.text_rules import dose_mentions, excerpt, sentence_ends

__all__ = ["Problem", "check_article", "check_content", "check_identifier", "renumber_mapping"]

Parsed = list[tuple[Section, list[Marker]]]

# Section kind -> (source kind it must cite, code, what to say).
SECTION_REQUIREMENTS: dict[str, tuple[SourceKind, str, str]] = {
    SectionKind.DRUG_LABEL: (SourceKind.DRUG_LABEL, "section-needs-drug-label", "a drug label"),
    SectionKind.GUIDELINES: (SourceKind.GUIDELINE, "section-needs-guideline", "a guideline"),
}


def check_identifier(kind: str, value: str) -> list[Problem]:
    """Syntax problems of one identifier (doi, pmid, pmcid, nct, dailymed_setid, isbn,
    nccn_version); raises ValueError for another kind."""
    return [Problem(s, code, message) for s, code, message in identifier_problems(kind, value)]


def check_article(article: Article) -> list[Problem]:
    """All problems of an article, errors first (uses prefetched sections/citations if any)."""
    return check_content(list(article.sections.all()), list(article.citations.all()))


def check_content(sections: Sequence[Section], citations: Sequence[Citation]) -> list[Problem]:
    """All problems of these sections (in reading order) and citations, errors first."""
    parsed: Parsed = [(section, list(parse_markers(section.body))) for section in sections]
    by_number: dict[int, list[Citation]] = defaultdict(list)
    for citation in citations:
        by_number[citation.number].append(citation)
    problems = _marker_problems(parsed, by_number)
    problems += _table_problems(parsed, citations, by_number)
    problems += _order_problems(parsed, by_number)
    problems += _source_problems(citations)
    problems += _section_problems(parsed, by_number)
    # sorted() is stable: within a severity, problems stay in reading order
    return sorted(problems, key=lambda p: not p.is_error)


def first_use_order(parsed_markers: Iterable[Iterable[Marker]]) -> list[int]:
    """Distinct cited numbers in order of first use; a marker's own numbers count as
    introduced together, lowest first."""
    seen: dict[int, None] = {}
    for markers in parsed_markers:
        for marker in markers:
            for n in sorted(marker.numbers):
                seen.setdefault(n, None)
    return list(seen)


def renumber_mapping(sections: Sequence[Section], citations: Sequence[Citation]) -> dict[int, int]:
    """Old number -> new number: cited citations 1..k in order of first use, then the
    uncited ones in their current order."""
    existing = sorted({c.number for c in citations})
    used = [n for n in first_use_order(parse_markers(s.body) for s in sections) if n in existing]
    cited = set(used)
    order = used + [n for n in existing if n not in cited]
    return {old: new for new, old in enumerate(order, start=1)}


def _where(section: Section) -> str:
    return section.heading or section.get_kind_display()


def _marker_problems(parsed: Parsed, by_number: dict[int, list[Citation]]) -> list[Problem]:
    problems = []
    for section, markers in parsed:
        for marker in markers:
            for n in dict.fromkeys(marker.numbers):
                if n not in by_number:
                    problems.append(
                        Problem(
                            ERROR,
                            "unknown-marker",
                            f"[{n}] in “{_where(section)}” has no citation numbered {n}.",
                            section_id=section.pk,
                            position=marker.start,
                            citation_number=n,
                            section_label=_where(section),
                        )
                    )
    return problems


def _table_problems(
    parsed: Parsed, citations: Sequence[Citation], by_number: dict[int, list[Citation]]
) -> list[Problem]:
    used = {n for _section, markers in parsed for m in markers for n in m.numbers}
    problems = []
    for number, group in sorted(by_number.items()):
        titles = ", ".join(f"“{c.source.title}”" for c in group)
        if len(group) > 1:
            problems.append(
                Problem(
                    ERROR,
                    "duplicate-citation-number",
                    f"{len(group)} citations are numbered [{number}] ({titles}); "
                    "each number must be used once.",
                    citation_number=number,
                )
            )
        if number not in used:
            problems.append(
                Problem(
                    ERROR,
                    "citation-not-cited",
                    f"Citation [{number}] ({titles}) is never cited in the text.",
                    citation_number=number,
                )
            )
    return problems + _duplicate_source_problems(citations)


def _duplicate_source_problems(citations: Sequence[Citation]) -> list[Problem]:
    numbers_by_source: dict[int, set[int]] = defaultdict(set)
    sources = {}
    for citation in citations:
        numbers_by_source[citation.source_id].add(citation.number)
        sources[citation.source_id] = citation.source
    problems = []
    for source_id, numbers in numbers_by_source.items():
        if len(numbers) > 1:
            listed = " and ".join(f"[{n}]" for n in sorted(numbers))
            problems.append(
                Problem(
                    ERROR,
                    "duplicate-source",
                    f"“{sources[source_id].title}” is cited under two numbers ({listed}); "
                    "cite it under one.",
                    citation_number=min(numbers),
                    source_id=source_id,
                )
            )
    # Two library records for one publication (same DOI, PMID …) are the same source too.
    by_key: dict[tuple[str, str], list[int]] = defaultdict(list)
    for source_id, source in sources.items():
        for key in identity_keys(source):
            by_key[key].append(source_id)
    reported: set[frozenset[int]] = set()
    for (label, value), ids in by_key.items():
        group = frozenset(ids)
        if len(group) < 2 or group in reported:
            continue
        reported.add(group)
        listed = " and ".join(
            f"[{min(numbers_by_source[i])}] “{sources[i].title}”" for i in sorted(group)
        )
        problems.append(
            Problem(
                ERROR,
                "duplicate-source",
                f"{listed} have the same {label} ({value}): one source cited under two numbers.",
                citation_number=min(min(numbers_by_source[i]) for i in group),
                source_id=min(group),
            )
        )
    return problems


def _order_problems(parsed: Parsed, by_number: dict[int, list[Citation]]) -> list[Problem]:
    highest = 0
    seen: set[int] = set()
    for section, markers in parsed:
        for marker in markers:
            for n in sorted(marker.numbers):
                if n not in by_number or n in seen:
                    continue
                seen.add(n)
                if n < highest:
                    return [
                        Problem(
                            WARNING,
                            "citation-order",
                            f"Citations are not numbered in order of first use: [{n}] is first "
                            f"cited after [{highest}]. “Renumber citations” fixes this.",
                            section_id=section.pk,
                            position=marker.start,
                            citation_number=n,
                            section_label=_where(section),
                        )
                    ]
                highest = max(highest, n)
    return []


def _source_problems(citations: Sequence[Citation]) -> list[Problem]:
    problems = []
    seen: set[int] = set()
    for citation in sorted(citations, key=lambda c: c.number):
        if citation.source_id not in seen:
            seen.add(citation.source_id)
            problems += source_problems(citation.source, citation.number)
        problems += citation_problems(citation)
    return problems


def _section_problems(parsed: Parsed, by_number: dict[int, list[Citation]]) -> list[Problem]:
    problems = []
    for section, markers in parsed:
        requirement = SECTION_REQUIREMENTS.get(section.kind)
        if requirement is not None:
            kind, code, what = requirement
            cited_kinds = {
                c.source.kind for m in markers for n in m.numbers for c in by_number.get(n, ())
            }
            if kind not in cited_kinds:
                problems.append(
                    Problem(
                        ERROR,
                        code,
                        f"The section “{_where(section)}” must cite at least {what}.",
                        section_id=section.pk,
                        section_label=_where(section),
                    )
                )
        problems += _dose_problems(section, markers)
    return problems


def _dose_problems(section: Section, markers: list[Marker]) -> list[Problem]:
    body = section.body or ""
    doses = list(dose_mentions(body))
    if not doses:
        return []
    ends = sentence_ends(body)
    marker_starts = [m.start for m in markers]
    problems = []
    reported: set[int] = set()
    for dose in doses:
        index = min(bisect_right(ends, dose.start()), len(ends) - 1)
        start, end = (ends[index - 1] if index else 0), ends[index]
        i = bisect_left(marker_starts, start)
        if (i < len(marker_starts) and marker_starts[i] < end) or index in reported:
            continue
        reported.add(index)
        problems.append(
            Problem(
                ERROR,
                "dose-without-citation",
                f"A dose ({dose.group(0).strip()}) is stated without a citation in the same "
                f"sentence: “{excerpt(body, start, end)}”",
                section_id=section.pk,
                position=dose.start(),
                section_label=_where(section),
            )
        )
    return problems
