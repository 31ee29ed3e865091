"""The per-article hash chain over simple-history rows (21 CFR 11.10(e): tamper-evident trail).

Every history row that concerns an article (the article's own rows, and the rows of any
history model with an `article` field: sections, citations, assignments, staleness flags...)
gets one AuditEntry: entry_hash = SHA-256(prev_hash | canonical text of the row). Changing,
removing or inserting a history row afterwards breaks the chain; `verify_audit` finds it. The
text is in the link's format (editorial.audit.row_text): the Python path below writes format 1,
`canonical()`'s sorted-key JSON; PostgreSQL's triggers format 2, the row's composite text.

Writers: on PostgreSQL, a trigger appends each link inside the database, in the inserting
statement (editorial.audit.pg: no round trip); the functions below then find every row
already chained. On SQLite (the embedded mode), `editorial.audit.signals` appends on
simple-history's per-row signal; bulk writers
(`bulk_history_create`, `bulk_create_with_history`) are covered by the same module, and may
also call `audit_append_bulk(rows)` themselves: it is idempotent.

Evidence that belongs to no article (issue 15) is chained the same way, per object, in
ObjectAuditEntry: a source with its versions, a board member with their disclosures, a
specialty, a signature, an API client with its keys and webhook subscriptions, a webhook
delivery (OBJECT_CHAINS). Reader feedback concerns an article: its history joins the article's
chain. Per-article plus per-object chains rather than one
global chain: a writer locks only the chains it appends to (a global chain would serialise
every write of the application on one lock), and an inspector reads one article's or one
member's trail without the rest. What a global chain gives for free, a single head to
anchor, the anchors give instead: every chain head, checkpointed (editorial.audit.anchors).
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import cache
from typing import Any, cast
from uuid import UUID

from django.apps import apps
from django.db import connection, models, transaction
from django.db.models import Exists, Max, OuterRef, Subquery
from simple_history.models import HistoricalChanges

from editorial.audit import locks
from editorial.models import AnchorReceipt, AuditEntry, ObjectAuditEntry

# Batches keep IN lists well under SQLite's variable limit on big bulk writes.
BATCH = 500


@cache
def history_models() -> tuple[type[models.Model], ...]:
    """Every simple-history model installed (Historical*), in a stable order."""
    found = [m for m in apps.get_models() if issubclass(m, HistoricalChanges)]
    return tuple(sorted(found, key=lambda m: m._meta.label_lower))


def article_column(history_model: type[models.Model]) -> str | None:
    """The column holding the article id of a history row, or None if it concerns no article."""
    instance_type = getattr(history_model, "instance_type", None)
    if instance_type is not None and instance_type._meta.label_lower == "articles.article":
        return instance_type._meta.pk.attname
    try:
        field = history_model._meta.get_field("article")
    except Exception:
        return None
    return getattr(field, "attname", None)


@cache
def chained_models() -> dict[str, tuple[type[models.Model], str]]:
    """{model label: (history model, article column)} for every history model we chain."""
    return {
        m._meta.label_lower: (m, column)
        for m in history_models()
        if (column := article_column(m)) is not None
    }


ARTICLE_CHAIN = "articles.article"
# {chained model: (the object chain it joins, the column holding that object's id)}
OBJECT_CHAINS = {
    "articles.historicalsource": ("articles.source", "id"),
    "articles.historicalsourceversion": ("articles.source", "source_id"),
    "reviewers.historicalspecialty": ("reviewers.specialty", "id"),
    "reviewers.historicalboardmember": ("reviewers.boardmember", "id"),
    "reviewers.historicaldisclosure": ("reviewers.boardmember", "member_id"),
    # the live row itself: a signature is written once and never changed (no history model)
    "reviewers.signature": ("reviewers.reviewassignment", "assignment_id"),
    # the API's evidence (editorial/models/api.py): a client's trail holds its keys and
    # subscriptions; a delivery chains alone (a chain per subscription would make every
    # workflow write that owes a webhook wait on one lock)
    "editorial.historicalapiclient": ("editorial.apiclient", "id"),
    "editorial.historicalapikey": ("editorial.apiclient", "client_id"),
    "editorial.historicalwebhooksubscription": ("editorial.apiclient", "client_id"),
    "editorial.historicalwebhookdelivery": ("editorial.webhookdelivery", "id"),
}


@dataclass(frozen=True)
class Chained:
    """A table whose rows are chained: into which chain, by which column, under which id."""

    model: type[models.Model]
    label: str
    chain: str  # ARTICLE_CHAIN, or the object chain's label
    key: str  # the column holding the chain's object (article) id
    row_id: str  # the row's primary key column (history_id for history rows)

    @property
    def entries(self) -> type[models.Model]:
        return AuditEntry if self.chain == ARTICLE_CHAIN else ObjectAuditEntry


@cache
def chained_tables() -> dict[str, Chained]:
    """{model label: Chained} for every chained table, article chains first."""
    found = {
        label: Chained(model, label, ARTICLE_CHAIN, column, model._meta.pk.attname)
        for label, (model, column) in chained_models().items()
    }
    for label, (chain, key) in OBJECT_CHAINS.items():
        model = apps.get_model(label)
        found[label] = Chained(model, label, chain, key, model._meta.pk.attname)
    # any other history model (one a later issue adds: feedback, API records...) is evidence
    # too: its own chain per object, keyed by the object's id, until it is given a better one
    for model in history_models():
        label = model._meta.label_lower
        if label not in found:
            instance = cast(Any, model).instance_type
            chain = instance._meta.label_lower
            found[label] = Chained(model, label, chain, instance._meta.pk.attname, "history_id")
    return found


def chains() -> list[str]:
    """Every chain family: the article chains, then each object chain."""
    objects = {t.chain for t in chained_tables().values() if t.chain != ARTICLE_CHAIN}
    return [ARTICLE_CHAIN, *sorted(objects)]


def entry_filter(chain: str, key: Any) -> dict[str, Any]:
    """The filter selecting one chain's entries (key: an id, or `__in` a list via suffix)."""
    if chain == ARTICLE_CHAIN:
        return {"article_id": key}
    return {"chain": chain, "object_id": key}


def entry_model(chain: str) -> type[models.Model]:
    return AuditEntry if chain == ARTICLE_CHAIN else ObjectAuditEntry


def evidence_tables() -> list[str]:
    """Every append-only table: history tables, chained live rows, both chain tables, the
    anchors' receipts."""
    tables = {m._meta.db_table for m in history_models()}
    tables |= {t.model._meta.db_table for t in chained_tables().values()}
    chain_tables = {AuditEntry._meta.db_table, ObjectAuditEntry._meta.db_table}
    return sorted(tables | chain_tables | {AnchorReceipt._meta.db_table})


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat() if value.tzinfo else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal | UUID):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return bytes(value).hex()
    raise TypeError(f"cannot hash {type(value).__name__}")


def canonical(label: str, values: dict[str, Any]) -> str:
    """The hashed text of one history row: sorted-key JSON of every column (who, when, why)."""
    return json.dumps(
        {"model": label, "row": values},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        default=_plain,
    )


def entry_hash(prev_hash: str, label: str, values: dict[str, Any]) -> str:
    """SHA-256 over the previous link's hash and this row's canonical JSON."""
    text = prev_hash + "|" + canonical(label, values)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def row_values(history_model: type[models.Model], **filters: Any) -> Iterator[dict[str, Any]]:
    """History rows as `.values()` dicts: the one representation both writer and verifier hash."""
    return history_model._default_manager.filter(**filters).values().iterator(chunk_size=2000)


def _lock_chains(article_ids: list[int], chain: str = ARTICLE_CHAIN) -> None:
    # Serialise appenders per article so two writers cannot both take sequence n+1 from the
    # same tail. An advisory lock, not the article row: a deleted draft still gets its last
    # rows chained. The same locks as the chain trigger (editorial.audit.pg): the chains'
    # shared lock, then one per article in ascending order, or the chains' lock alone,
    # exclusive, for many articles (unless the shared one is held already). SQLite serialises
    # writers anyway.
    if connection.vendor != "postgresql" or not article_ids:
        return
    with connection.cursor() as cursor:
        if len(set(article_ids)) > locks.LOCK_MANY:
            # never upgrade a shared lock this transaction holds: two such would deadlock
            cursor.execute(f"SELECT {locks.HOLDS_SHARED_SQL}")
            if not cursor.fetchone()[0]:
                cursor.execute(f"SELECT pg_advisory_xact_lock({locks.LOCK_ALL_SQL})")
                return
        cursor.execute(f"SELECT pg_advisory_xact_lock_shared({locks.LOCK_ALL_SQL})")
        lock = locks.LOCK_SQL if chain == ARTICLE_CHAIN else locks.object_lock_sql("%s")
        cursor.execute(
            f"SELECT pg_advisory_xact_lock({lock.format(id='id')})"
            " FROM unnest(%s::bigint[]) AS id ORDER BY id",
            ([] if chain == ARTICLE_CHAIN else [chain]) + [sorted(set(article_ids))],
        )


def _tails(article_ids: list[int], chain: str = ARTICLE_CHAIN) -> dict[int, tuple[int, str]]:
    """{article (object) id: (last sequence, last hash)} in one query."""
    model: Any = entry_model(chain)
    key = "article_id" if chain == ARTICLE_CHAIN else "object_id"
    last = (
        model._default_manager.filter(**entry_filter(chain, OuterRef(key)))
        .values(key)
        .annotate(m=Max("sequence"))
        .values("m")
    )
    rows = model._default_manager.filter(
        **{f"{key}__in": article_ids}, **({} if chain == ARTICLE_CHAIN else {"chain": chain})
    ).filter(sequence=Subquery(last))
    return {getattr(r, key): (r.sequence, r.entry_hash) for r in rows}


def audit_append_bulk(history_rows: Iterable[models.Model], *, fresh: bool = False) -> int:
    """Chain history rows (any models, any articles) in one transaction; returns links added.

    Idempotent: rows already chained are skipped, rows that concern no article are ignored.
    Call it after writing history rows in bulk (bulk_create on a history model sends no
    signal). Queries: a few per batch of articles plus one per history model, not per row.
    """
    wanted: dict[str, set[int]] = defaultdict(set)
    for row in history_rows:
        label = row._meta.label_lower
        if label in chained_tables() and row.pk is not None:
            wanted[label].add(row.pk)
    if not wanted:
        return 0
    added = 0
    # No savepoint: inside a caller's transaction, a failed append must fail the history
    # write with it (a history row never commits without its link).
    with transaction.atomic(savepoint=False):
        for label, ids in wanted.items():
            id_list = sorted(ids)
            for start in range(0, len(id_list), BATCH):
                added += _append_model_rows(label, id_list[start : start + BATCH], fresh)
    return added


def _append_model_rows(label: str, history_ids: list[int], fresh: bool) -> int:
    table = chained_tables()[label]
    model, column, chain = table.model, table.key, table.chain
    entries_model = table.entries
    done = set()
    if not fresh:  # a row just written by simple-history cannot be chained yet
        done = set(
            entries_model._default_manager.filter(
                model_label=label, history_id__in=history_ids
            ).values_list("history_id", flat=True)
        )
    todo = [i for i in history_ids if i not in done]
    if not todo:
        return 0
    rows = sorted(
        row_values(model, **{f"{table.row_id}__in": todo}),
        key=lambda v: (v.get("history_date") or v.get("signed_at"), v[table.row_id]),
    )
    by_key: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for values in rows:
        if values[column] is not None:
            by_key[values[column]].append(values)
    keys = sorted(by_key)
    _lock_chains(keys, chain)
    tails = _tails(keys, chain)
    entries = []
    for key in keys:
        sequence, prev = tails.get(key, (0, ""))
        for values in by_key[key]:
            sequence += 1
            digest = entry_hash(prev, label, values)
            where = (
                {"article_id": key}
                if chain == ARTICLE_CHAIN
                else {"chain": chain, "object_id": key}
            )
            entries.append(
                entries_model(
                    **where,
                    sequence=sequence,
                    model_label=label,
                    history_id=values[table.row_id],
                    prev_hash=prev,
                    entry_hash=digest,
                )
            )
            prev = digest
    entries_model._default_manager.bulk_create(entries)
    return len(entries)


def audit_append_since(since: datetime) -> int:
    """Chain the history rows written by raw SQL at or after `since` that have no link yet.

    For set-based writers (the staleness sweep INSERTs history rows with SQL): call it in the
    same transaction, after the INSERTs. One query per chained history model, then the
    batched append. Idempotent.
    """
    rows: list[models.Model] = []
    for label, table in chained_tables().items():
        if table.row_id != "history_id":
            continue  # live rows (signatures) are never written by raw SQL
        linked = table.entries._default_manager.filter(
            model_label=label, history_id=OuterRef("history_id")
        )
        rows += list(
            table.model._default_manager.filter(history_date__gte=since)
            .exclude(Exists(linked))
            .only("history_id")
        )
    return audit_append_bulk(rows)


def audit_append(history_row: models.Model) -> int:
    """Chain one history row (the per-row signal path); returns links added (0 or 1)."""
    return audit_append_bulk([history_row], fresh=True)
