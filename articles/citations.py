"""Citation checks: pure functions, no I/O. Every reference is checked before a reviewer sees it.

(Foundation version: marker/citation consistency. The citation-validation issue grows the
rules here behind the same contract: check_article, check_identifier, Problem.)
"""

from __future__ import annotations

from dataclasses import dataclass

from articles.markers import parse_markers
from articles.models import Article


@dataclass(frozen=True)
class Problem:
    severity: str  # "error" | "warning"
    code: str  # stable identifier, e.g. "unknown-marker"
    message: str  # a sentence an author understands
    section_id: int | None = None  # where: the section (None = the article as a whole)
    position: int | None = None  # character offset of the marker in the section body
    citation_number: int | None = None

    @property
    def is_error(self) -> bool:
        return self.severity == "error"


def check_article(article: Article) -> list[Problem]:
    """All problems of an article, errors first (uses prefetched sections/citations if any)."""
    sections = list(article.sections.all())
    citations = list(article.citations.all())
    numbers = {c.number for c in citations}
    problems: list[Problem] = []
    used: set[int] = set()
    for section in sections:
        for marker in parse_markers(section.body):
            for n in marker.numbers:
                used.add(n)
                if n not in numbers:
                    problems.append(
                        Problem(
                            "error",
                            "unknown-marker",
                            f"[{n}] in “{section}” has no citation numbered {n}.",
                            section_id=section.pk,
                            position=marker.start,
                            citation_number=n,
                        )
                    )
    return sorted(problems, key=lambda p: p.severity != "error")
