"""A citation-check finding. Re-exported by articles.citations (the contract's home)."""

from __future__ import annotations

from dataclasses import dataclass

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Problem:
    severity: str  # "error" | "warning"
    code: str  # stable identifier, e.g. "unknown-marker"
    message: str  # a sentence an author understands
    section_id: int | None = None  # where: the section (None = the article as a whole)
    position: int | None = None  # character offset in the section body
    citation_number: int | None = None
    source_id: int | None = None  # the source the problem is about, if any
    section_label: str = ""  # the section's heading, for people reading the location

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    @property
    def location(self) -> str:
        """Where to look, in words: "“Key points”, character 120", "citation [3]" or "article"."""
        if self.section_id is not None or self.section_label:
            where = f"“{self.section_label}”" if self.section_label else "a section"
            return where if self.position is None else f"{where}, character {self.position}"
        if self.citation_number is not None:
            return f"citation [{self.citation_number}]"
        return "article"
