"""The set-based staleness sweep: approved articles -> stale, with a flag and audit rows each.

This is the one sanctioned bulk path around the state machine. Every other transition goes
through editorial.workflow one article at a time (lock, check, transition, save with history).
Here one changed source may concern thousands of approved articles: loading and saving each
would take minutes and hold them all in memory. Instead the database does the work inside the
caller's transaction (INSERT ... SELECT; no article passes through Python):

1. UPDATE the articles. `status = 'approved'` stays in the UPDATE's own WHERE clause because
   the UPDATE bypasses the FSM: it is the FSM's `flag_stale` source state, re-checked by
   PostgreSQL on the newest row version (a concurrent transition either commits first and the
   row no longer matches, or waits for our row lock).
2. INSERT the moved articles' history rows (QuerySet.update writes none) with the user and the
   reason, history_type "~" as a save would.
3. INSERT one StalenessFlag per moved article. A source change also flags the articles already
   stale (for another source or their periodic review), without moving them: whoever resolves
   the article must see every source that changed under it.
4. INSERT the flags' history rows ("+").

On PostgreSQL the four are one statement (data-modifying CTEs: one pass over the moved rows,
no re-scan, no dependence on statistics that do not know yet about the rows just moved), which
also returns the flagged articles, and the chain trigger links the history rows it inserts
(editorial.audit.pg). On SQLite (the embedded mode: small data) they are four statements; the
rows just moved are found again by `updated_at = <this sweep's now>`, and the history rows are
chained from Python. Table and column names come from the models' _meta, so a field added to
Article later is copied into its history row too.

The flagged articles come back as FlaggedArticle records, not model instances: callers count
them or name them, and building 10,000 Article instances (state machine set-up included) cost
more than the flags themselves.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db import connection

from articles.models import Article, Citation, Status
from editorial.access.roles import AnyUser
from editorial.audit.chain import audit_append_since
from editorial.audit.pg import is_chained_in_database
from editorial.models import StalenessFlag

HISTORY_FIELDS = ("history_id", "history_date", "history_change_reason", "history_type")
HISTORY_USER = "history_user_id"
FLAG_COLUMNS = (
    "article_id, source_id, from_version, to_version, reason, detected_at,"
    " resolution, resolution_note, kind, detail"
)


@dataclass(frozen=True, slots=True)
class FlaggedArticle:
    """An article a sweep flagged (moved to stale, or already stale and given a flag)."""

    pk: int
    slug: str
    title: str
    author_id: int


FLAGGED_COLUMNS = ("id", "slug", "title", "author_id")  # FlaggedArticle's, in its order
TO_FLAG = (*FLAGGED_COLUMNS, "next_review_due")  # the flag insert reads id, next_review_due


@dataclass(frozen=True)
class Scope:
    """Which articles a sweep concerns: a SQL condition on the article table (named `{a}` in
    the text) with its named parameters."""

    sql: str
    params: dict = field(default_factory=dict)

    @classmethod
    def citing(cls, source_id: int) -> Scope:
        # the citation_source_article index (source, article) answers this subquery
        table = Citation._meta.db_table
        sql = f"{{a}}.id IN (SELECT article_id FROM {table} WHERE source_id = %(source_id)s)"
        return cls(sql, {"source_id": source_id})

    @classmethod
    def review_due(cls, today_value) -> Scope:
        return cls("{a}.next_review_due <= %(today)s", {"today": today_value})


@dataclass(frozen=True)
class FlagSpec:
    """What the flags say. `to_version_sql` is a SQL expression over the flagged article `a`
    (the parameter by default) so the periodic-review flag can name each article's due date."""

    source_id: int | None
    from_version: str
    to_version: str
    reason: str
    history_reason: str
    to_version_sql: str = "%(to_version)s"
    kind: str = "source"


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _history_columns(model) -> list[str]:
    skip = (*HISTORY_FIELDS, HISTORY_USER)
    return [f.column for f in model.history.model._meta.concrete_fields if f.column not in skip]


def _returned(model, also: tuple[str, ...] = ()) -> str:
    """The columns a history row copies (and `also`): what the sweep's CTEs carry, not the
    whole row (an article's search vector and rendered page are not history, and are large)."""
    columns = _history_columns(model)
    return ", ".join(_q(c) for c in [*columns, *(c for c in also if c not in columns)])


def _history_insert(model, source_alias: str, history_type: str) -> str:
    """INSERT INTO <model's history table> SELECT <its columns> FROM <source_alias> ..."""
    columns = _history_columns(model)
    names = ", ".join(_q(c) for c in columns)
    selected = ", ".join(f"{source_alias}.{_q(c)}" for c in columns)
    return (
        f"INSERT INTO {_q(model.history.model._meta.db_table)} ({names}, history_date,"
        f" history_change_reason, history_type, {HISTORY_USER})"
        f" SELECT {selected}, %(now)s, %(history_reason)s, '{history_type}', %(user_id)s"
    )


def _no_flag_yet(spec: FlagSpec) -> str:
    """Articles already flagged for this source version are left alone (the unique
    constraint (article, source, to_version) would refuse a second flag)."""
    if spec.source_id is None:
        return ""
    # NOT IN over one index scan (a hashed subplan), not a correlated NOT EXISTS: right after
    # a bulk load the planner may think the flags table empty and scan it once per article.
    return (
        " AND {a}.id NOT IN (SELECT f.article_id"
        f" FROM {_q(StalenessFlag._meta.db_table)} f"
        " WHERE f.source_id = %(source_id)s AND f.to_version = %(to_version)s)"
    )


def sweep(*, scope: Scope, spec: FlagSpec, actor: AnyUser, now: datetime) -> list[FlaggedArticle]:
    """Move the scoped approved articles to stale with a flag and history rows each; the
    caller holds the transaction. Returns the articles given a flag, by id."""
    params = {
        **scope.params,
        "now": connection.ops.adapt_datetimefield_value(now),
        "user_id": actor.pk if actor is not None and actor.is_authenticated else None,
        "history_reason": spec.history_reason,
        "approved": Status.APPROVED,
        "stale": Status.STALE,
        "source_id": spec.source_id,
        "from_version": spec.from_version,
        "to_version": spec.to_version,
        "reason": spec.reason,
        "kind": spec.kind,
    }
    condition = scope.sql + _no_flag_yet(spec)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The CTE holds the moved rows (about 1 KB each with the approved snapshot): keep
            # 10,000 of them in memory rather than spilling to a temp file (this transaction).
            cursor.execute("SET LOCAL work_mem = '64MB'")
            cursor.execute(_one_statement(condition, spec), params)
        else:
            for statement in _statements(condition, spec):
                cursor.execute(statement, params)
                if statement.startswith("UPDATE") and not cursor.rowcount and not spec.source_id:
                    return []
        flagged = [FlaggedArticle(*row) for row in cursor.fetchall()]
    if not is_chained_in_database(connection):
        # Issue 9: link the history rows inserted above into their articles' audit hash
        # chains. On PostgreSQL the chain trigger linked them in the statement itself.
        audit_append_since(now)
    return flagged


def _update(condition: str) -> str:
    table = _q(Article._meta.db_table)
    where = condition.format(a=table)
    return (
        f"UPDATE {table} SET status = %(stale)s, updated_at = %(now)s"
        f" WHERE {table}.status = %(approved)s AND {where}"
    )


def _already_stale(condition: str) -> str:
    table = _q(Article._meta.db_table)
    return (
        f"SELECT {_to_flag_columns('a')} FROM {table} a"
        f" WHERE a.status = %(stale)s AND {condition.format(a='a')}"
    )


def _flagged_columns(alias: str) -> str:
    return ", ".join(f"{alias}.{_q(c)}" for c in FLAGGED_COLUMNS)


def _to_flag_columns(alias: str) -> str:
    """What the flag insert reads (id, next_review_due) and what the sweep returns."""
    return ", ".join(f"{alias}.{_q(c)}" for c in TO_FLAG)


def _flag_insert(rows_sql: str, spec: FlagSpec) -> str:
    return (
        f"INSERT INTO {_q(StalenessFlag._meta.db_table)} ({FLAG_COLUMNS})"
        f" SELECT a.id, %(source_id)s, %(from_version)s, {spec.to_version_sql}, %(reason)s,"
        f" %(now)s, '', '', %(kind)s, '' FROM {rows_sql} a"
    )


def _one_statement(condition: str, spec: FlagSpec) -> str:
    """PostgreSQL: all four writes in one statement. Every CTE sees the snapshot taken before
    the UPDATE, so the already-stale articles and the moved ones never overlap."""
    to_flag = f"SELECT {_to_flag_columns('moved')} FROM moved"
    if spec.source_id is not None:
        to_flag += f" UNION ALL {_already_stale(condition)}"
    return (
        f"WITH moved AS ({_update(condition)} RETURNING {_returned(Article, TO_FLAG)}),"
        f" article_history AS ({_history_insert(Article, 'moved', '~')} FROM moved),"
        f" to_flag AS ({to_flag}),"
        f" flags AS ({_flag_insert('to_flag', spec)} RETURNING {_returned(StalenessFlag)}),"
        f" flag_history AS ({_history_insert(StalenessFlag, 'flags', '+')} FROM flags)"
        f" SELECT {_flagged_columns('to_flag')} FROM to_flag ORDER BY id"
    )


def _statements(condition: str, spec: FlagSpec) -> list[str]:
    """SQLite: four statements, then the flagged articles; the moved rows are the stale ones
    stamped with this `now`. For a source change every stale article in scope without this
    version's flag (moved or stale before) gets one."""
    table = _q(Article._meta.db_table)
    moved = f"a.status = %(stale)s AND a.updated_at = %(now)s AND {condition.format(a='a')}"
    if spec.source_id is None:
        to_flag = f"SELECT a.id, a.next_review_due FROM {table} a WHERE {moved}"
    else:
        to_flag = _already_stale(condition)
    flag_table = _q(StalenessFlag._meta.db_table)
    if spec.source_id is None:
        new_flags = "f.source_id IS NULL AND f.detected_at = %(now)s"
    else:
        new_flags = "f.source_id = %(source_id)s AND f.detected_at = %(now)s"
    return [
        _update(condition),
        f"{_history_insert(Article, 'a', '~')} FROM {table} a WHERE {moved}",
        _flag_insert(f"({to_flag})", spec),
        f"{_history_insert(StalenessFlag, 'f', '+')} FROM {flag_table} f WHERE {new_flags}",
        f"SELECT {_flagged_columns('a')} FROM {table} a JOIN {flag_table} f"
        f" ON f.article_id = a.id WHERE {new_flags} ORDER BY a.id",
    ]
