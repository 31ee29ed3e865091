"""PostgreSQL enforces the append-only history: triggers refuse UPDATE, DELETE and TRUNCATE.

Installed by migration editorial 0010 and again, idempotently, after every `migrate`
(post_migrate), so history tables that later migrations add are covered too. SQLite has no
such guarantee: there the application refuses (editorial.audit.signals, the read-only history
admin).

TRUNCATE is refused unless the session sets `imprimatur.allow_truncate = on`. Only the test
settings set it (pytest-django empties tables between transactional tests with TRUNCATE).
"""

from __future__ import annotations

from typing import Any

from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper

from editorial.audit.chain import history_models
from editorial.audit.pg import install_chain_triggers_as_migrated
from editorial.models import AuditEntry

FUNCTION = "imprimatur_audit_append_only"
ROW_TRIGGER = "imprimatur_append_only"
TRUNCATE_TRIGGER = "imprimatur_no_truncate"

FUNCTION_SQL = f"""
CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'TRUNCATE'
     AND coalesce(current_setting('imprimatur.allow_truncate', true), '') = 'on' THEN
    RETURN NULL;
  END IF;
  RAISE EXCEPTION 'audit history is append-only: % on % refused', TG_OP, TG_TABLE_NAME
    USING ERRCODE = 'insufficient_privilege';
END
$$;
"""


def protected_tables() -> list[str]:
    """Every simple-history table plus the hash chain table."""
    return sorted({m._meta.db_table for m in history_models()} | {AuditEntry._meta.db_table})


def install_append_only(connection: BaseDatabaseWrapper, tables: list[str] | None = None) -> int:
    """(Re)create the triggers on the given tables (default: all protected); returns tables done."""
    if connection.vendor != "postgresql":
        return 0
    existing = set(connection.introspection.table_names())
    tables = [t for t in (tables or protected_tables()) if t in existing]
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(FUNCTION_SQL)
        for table in tables:
            cursor.execute(f"DROP TRIGGER IF EXISTS {ROW_TRIGGER} ON {qn(table)}")
            cursor.execute(
                f"CREATE TRIGGER {ROW_TRIGGER} BEFORE UPDATE OR DELETE ON {qn(table)}"
                f" FOR EACH ROW EXECUTE FUNCTION {FUNCTION}()"
            )
            cursor.execute(f"DROP TRIGGER IF EXISTS {TRUNCATE_TRIGGER} ON {qn(table)}")
            cursor.execute(
                f"CREATE TRIGGER {TRUNCATE_TRIGGER} BEFORE TRUNCATE ON {qn(table)}"
                f" FOR EACH STATEMENT EXECUTE FUNCTION {FUNCTION}()"
            )
    return len(tables)


def on_post_migrate(sender: Any, using: str = "default", **kwargs: Any) -> None:
    """post_migrate: protect every history table that exists now (runs once per migrate)."""
    if sender.name != "editorial":
        return
    install_append_only(connections[using])
    install_chain_triggers_as_migrated(connections[using])


def uninstall_append_only(connection: BaseDatabaseWrapper) -> None:
    """Drop the triggers and their function (reverse migration)."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(f"DROP FUNCTION IF EXISTS {FUNCTION}() CASCADE")
