"""The set-based staleness sweep: approved articles -> stale, with a flag and audit rows each.

This is the one sanctioned bulk path around the state machine. Every other transition goes
through editorial.workflow one article at a time (lock, check, transition, save with history).
Here one changed source may concern thousands of approved articles, so loading and saving each
would take minutes and hold every article in memory. Instead four statements run inside the
caller's transaction, the database doing the work (INSERT ... SELECT, nothing streamed through
Python):

1. UPDATE the articles: `status = 'approved'` stays in the WHERE clause because the UPDATE
   bypasses the FSM — the guard is the FSM's `flag_stale` source state, re-checked by the
   database row by row (a concurrent transition either commits first and the row no longer
   matches, or waits for our row lock). The moved rows get `updated_at = <this sweep's now>`,
   which is how the next statements find exactly them.
2. INSERT the articles' history rows (simple-history's table; QuerySet.update writes none),
   with the user and the reason, history_type "~" as a save would.
3. INSERT one StalenessFlag per moved article (a source change also flags the articles already
   stale, without moving them).
4. INSERT the flags' history rows ("+").

Portable SQL (PostgreSQL and SQLite); table and column names come from the models' _meta, so a
field added to Article later is copied into its history row too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import connection

from articles.models import Article, Citation, Status
from editorial.models import StalenessFlag
from editorial.roles import AnyUser

HISTORY_FIELDS = ("history_id", "history_date", "history_change_reason", "history_type")
HISTORY_USER = "history_user_id"
REASON_LENGTH = 100  # simple-history's history_change_reason


@dataclass(frozen=True)
class Scope:
    """Which approved articles a sweep concerns: a SQL condition on the article table (named
    `{a}` in the text) with its parameters."""

    sql: str
    params: tuple

    @classmethod
    def citing(cls, source_id: int) -> Scope:
        # the citation_source_article index (source, article) answers this subquery
        table = Citation._meta.db_table
        return cls(
            f"{{a}}.id IN (SELECT article_id FROM {table} WHERE source_id = %s)", (source_id,)
        )

    @classmethod
    def review_due(cls, today_value) -> Scope:
        return cls("{a}.next_review_due <= %s", (today_value,))


@dataclass(frozen=True)
class FlagSpec:
    """What the flags say. `to_version_sql` is a SQL expression over `a` (a parameter by
    default) so the periodic-review flag can name each article's due date."""

    source_id: int | None
    from_version: str
    to_version: str
    reason: str
    history_reason: str
    to_version_sql: str = "%s"


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _columns(model, *, history: bool = False) -> list[str]:
    names = [f.column for f in model._meta.concrete_fields]
    if history:
        names = [n for n in names if n not in HISTORY_FIELDS and n != HISTORY_USER]
    return names


def _no_flag_yet(spec: FlagSpec) -> tuple[str, tuple]:
    """Articles already flagged for this source version are left alone (the unique
    constraint (article, source, to_version) would refuse a second flag)."""
    if spec.source_id is None:
        return "", ()
    table = StalenessFlag._meta.db_table
    return (
        f" AND NOT EXISTS (SELECT 1 FROM {table} f WHERE f.article_id = {{a}}.id"
        " AND f.source_id = %s AND f.to_version = %s)",
        (spec.source_id, spec.to_version),
    )


def sweep(*, scope: Scope, spec: FlagSpec, actor: AnyUser, now: datetime) -> int:
    """Move the scoped approved articles to stale with a flag and history rows (4 statements);
    the caller holds the transaction. Returns how many flags were written."""
    ops = connection.ops
    now_value = ops.adapt_datetimefield_value(now)
    user_id = actor.pk if actor is not None and actor.is_authenticated else None
    article_table = _q(Article._meta.db_table)
    no_flag_sql, no_flag_params = _no_flag_yet(spec)
    # The rows this sweep moved: stale, stamped with this sweep's `now`, in scope.
    moved = "a.status = %s AND a.updated_at = %s AND " + scope.sql.format(a="a")
    moved_params = (Status.STALE, now_value, *scope.params)
    # The status guard is on the updated row itself (not in a subquery), so PostgreSQL
    # re-checks it against a row a concurrent transaction changed before we locked it.
    where = f"{article_table}.status = %s AND {scope.sql}{no_flag_sql}".format(a=article_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {article_table} SET status = %s, updated_at = %s WHERE {where}",
            (Status.STALE, now_value, Status.APPROVED, *scope.params, *no_flag_params),
        )
        if cursor.rowcount:
            _insert_article_history(cursor, moved, moved_params, spec, user_id, now_value)
        if spec.source_id is None:
            flag_where, flag_params = moved, moved_params
        else:
            # A source change also flags articles that are already stale (for another source
            # or their periodic review), without moving them: whoever resolves the article
            # must see every source that changed under it.
            flag_where = "a.status = %s AND " + (scope.sql + no_flag_sql).format(a="a")
            flag_params = (Status.STALE, *scope.params, *no_flag_params)
        _insert_flags(cursor, flag_where, flag_params, spec, now_value)
        flagged = cursor.rowcount
        if flagged:
            _insert_flag_history(cursor, spec, user_id, now_value)
    return flagged


def _insert_article_history(cursor, moved, moved_params, spec, user_id, now_value) -> None:
    history = Article.history.model
    columns = _columns(history, history=True)
    names = ", ".join(_q(c) for c in columns)
    selected = ", ".join(f"a.{_q(c)}" for c in columns)
    cursor.execute(
        f"INSERT INTO {_q(history._meta.db_table)} ({names}, history_date,"
        f" history_change_reason, history_type, {HISTORY_USER})"
        f" SELECT {selected}, %s, %s, '~', %s FROM {_q(Article._meta.db_table)} a"
        f" WHERE {moved}",
        (now_value, spec.history_reason[:REASON_LENGTH], user_id, *moved_params),
    )


def _insert_flags(cursor, where, where_params, spec, now_value) -> None:
    cursor.execute(
        f"INSERT INTO {_q(StalenessFlag._meta.db_table)} (article_id, source_id, from_version,"
        " to_version, reason, detected_at, resolution, resolution_note)"
        f" SELECT a.id, %s, %s, {spec.to_version_sql}, %s, %s, '', ''"
        f" FROM {_q(Article._meta.db_table)} a WHERE {where}",
        (
            spec.source_id,
            spec.from_version,
            *((spec.to_version,) if spec.to_version_sql == "%s" else ()),
            spec.reason,
            now_value,
            *where_params,
        ),
    )


def _insert_flag_history(cursor, spec, user_id, now_value) -> None:
    history = StalenessFlag.history.model
    columns = _columns(history, history=True)
    names = ", ".join(_q(c) for c in columns)
    selected = ", ".join(f"f.{_q(c)}" for c in columns)
    if spec.source_id is None:
        which, params = "f.source_id IS NULL AND f.detected_at = %s", (now_value,)
    else:
        which = "f.source_id = %s AND f.to_version = %s AND f.detected_at = %s"
        params = (spec.source_id, spec.to_version, now_value)
    cursor.execute(
        f"INSERT INTO {_q(history._meta.db_table)} ({names}, history_date,"
        f" history_change_reason, history_type, {HISTORY_USER})"
        f" SELECT {selected}, %s, %s, '+', %s FROM {_q(StalenessFlag._meta.db_table)} f"
        f" WHERE {which}",
        (now_value, spec.history_reason[:REASON_LENGTH], user_id, *params),
    )
