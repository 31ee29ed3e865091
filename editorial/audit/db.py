"""PostgreSQL enforces the append-only evidence: triggers refuse UPDATE, DELETE and TRUNCATE.

Installed by migration editorial 0010 and again, idempotently, after every `migrate`
(post_migrate), so evidence tables that later migrations add are covered too; the same
post_migrate grants the runtime role its rights (editorial.audit.grants). SQLite has no such
guarantee: there the application refuses (editorial.audit.signals, the read-only history
admin).

TRUNCATE is the owner's alone (issue 15): the trigger lets it through only for a role that is
a member of the table's owner (pytest-django empties tables between transactional tests as the
owner; `manage.py flush` too). The runtime role has no TRUNCATE privilege at all. There is no
session switch any more: `imprimatur.allow_truncate` is ignored.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper

from editorial.audit.chain import evidence_tables
from editorial.audit.grants import grant_runtime
from editorial.audit.pg import install_chain_triggers_as_migrated

FUNCTION = "imprimatur_audit_append_only"
ROW_TRIGGER = "imprimatur_append_only"
TRUNCATE_TRIGGER = "imprimatur_no_truncate"

FUNCTION_SQL = f"""
CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'TRUNCATE' AND pg_has_role(
       current_user, (SELECT c.relowner FROM pg_class c WHERE c.oid = TG_RELID), 'MEMBER') THEN
    RETURN NULL;
  END IF;
  RAISE EXCEPTION 'audit history is append-only: % on % refused', TG_OP, TG_TABLE_NAME
    USING ERRCODE = 'insufficient_privilege';
END
$$;
"""


def protected_tables() -> list[str]:
    """Every evidence table: simple-history tables, signatures and both chain tables."""
    return evidence_tables()


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
    connection = connections[using]
    install_append_only(connection)
    install_chain_triggers_as_migrated(connection)
    if using == DEFAULT_DB_ALIAS:
        grant_runtime(connection, settings.DATABASE_RUNTIME_ROLE, protected_tables())


def uninstall_append_only(connection: BaseDatabaseWrapper) -> None:
    """Drop the triggers and their function (reverse migration)."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(f"DROP FUNCTION IF EXISTS {FUNCTION}() CASCADE")
