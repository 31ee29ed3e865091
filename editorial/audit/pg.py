"""PostgreSQL appends the hash chain itself: an AFTER INSERT trigger on every chained history table.

The application then issues no extra round trip per history row (issue 2's query budget).
Since migration editorial 0024 the trigger runs once per statement (FOR EACH STATEMENT,
`REFERENCING NEW TABLE AS new_rows`) and chains all the statement's rows set-based, so a bulk
writer (the staleness sweep: 20,000 history rows in one statement) costs a few set operations,
not 20,000 trigger calls. Inside the inserting transaction:

1. lock: an advisory xact lock per article (the same lock the Python path takes, so
   concurrent writers cannot fork a chain), taken in ascending article order so two
   statements over overlapping articles cannot deadlock each other. Every writer first takes
   the chains' shared lock; a statement over more than locks.LOCK_MANY articles takes that lock
   exclusively instead of one lock per article (the lock table holds ~10,000 locks at the
   default max_locks_per_transaction: a sweep over 50,000 articles would run out). A
   transaction that already holds the shared lock (an earlier, small statement) never
   upgrades it: two such transactions would deadlock on the upgrade. It takes the per-article
   locks instead (locks.HOLDS_SHARED_SQL).
2. chain (a new statement, so a new snapshot: the links of the writers waited for are
   visible): read each article's tail once (an index probe), hash the new rows and insert
   the AuditEntry rows with one INSERT ... SELECT. Where an article has several new rows they
   are numbered in history_id order and hashed in that order (a recursive CTE: one step per
   row of the same article); one row per article (a save, the sweep) needs no numbering.

entry_hash = SHA-256(prev_hash | the row's canonical text in the link's format), the formats
in editorial.audit.row_text: since migration 0038 the triggers write format 2 (`row::text`),
before it format 1 (`to_jsonb(row)::text`); each link records its format and `verify_audit`
recomputes the text of that format over the stored row. The trigger inlines the expression
under the same pinned settings. Migration 0023's per-row trigger (format 1) stays here for the
reverse migrations.
SQLite (the embedded mode) keeps the Python signal path of `editorial.audit.chain`.

Installed by the migrations and again, idempotently, after every `migrate` (post_migrate), so
history tables that later migrations add are chained too; the variant follows the applied
migrations (0024: per statement; 0023 only: per row; neither: none).
"""

from __future__ import annotations

import re

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.migrations.recorder import MigrationRecorder

from editorial.audit import locks
from editorial.audit.chain import ARTICLE_CHAIN, chained_models, chained_tables
from editorial.audit.row_text import (
    ROW_TEXT,
    ROW_TEXT_SQL,
    ROW_TEXT_V2,
    ROW_TEXT_V2_SQL,
    ROW_TEXTS,
)
from editorial.models import AuditEntry, LinkFormat, ObjectAuditEntry

CHAIN_FUNCTION = "imprimatur_audit_chain"  # migration 0023: per row, generic (TG_ARGV)
STATEMENT_FUNCTION = "imprimatur_audit_chain_by_{column}"  # 0024: per statement, per column
# issue 15: object chains (ObjectAuditEntry), per statement, per (object column, row id column)
OBJECT_FUNCTION = "imprimatur_audit_objchain_by_{column}__{row_id}"
CHAIN_TRIGGER = "imprimatur_audit_chain"
ROW_MIGRATION = "0023_audit_chain_trigger"
STATEMENT_MIGRATION = "0024_audit_chain_per_statement"
ROW_TEXT_MIGRATION = "0038_audit_link_format"  # link format 2 (LinkFormat.ROW_TEXT)

# Migration 0023's trigger, kept for its reverse. TG_ARGV: [0] model label, [1] article id
# column. The AuditEntry table name is filled in.
CHAIN_FUNCTION_SQL = """
CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  art bigint := (to_jsonb(NEW) ->> TG_ARGV[1])::bigint;
  seq bigint;
  prev text;
BEGIN
  IF art IS NULL THEN
    RETURN NULL;
  END IF;
  PERFORM pg_advisory_xact_lock(hashtext('imprimatur.audit'), (art % 2147483647)::int);
  SELECT e.sequence, e.entry_hash INTO seq, prev FROM {table} e
    WHERE e.article_id = art ORDER BY e.sequence DESC LIMIT 1;
  prev := coalesce(prev, '');
  INSERT INTO {table} (article_id, sequence, model_label, history_id, prev_hash, entry_hash,
                       created_at)
  VALUES (art, coalesce(seq, 0) + 1, TG_ARGV[0], NEW.history_id, prev,
          encode(sha256(convert_to(prev || '|' || {row_text}(TG_ARGV[0], NEW), 'UTF8')), 'hex'),
          now());
  RETURN NULL;
END
$$;
"""

# Migration 0024's trigger: one function per article column (`id` on the article's own
# history, `article_id` elsewhere), so the column is static SQL and the plans are cached
# (plpgsql compiles a trigger function once per table). TG_ARGV[0]: the model label.
# enable_seqscan off: the tail lookup must probe the (article_id, sequence) index whatever the
# statistics say; a table that grew since its last ANALYZE would otherwise be scanned once
# per article (what made migration 0023's per-row trigger take ~10 s on the sweep).
STATEMENT_FUNCTION_SQL = """
CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql
SET enable_seqscan TO off {row_text_settings} AS $$
DECLARE
  arts bigint[];
  fresh_rows bigint;
BEGIN
  SELECT array_agg(DISTINCT n.{column} ORDER BY n.{column}), count(*) INTO arts, fresh_rows
    FROM new_rows n WHERE n.{column} IS NOT NULL;
  IF arts IS NULL THEN
    RETURN NULL;
  END IF;
  IF cardinality(arts) > {many} AND NOT {holds_shared} THEN
    PERFORM pg_advisory_xact_lock({lock_all});
  ELSE
    PERFORM pg_advisory_xact_lock_shared({lock_all});
    PERFORM pg_advisory_xact_lock({lock_one}) FROM unnest(arts) AS a(id) ORDER BY a.id;
  END IF;
  -- Each statement below takes a new snapshot: the links of the writers waited for are seen.
  IF fresh_rows = cardinality(arts) THEN
    -- one new row per article (a single save, the staleness sweep): no numbering needed
    INSERT INTO {table} ({chain_cols}{entry_key}, sequence, model_label, history_id, prev_hash,
                         entry_hash{format_col}, created_at)
    SELECT {chain_vals}n.{column}, coalesce(t.sequence, 0) + 1, TG_ARGV[0], n.{row_id},
           coalesce(t.entry_hash, ''),
           {link_first}{format_val}, now()
    FROM new_rows n LEFT JOIN LATERAL ({tail}) t ON true
    WHERE n.{column} IS NOT NULL;
    RETURN NULL;
  END IF;
  -- several rows of one article: chained in history_id order, one recursion step per row
  INSERT INTO {table} ({chain_cols}{entry_key}, sequence, model_label, history_id, prev_hash,
                       entry_hash{format_col}, created_at)
  WITH RECURSIVE fresh AS (
    SELECT n.{column} AS article_id, n.{row_id} AS history_id, {row_text} AS body,
           row_number() OVER (PARTITION BY n.{column} ORDER BY n.{row_id}) AS rn
    FROM new_rows n WHERE n.{column} IS NOT NULL
  ), chain AS (
    SELECT f.article_id, f.rn, coalesce(t.sequence, 0) + 1 AS sequence, f.history_id,
           coalesce(t.entry_hash, '') AS prev_hash, {link_base} AS entry_hash
    FROM fresh f LEFT JOIN LATERAL ({tail_base}) t ON true
    WHERE f.rn = 1
    UNION ALL
    SELECT f.article_id, f.rn, c.sequence + 1, f.history_id, c.entry_hash, {link_step}
    FROM chain c JOIN fresh f ON f.article_id = c.article_id AND f.rn = c.rn + 1
  )
  SELECT {chain_vals}article_id, sequence, TG_ARGV[0], history_id, prev_hash,
         entry_hash{format_val}, now()
  FROM chain;
  RETURN NULL;
END
$$;
"""
# the chain's link: SHA-256 over the previous hash and the row's canonical text
LINK_SQL = "encode(sha256(convert_to({prev} || '|' || {text}, 'UTF8')), 'hex')"
TAIL_SQL = (
    "SELECT e.sequence, e.entry_hash FROM {table} e"
    " WHERE e.{entry_key} = {article}{chain_cond} ORDER BY e.sequence DESC LIMIT 1"
)


def _statement_function(column: str, row_id: str = "history_id", *, objects: bool = False) -> str:
    for name in (column, row_id):
        if not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
            raise ValueError(f"unexpected column {name!r}")
    if objects:
        return OBJECT_FUNCTION.format(column=column, row_id=row_id)
    return STATEMENT_FUNCTION.format(column=column)


def _statement_function_sql(
    column: str,
    table: str,
    quoted_column: str,
    row_id: str = "history_id",
    *,
    objects: bool = False,
    link_format: int = LinkFormat.JSON,
) -> str:
    """An article chain function, or (objects) an object chain's: TG_ARGV[1] is its name.
    Format 1 names no link_format column (the database default: before migration 0038 there
    is no such column)."""
    expression, settings = ROW_TEXTS[LinkFormat(link_format)]
    row_text = "(" + expression.format(label="TG_ARGV[0]", row="n") + ")"
    v2 = link_format == LinkFormat.ROW_TEXT
    entry_key = "object_id" if objects else "article_id"
    chain_cond = " AND e.chain = TG_ARGV[1]" if objects else ""
    tail = {"table": table, "entry_key": entry_key, "chain_cond": chain_cond}
    lock_one = locks.object_lock_sql("TG_ARGV[1]") if objects else locks.LOCK_SQL
    return STATEMENT_FUNCTION_SQL.format(
        function=_statement_function(column, row_id, objects=objects),
        column=quoted_column,
        row_id=row_id,
        entry_key=entry_key,
        chain_cols="chain, " if objects else "",
        chain_vals="TG_ARGV[1], " if objects else "",
        table=table,
        row_text=row_text,
        row_text_settings=settings,
        format_col=", link_format" if v2 else "",
        format_val=f", {int(link_format)}" if v2 else "",
        many=locks.LOCK_MANY,
        lock_all=locks.LOCK_ALL_SQL,
        holds_shared=locks.HOLDS_SHARED_SQL,
        lock_one=lock_one.format(id="a.id"),
        tail=TAIL_SQL.format(article=f"n.{quoted_column}", **tail),
        tail_base=TAIL_SQL.format(article="f.article_id", **tail),
        link_first=LINK_SQL.format(prev="coalesce(t.entry_hash, '')", text=row_text),
        link_base=LINK_SQL.format(prev="coalesce(t.entry_hash, '')", text="f.body"),
        link_step=LINK_SQL.format(prev="c.entry_hash", text="f.body"),
    )


def chain_variant(connection: BaseDatabaseWrapper) -> str | None:
    """Which chain trigger the applied migrations call for: "statement", "row" or None."""
    applied = MigrationRecorder(connection).applied_migrations()
    if ("editorial", STATEMENT_MIGRATION) in applied:
        return "statement"
    if ("editorial", ROW_MIGRATION) in applied:
        return "row"
    return None


def link_format_as_migrated(connection: BaseDatabaseWrapper) -> LinkFormat:
    """The link format new links take: 2 once migration 0038 is applied, 1 before."""
    applied = MigrationRecorder(connection).applied_migrations()
    if ("editorial", ROW_TEXT_MIGRATION) in applied:
        return LinkFormat.ROW_TEXT
    return LinkFormat.JSON


def install_chain_triggers(
    connection: BaseDatabaseWrapper,
    *,
    per_statement: bool = True,
    link_format: int = LinkFormat.JSON,
) -> int:
    """(Re)create the chain trigger on every chained history table; returns tables done.

    per_statement=False installs migration 0023's per-row trigger (its reverse path; format 1
    only). Migrations pass the format their schema has (the default: before 0038)."""
    if connection.vendor != "postgresql":
        return 0
    existing = set(connection.introspection.table_names())
    if AuditEntry._meta.db_table not in existing:
        return 0
    qn = connection.ops.quote_name
    table = qn(AuditEntry._meta.db_table)
    columns = sorted({column for _model, column in chained_models().values()})
    done = 0
    with connection.cursor() as cursor:
        cursor.execute(ROW_TEXT_SQL)
        cursor.execute(ROW_TEXT_V2_SQL)
        if per_statement:
            for column in columns:
                sql = _statement_function_sql(column, table, qn(column), link_format=link_format)
                cursor.execute(sql)
        else:
            cursor.execute(
                CHAIN_FUNCTION_SQL.format(function=CHAIN_FUNCTION, table=table, row_text=ROW_TEXT)
            )
        for label, (model, column) in chained_models().items():
            history_table = model._meta.db_table
            if history_table not in existing:
                continue
            cursor.execute(f"DROP TRIGGER IF EXISTS {CHAIN_TRIGGER} ON {qn(history_table)}")
            if per_statement:
                cursor.execute(
                    f"CREATE TRIGGER {CHAIN_TRIGGER} AFTER INSERT ON {qn(history_table)}"
                    " REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT"
                    f" EXECUTE FUNCTION {_statement_function(column)}('{label}')"
                )
            else:
                cursor.execute(
                    f"CREATE TRIGGER {CHAIN_TRIGGER} AFTER INSERT ON {qn(history_table)}"
                    f" FOR EACH ROW EXECUTE FUNCTION {CHAIN_FUNCTION}('{label}', '{column}')"
                )
            done += 1
        # the other variant's functions: no trigger uses them any more
        if per_statement:
            cursor.execute(f"DROP FUNCTION IF EXISTS {CHAIN_FUNCTION}()")
        else:
            _drop_statement_functions(cursor, cascade=False)
    return done


def _drop_statement_functions(cursor, *, cascade: bool) -> None:
    prefix = STATEMENT_FUNCTION.split("{", 1)[0]
    cursor.execute(
        "SELECT p.proname FROM pg_proc p JOIN pg_namespace s ON s.oid = p.pronamespace"
        " WHERE s.nspname = current_schema() AND p.proname LIKE %s",
        [prefix.replace("_", r"\_") + "%"],
    )
    for (name,) in cursor.fetchall():
        cursor.execute(f"DROP FUNCTION IF EXISTS {name}(){' CASCADE' if cascade else ''}")


def uninstall_object_chain_triggers(connection: BaseDatabaseWrapper) -> None:
    """Drop the object chain triggers and functions (reverse of the issue 15 migration)."""
    if connection.vendor != "postgresql":
        return
    prefix = OBJECT_FUNCTION.split("{", 1)[0]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT p.proname FROM pg_proc p JOIN pg_namespace s ON s.oid = p.pronamespace"
            " WHERE s.nspname = current_schema() AND p.proname LIKE %s",
            [prefix.replace("_", r"\_") + "%"],
        )
        for (name,) in cursor.fetchall():
            cursor.execute(f"DROP FUNCTION IF EXISTS {name}() CASCADE")


def install_object_chain_triggers(
    connection: BaseDatabaseWrapper, *, link_format: int = LinkFormat.JSON
) -> int:
    """(Re)create the per-statement chain trigger of every object-chained table (issue 15)."""
    if connection.vendor != "postgresql":
        return 0
    existing = set(connection.introspection.table_names())
    if ObjectAuditEntry._meta.db_table not in existing:
        return 0
    qn = connection.ops.quote_name
    table = qn(ObjectAuditEntry._meta.db_table)
    objects = [t for t in chained_tables().values() if t.chain != ARTICLE_CHAIN]
    done = 0
    with connection.cursor() as cursor:
        cursor.execute(ROW_TEXT_SQL)
        cursor.execute(ROW_TEXT_V2_SQL)
        for column, row_id in sorted({(t.key, t.row_id) for t in objects}):
            sql = _statement_function_sql(
                column, table, qn(column), row_id, objects=True, link_format=link_format
            )
            cursor.execute(sql)
        for t in objects:
            chained_table = qn(t.model._meta.db_table)
            if t.model._meta.db_table not in existing:
                continue
            function = _statement_function(t.key, t.row_id, objects=True)
            cursor.execute(f"DROP TRIGGER IF EXISTS {CHAIN_TRIGGER} ON {chained_table}")
            cursor.execute(
                f"CREATE TRIGGER {CHAIN_TRIGGER} AFTER INSERT ON {chained_table}"
                " REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT"
                f" EXECUTE FUNCTION {function}('{t.label}', '{t.chain}')"
            )
            done += 1
    return done


def install_chain_triggers_as_migrated(connection: BaseDatabaseWrapper) -> int:
    """post_migrate: (re)install the variant the applied migrations call for; returns tables."""
    if connection.vendor != "postgresql":
        return 0
    variant = chain_variant(connection)
    if variant is None:
        return 0
    link_format = link_format_as_migrated(connection)
    done = install_chain_triggers(
        connection, per_statement=variant == "statement", link_format=link_format
    )
    return done + install_object_chain_triggers(connection, link_format=link_format)


def uninstall_chain_triggers(connection: BaseDatabaseWrapper) -> None:
    """Drop the chain triggers and functions (reverse of 0023): the Python path takes over."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(f"DROP FUNCTION IF EXISTS {CHAIN_FUNCTION}() CASCADE")
        _drop_statement_functions(cursor, cascade=True)
        cursor.execute(f"DROP FUNCTION IF EXISTS {ROW_TEXT}(text, anyelement)")
        cursor.execute(f"DROP FUNCTION IF EXISTS {ROW_TEXT_V2}(text, anyelement)")


def is_chained_in_database(connection: BaseDatabaseWrapper) -> bool:
    """True where the database appends the chain itself (PostgreSQL, triggers installed)."""
    return connection.vendor == "postgresql"
