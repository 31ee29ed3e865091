"""Recompute the hash chains and name the first broken entry; optionally against the anchors.

Chains are verified in batches of BATCH objects: one query for the batch's links and one per
chained table for its rows, so memory holds one batch whatever the number of chains (100,000
articles: a few hundred queries, bounded memory) and the query count never grows with rows.
With an AnchorIndex (editorial.audit.anchors), each chain's links are also compared with the
heads the anchors hold: a chain recomputed after tampering verifies on its own but no longer
ends where the anchor says it did.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models.expressions import RawSQL

from articles.models import Article
from editorial.audit.anchors import AnchorIndex
from editorial.audit.chain import (
    ARTICLE_CHAIN,
    Chained,
    chained_tables,
    chains,
    entry_hash,
    entry_model,
)
from editorial.audit.pg import ROW_TEXT, is_chained_in_database

BATCH = 500
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
    ids = _chain_ids(ARTICLE_CHAIN)
    slugs_by_id = dict(Article.objects.filter(pk__in=ids).values_list("pk", "slug"))
    return {
        pk: f"article {slugs_by_id[pk]!r}" if pk in slugs_by_id else f"deleted article {pk}"
        for pk in sorted(ids)
    }


def _chain_ids(chain: str) -> set[int]:
    """Every object id with a link or a chained row in this chain family."""
    model = entry_model(chain)
    key = "article_id" if chain == ARTICLE_CHAIN else "object_id"
    links = model._default_manager.all()
    if chain != ARTICLE_CHAIN:
        links = links.filter(chain=chain)
    ids = set(links.values_list(key, flat=True).distinct())
    for table in _tables(chain):
        ids |= set(table.model._default_manager.values_list(table.key, flat=True).distinct())
    ids.discard(None)
    return ids


def chain_object_ids(chain: str) -> dict[int, str]:
    """{object id: label} of one chain family (articles: with their slugs)."""
    if chain == ARTICLE_CHAIN:
        return audit_article_ids()
    model = _tables(chain)[0].model
    instance = getattr(model, "instance_type", model)
    name = instance._meta.verbose_name
    return {pk: f"{name} {pk}" for pk in sorted(_chain_ids(chain))}


def _tables(chain: str) -> list[Chained]:
    return [t for t in chained_tables().values() if t.chain == chain]


def _when(table: Chained) -> str:
    fields = {f.attname for f in table.model._meta.concrete_fields}
    return "history_date" if "history_date" in fields else "signed_at"


def _rows(table: Chained, keys: list[int]) -> Iterator[dict]:
    rows = table.model._default_manager.filter(**{f"{table.key}__in": keys})
    if is_chained_in_database(connection):
        # The same SQL expression the chain trigger hashed (editorial.audit.pg), over the row:
        # only that text, not the columns (decoding them cost most of the time at 100,000
        # articles); a link the Python path wrote re-reads its row (_matches).
        name = connection.ops.quote_name(table.model._meta.db_table)
        text = RawSQL(f"{ROW_TEXT}(%s, {name})", [table.label])
        return (
            rows.annotate(**{ROW_TEXT_KEY: text})
            .values(table.row_id, table.key, _when(table), ROW_TEXT_KEY)
            .iterator(chunk_size=2000)
        )
    return rows.values().iterator(chunk_size=2000)


def _matches(entry: Any, values: dict) -> bool:
    text = values.pop(ROW_TEXT_KEY, None)
    if text is not None:
        digest = hashlib.sha256(f"{entry.prev_hash}|{text}".encode()).hexdigest()
        if digest == entry.entry_hash:
            return True
        table = chained_tables()[entry.model_label]
        values = table.model._default_manager.filter(pk=values[table.row_id]).values().get()
    # Links appended by the Python path: SQLite, or PostgreSQL before migration editorial 0023.
    return entry_hash(entry.prev_hash, entry.model_label, values) == entry.entry_hash


def _batch(chain: str, labels: dict[int, str], anchors: AnchorIndex | None) -> list[ArticleCheck]:
    keys = list(labels)
    key = "article_id" if chain == ARTICLE_CHAIN else "object_id"
    rows: dict[int, dict[str, dict[int, dict]]] = defaultdict(lambda: defaultdict(dict))
    for table in _tables(chain):
        for values in _rows(table, keys):
            rows[values[table.key]][table.label][values[table.row_id]] = values
    entries: dict[int, list] = defaultdict(list)
    links = entry_model(chain)._default_manager.filter(
        **{f"{key}__in": keys}, **({} if chain == ARTICLE_CHAIN else {"chain": chain})
    )
    for entry in links.order_by(key, "sequence").iterator(chunk_size=2000):
        entries[getattr(entry, key)].append(entry)
    checks = []
    for object_id, label in labels.items():
        check = ArticleCheck(article_id=object_id, article=label, chain=chain)
        hashes: dict[int, tuple[str, Any]] = {}
        chain_rows = rows.pop(object_id, {})
        check.first_break = _first_break(check, entries.pop(object_id, []), chain_rows, hashes)
        anchored = anchors.anchored(chain, object_id) if anchors else []
        if check.first_break is None and anchored:
            check.first_break = _anchor_break(check, anchored, hashes)
        checks.append(check)
    return checks


def _first_break(
    check: ArticleCheck, entries: list, rows: dict, hashes: dict[int, tuple[str, Any]]
) -> AuditBreak | None:
    """Walk the links in order; `hashes` collects {sequence: (hash, entry)} of the sound ones."""
    prev, expected = "", 1
    for entry in entries:
        check.entries += 1

        def broken(problem: str, entry: Any = entry) -> AuditBreak:
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
        hashes[entry.sequence] = (entry.entry_hash, entry)
        prev, expected = entry.entry_hash, expected + 1
    leftovers = [
        (str(values.get("history_date") or values.get("signed_at")), model_label, history_id)
        for model_label, by_id in rows.items()
        for history_id, values in by_id.items()
    ]
    if leftovers:
        _, model_label, history_id = min(leftovers)
        return AuditBreak(check.article_id, check.article, model_label, history_id, None, UNCHAINED)
    return None


def _anchor_break(check: ArticleCheck, anchored: list, hashes: dict) -> AuditBreak | None:
    """The first anchored head this (internally consistent) chain contradicts. Anchors hold
    heads, not every link: the rewrite lies after the last anchored head that still matches,
    at or before this one; the message gives that range."""
    matched = 0
    for sequence, digest, anchor_id in anchored:
        found = hashes.get(sequence)
        if found is None:
            last = max(hashes, default=0)
            return AuditBreak(
                check.article_id,
                check.article,
                "",
                0,
                sequence,
                f"entries missing: the chain ends at #{last} but anchor {anchor_id} holds"
                f" #{sequence} ({digest[:16]}…)",
            )
        stored, entry = found
        if stored != digest:
            return AuditBreak(
                check.article_id,
                check.article,
                entry.model_label,
                entry.history_id,
                sequence,
                f"contradicts anchor {anchor_id}: the chain was rewritten in entries"
                f" #{matched + 1} to #{sequence} (anchored hash {digest[:16]}…, recomputed"
                f" {stored[:16]}…)",
            )
        matched = sequence
    return None


def audit_verify_article(article_id: int, label: str) -> ArticleCheck:
    """Recompute one article's chain (1 + one query per chained history model)."""
    return _batch(ARTICLE_CHAIN, {article_id: label}, None)[0]


def audit_verify_chains(
    *,
    slugs: Iterable[str] | None = None,
    anchors: AnchorIndex | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> Iterator[ArticleCheck]:
    """Every chain (or the given articles'), batch by batch; compared with `anchors` if given.

    Chains the anchors hold but the database lost entirely come last, as broken checks."""
    families = [ARTICLE_CHAIN] if slugs else chains()
    for chain in families:
        labels = audit_article_ids(slugs) if chain == ARTICLE_CHAIN else chain_object_ids(chain)
        ids = list(labels)
        for start in range(0, len(ids), BATCH):
            part = {i: labels[i] for i in ids[start : start + BATCH]}
            yield from _batch(chain, part, anchors)
            if progress:
                progress(chain, min(start + BATCH, len(ids)), len(ids))
        if anchors is not None and not slugs:
            yield from _lost_chains(chain, set(labels), anchors)


def _lost_chains(chain: str, present: set[int], anchors: AnchorIndex) -> Iterator[ArticleCheck]:
    for (anchored_chain, object_id), points in sorted(anchors.points.items()):
        if anchored_chain != chain or object_id in present:
            continue
        sequence, digest, anchor_id = points[-1]
        check = ArticleCheck(object_id, f"{chain} {object_id}", chain=chain)
        check.first_break = AuditBreak(
            object_id,
            check.article,
            "",
            0,
            sequence,
            f"chain missing: anchor {anchor_id} holds #{sequence} ({digest[:16]}…), the"
            " database has no entry",
        )
        yield check


def audit_verify(
    slugs: Iterable[str] | None = None, *, anchors: AnchorIndex | None = None
) -> AuditReport:
    """Verify the chains of the given articles (or all chains); ValidationError for unknown
    slugs. Holds every check in memory: the command streams instead."""
    return AuditReport(checks=list(audit_verify_chains(slugs=slugs, anchors=anchors)))
