"""Recompute the hash chains and name the first broken entry; optionally against the anchors.

Chains are verified in batches of BATCH objects: one query for the batch's links and one per
chained table for its rows, so memory holds one batch whatever the number of chains (100,000
articles: a few hundred queries, bounded memory) and the query count never grows with rows.
With an AnchorIndex (editorial.audit.anchor_reader), each chain's links are also compared with
what the anchors hold (editorial.audit.verify_anchors): a chain recomputed after tampering
verifies on its own, but its first changed entry no longer has its anchored fingerprint.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models.expressions import RawSQL

from articles.models import Article
from editorial.audit.anchor_reader import AnchorIndex
from editorial.audit.chain import (
    ARTICLE_CHAIN,
    Chained,
    chained_tables,
    chains,
    entry_hash,
    entry_model,
)
from editorial.audit.findings import ArticleCheck, AuditBreak, AuditReport, Sound, break_at
from editorial.audit.pg import is_chained_in_database
from editorial.audit.row_text import verify_text_sql
from editorial.audit.verify_anchors import anchor_break, earliest_break, lost_chains
from editorial.models import LinkFormat

BATCH = 500
# The database's canonical text of a row (PostgreSQL), fetched with the row's values.
ROW_TEXT_KEY = "imprimatur_audit_row_text"

CONTENT_CHANGED = "content changed: the history row no longer matches its hash"
ROW_MISSING = "history row missing: deleted, or moved to another article"
LINK_BROKEN = "link broken: prev_hash is not the previous entry's hash"
UNCHAINED = "history row has no chain entry: written outside the application"
UNKNOWN_FORMAT = "link format {} is none this application writes"


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
    name = apps.get_model(chain)._meta.verbose_name
    return {pk: f"{name} {pk}" for pk in sorted(_chain_ids(chain))}


def _tables(chain: str) -> list[Chained]:
    return [t for t in chained_tables().values() if t.chain == chain]


def _when(table: Chained) -> str:
    fields = {f.attname for f in table.model._meta.concrete_fields}
    return "history_date" if "history_date" in fields else "signed_at"


def _rows(table: Chained, keys: list[int]) -> Iterator[dict]:
    rows = table.model._default_manager.filter(**{f"{table.key}__in": keys})
    if is_chained_in_database(connection):
        # The same SQL expression the chain trigger hashed (editorial.audit.row_text, in the
        # format its link records), over the row: only that text, not the columns (decoding
        # them cost most of the time at 100,000 articles); a link the Python path wrote
        # re-reads its row (_matches).
        qn = connection.ops.quote_name
        name = qn(table.model._meta.db_table)
        sql = verify_text_sql(qn(table.entries._meta.db_table), name, qn(table.row_id))
        text = RawSQL(sql, [table.label] * 3)
        return (
            rows.annotate(**{ROW_TEXT_KEY: text})
            .values(table.row_id, table.key, _when(table), ROW_TEXT_KEY)
            .iterator(chunk_size=2000)
        )
    return rows.values().iterator(chunk_size=2000)


def _matches(entry: Any, values: dict) -> bool:
    text = values.pop(ROW_TEXT_KEY, None)
    if entry.link_format == LinkFormat.ROW_TEXT:
        # the database's row text alone: a link is never accepted under another format's
        # text, so changing the recorded format breaks the link like changing the row does
        return text is not None and _digest(entry.prev_hash, text) == entry.entry_hash
    if text is not None:
        if _digest(entry.prev_hash, text) == entry.entry_hash:
            return True
        table = chained_tables()[entry.model_label]
        values = table.model._default_manager.filter(pk=values[table.row_id]).values().get()
    # Links appended by the Python path: SQLite, or PostgreSQL before migration editorial 0023.
    return entry_hash(entry.prev_hash, entry.model_label, values) == entry.entry_hash


def _digest(prev_hash: str, text: str) -> str:
    return hashlib.sha256(f"{prev_hash}|{text}".encode()).hexdigest()


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
        sound: list[Sound] = []
        internal = _first_break(check, entries.pop(object_id, []), rows.pop(object_id, {}), sound)
        spans = anchors.anchored(chain, object_id) if anchors else []
        whole = internal is None or internal.sequence is None
        hit = anchor_break(check, spans, sound, anchors, whole=whole) if anchors and spans else None
        check.first_break = earliest_break(internal, hit, anchors, check)
        checks.append(check)
    return checks


def _timestamp(values: dict | None) -> str:
    """When the row was written (history_date; a signature's signed_at), ISO 8601."""
    values = values or {}
    value: Any = values.get("history_date") or values.get("signed_at")
    return value.isoformat() if hasattr(value, "isoformat") else str(value or "")


def _first_break(
    check: ArticleCheck, entries: list, rows: dict, sound: list[Sound]
) -> AuditBreak | None:
    """Walk the links in order; `sound` collects the links before the first break."""
    prev, expected = "", 1
    for entry in entries:
        check.entries += 1
        values = rows.get(entry.model_label, {}).pop(entry.history_id, None)
        when = _timestamp(values)
        if entry.sequence != expected:
            problem = f"missing entry: sequence {expected} is absent before this one"
            return break_at(check, entry, when, problem)
        if entry.prev_hash != prev:
            return break_at(check, entry, when, LINK_BROKEN)
        if values is None:
            return break_at(check, entry, when, ROW_MISSING)
        if entry.link_format not in LinkFormat.values:
            return break_at(check, entry, when, UNKNOWN_FORMAT.format(entry.link_format))
        if not _matches(entry, values):
            return break_at(check, entry, when, CONTENT_CHANGED)
        sound.append(Sound(entry, when))
        prev, expected = entry.entry_hash, expected + 1
    leftovers = [
        (_timestamp(values), model_label, history_id)
        for model_label, by_id in rows.items()
        for history_id, values in by_id.items()
    ]
    if leftovers:
        when, model_label, history_id = min(leftovers)
        return AuditBreak(
            check.article_id, check.article, model_label, history_id, None, UNCHAINED, when
        )
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
            yield from lost_chains(chain, set(labels), anchors)


def audit_verify(
    slugs: Iterable[str] | None = None, *, anchors: AnchorIndex | None = None
) -> AuditReport:
    """Verify the chains of the given articles (or all chains); ValidationError for unknown
    slugs. Holds every check in memory: the command streams instead."""
    return AuditReport(checks=list(audit_verify_chains(slugs=slugs, anchors=anchors)))
