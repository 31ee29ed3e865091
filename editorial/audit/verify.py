"""Recompute the per-article hash chains and name the first broken entry.

Per article: one query for its chain, one per chained history model for its rows (so the
number of queries grows with articles and models, never with history rows).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import connection, models
from django.db.models.expressions import RawSQL

from articles.models import Article
from editorial.audit.chain import chained_models, entry_hash, row_values
from editorial.audit.pg import ROW_TEXT, is_chained_in_database
from editorial.models import AuditEntry

# The database's canonical text of a row (PostgreSQL), fetched with the row's values.
ROW_TEXT_KEY = "imprimatur_audit_row_text"

CONTENT_CHANGED = "content changed: the history row no longer matches its hash"
ROW_MISSING = "history row missing: deleted, or moved to another article"
LINK_BROKEN = "link broken: prev_hash is not the previous entry's hash"
UNCHAINED = "history row has no chain entry: written outside the application"


@dataclass(frozen=True)
class AuditBreak:
    article_id: int
    article: str
    model_label: str
    history_id: int
    sequence: int | None
    problem: str

    def __str__(self) -> str:
        where = f"entry #{self.sequence}" if self.sequence is not None else "no entry"
        return (
            f"{self.article} {where} ({self.model_label} history_id={self.history_id}): "
            f"{self.problem}"
        )


@dataclass
class ArticleCheck:
    article_id: int
    article: str
    entries: int = 0
    first_break: AuditBreak | None = None

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


def audit_article_ids(slugs: Iterable[str] | None = None) -> dict[int, str]:
    """{article id: label} to verify: the given slugs (ValidationError if unknown) or all,
    including deleted drafts that still have history."""
    if slugs:
        slugs = list(dict.fromkeys(slugs))
        found = dict(Article.objects.filter(slug__in=slugs).values_list("slug", "pk"))
        unknown = [s for s in slugs if s not in found]
        if unknown:
            raise ValidationError(f"Unknown article slug(s): {', '.join(unknown)}.")
        return {pk: f"article {slug!r}" for slug, pk in found.items()}
    ids = set(AuditEntry.objects.values_list("article_id", flat=True).distinct())
    for model, column in chained_models().values():
        ids |= set(model._default_manager.values_list(column, flat=True).distinct())
    ids.discard(None)
    slugs_by_id = dict(Article.objects.filter(pk__in=ids).values_list("pk", "slug"))
    return {
        pk: f"article {slugs_by_id[pk]!r}" if pk in slugs_by_id else f"deleted article {pk}"
        for pk in sorted(ids)
    }


def audit_verify_article(article_id: int, label: str) -> ArticleCheck:
    """Recompute one article's chain (1 + one query per chained history model)."""
    check = ArticleCheck(article_id=article_id, article=label)
    rows = {
        model_label: {v["history_id"]: v for v in _rows(model_label, model, column, article_id)}
        for model_label, (model, column) in chained_models().items()
    }
    check.first_break = _first_break(check, _entries(article_id), rows)
    return check


def _rows(label: str, model: type[models.Model], column: str, article_id: int) -> Iterator[dict]:
    if not is_chained_in_database(connection):
        return row_values(model, **{column: article_id})
    # The same SQL expression the chain trigger hashed (editorial.audit.pg), over the stored row.
    text = RawSQL(f"{ROW_TEXT}(%s, {connection.ops.quote_name(model._meta.db_table)})", [label])
    return (
        model._default_manager.filter(**{column: article_id})
        .annotate(**{ROW_TEXT_KEY: text})
        .values()
        .iterator(chunk_size=2000)
    )


def _matches(entry: AuditEntry, values: dict) -> bool:
    text = values.pop(ROW_TEXT_KEY, None)
    if text is not None:
        digest = hashlib.sha256(f"{entry.prev_hash}|{text}".encode()).hexdigest()
        if digest == entry.entry_hash:
            return True
    # Links appended by the Python path: SQLite, or PostgreSQL before migration editorial 0023.
    return entry_hash(entry.prev_hash, entry.model_label, values) == entry.entry_hash


def _entries(article_id: int) -> Iterator[AuditEntry]:
    return AuditEntry.objects.filter(article_id=article_id).order_by("sequence").iterator(2000)


def _first_break(
    check: ArticleCheck, entries: Iterator[AuditEntry], rows: dict
) -> AuditBreak | None:
    prev, expected = "", 1
    for entry in entries:
        check.entries += 1

        def broken(problem: str, entry: AuditEntry = entry) -> AuditBreak:
            return AuditBreak(
                check.article_id,
                check.article,
                entry.model_label,
                entry.history_id,
                entry.sequence,
                problem,
            )

        if entry.sequence != expected:
            return broken(f"missing entry: sequence {expected} is absent before this one")
        if entry.prev_hash != prev:
            return broken(LINK_BROKEN)
        values = rows.get(entry.model_label, {}).pop(entry.history_id, None)
        if values is None:
            return broken(ROW_MISSING)
        if not _matches(entry, values):
            return broken(CONTENT_CHANGED)
        prev, expected = entry.entry_hash, expected + 1
    leftovers = [
        (values["history_date"], model_label, history_id)
        for model_label, by_id in rows.items()
        for history_id, values in by_id.items()
    ]
    if leftovers:
        _, model_label, history_id = min(leftovers)
        return AuditBreak(check.article_id, check.article, model_label, history_id, None, UNCHAINED)
    return None


def audit_verify(slugs: Iterable[str] | None = None) -> AuditReport:
    """Verify the chains of the given articles (or all); ValidationError for unknown slugs."""
    report = AuditReport()
    for article_id, label in audit_article_ids(slugs).items():
        report.checks.append(audit_verify_article(article_id, label))
    return report
