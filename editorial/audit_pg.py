"""PostgreSQL appends the hash chain itself: an AFTER INSERT trigger on every chained history table.

The application then issues no extra round trip per history row (issue 2's query budget).
Per row, inside the inserting transaction: advisory xact lock on the article (the same lock
the Python path takes, so concurrent writers cannot fork a chain), read the tail, insert the
AuditEntry with entry_hash = SHA-256(prev_hash | label | jsonb of the whole row).

`imprimatur_audit_row_text` is the one canonical text; `verify_audit` recomputes it over the
stored rows with the same SQL (TimeZone pinned to UTC, so any session gives the same text).
SQLite (the embedded mode) keeps the Python signal path of `editorial.audit_chain`.

Installed by migration editorial 0023 and again, idempotently, after every `migrate`
(post_migrate), so history tables that later migrations add are chained too.
"""

from __future__ import annotations

from django.db.backends.base.base import BaseDatabaseWrapper

ROW_TEXT = "imprimatur_audit_row_text"
CHAIN_FUNCTION = "imprimatur_audit_chain"
CHAIN_TRIGGER = "imprimatur_audit_chain"

ROW_TEXT_SQL = f"""
CREATE OR REPLACE FUNCTION {ROW_TEXT}(label text, r anyelement) RETURNS text
LANGUAGE sql STABLE SET TimeZone TO 'UTC' SET IntervalStyle TO 'postgres' AS $$
  SELECT label || '|' || to_jsonb(r)::text
$$;
"""

# TG_ARGV: [0] model label, [1] article id column. The AuditEntry table name is filled in.
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


def install_chain_triggers(connection: BaseDatabaseWrapper) -> int:
    """(Re)create the chain trigger on every chained history table; returns tables done."""
    if connection.vendor != "postgresql":
        return 0
    from editorial.audit_chain import chained_models
    from editorial.models import AuditEntry

    existing = set(connection.introspection.table_names())
    if AuditEntry._meta.db_table not in existing:
        return 0
    qn = connection.ops.quote_name
    done = 0
    with connection.cursor() as cursor:
        cursor.execute(ROW_TEXT_SQL)
        cursor.execute(
            CHAIN_FUNCTION_SQL.format(
                function=CHAIN_FUNCTION, table=qn(AuditEntry._meta.db_table), row_text=ROW_TEXT
            )
        )
        for label, (model, column) in chained_models().items():
            table = model._meta.db_table
            if table not in existing:
                continue
            cursor.execute(f"DROP TRIGGER IF EXISTS {CHAIN_TRIGGER} ON {qn(table)}")
            cursor.execute(
                f"CREATE TRIGGER {CHAIN_TRIGGER} AFTER INSERT ON {qn(table)} FOR EACH ROW"
                f" EXECUTE FUNCTION {CHAIN_FUNCTION}('{label}', '{column}')"
            )
            done += 1
    return done


def uninstall_chain_triggers(connection: BaseDatabaseWrapper) -> None:
    """Drop the chain triggers and functions (reverse migration): the Python path takes over."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(f"DROP FUNCTION IF EXISTS {CHAIN_FUNCTION}() CASCADE")
        cursor.execute(f"DROP FUNCTION IF EXISTS {ROW_TEXT}(text, anyelement)")


def is_chained_in_database(connection: BaseDatabaseWrapper) -> bool:
    """True where the database appends the chain itself (PostgreSQL, triggers installed)."""
    return connection.vendor == "postgresql"
