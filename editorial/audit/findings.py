"""What verifying the audit chains finds: per chain, its first break (editorial.audit.verify)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple

from editorial.audit.chain import ARTICLE_CHAIN


@dataclass(frozen=True)
class AuditBreak:
    article_id: int
    article: str
    model_label: str
    history_id: int
    sequence: int | None
    problem: str
    when: str = ""  # the row's history_date (a signature's signed_at), ISO 8601

    def __str__(self) -> str:
        where = f"entry #{self.sequence}" if self.sequence is not None else "no entry"
        row = f"{self.model_label} history_id={self.history_id}" if self.model_label else ""
        about = ", ".join(part for part in (row, self.when) if part)
        return f"{self.article} {where}{f' ({about})' if about else ''}: {self.problem}"


class Sound(NamedTuple):
    """A link whose row still hashes to it, in a chain walked from its first entry."""

    entry: Any
    when: str


@dataclass
class ArticleCheck:
    """One chain's result (an article's, or an object's: `chain` says which)."""

    article_id: int
    article: str
    entries: int = 0
    first_break: AuditBreak | None = None
    chain: str = ARTICLE_CHAIN

    @property
    def is_ok(self) -> bool:
        return self.first_break is None


@dataclass
class AuditReport:
    checks: list[ArticleCheck] = field(default_factory=list)

    @property
    def is_ok(self) -> bool:
        return all(c.is_ok for c in self.checks)

    @property
    def checked_entries(self) -> int:
        return sum(c.entries for c in self.checks)

    @property
    def first_break(self) -> AuditBreak | None:
        return next((c.first_break for c in self.checks if c.first_break), None)


def break_at(check: ArticleCheck, entry: Any, when: str, problem: str) -> AuditBreak:
    return AuditBreak(
        check.article_id,
        check.article,
        entry.model_label,
        entry.history_id,
        entry.sequence,
        problem,
        when,
    )
