"""What the runtime database role may do (issue 15): run the application, never rewrite evidence.

`migrate` runs as the owner (DATABASE_OWNER_URL) and, after every migrate (post_migrate),
grants the runtime role (DATABASE_URL's user):
- SELECT, INSERT, UPDATE, DELETE on the application's tables;
- SELECT and INSERT only on the evidence tables (every history table, both chain tables,
  signatures): no UPDATE, no DELETE; TRUNCATE on nothing;
- USAGE and SELECT on the sequences (INSERT takes ids from them);
- SELECT only on django_migrations;
- the same by default on tables and sequences the owner creates later (ALTER DEFAULT
  PRIVILEGES), until the next migrate narrows the evidence tables again.
It owns nothing and may create nothing in the schema, so it cannot ALTER a table, disable a
trigger or replace a function: PostgreSQL reserves those to the owner.
"""

from __future__ import annotations

from django.db.backends.base.base import BaseDatabaseWrapper

APP_RIGHTS = "SELECT, INSERT, UPDATE, DELETE"
EVIDENCE_RIGHTS = "SELECT, INSERT"
READ_ONLY = ("django_migrations",)


def grant_runtime(connection: BaseDatabaseWrapper, role: str, evidence_tables: list[str]) -> int:
    """Grant `role` the runtime rights on every table of the current schema; returns tables."""
    if connection.vendor != "postgresql" or not role:
        return 0
    qn = connection.ops.quote_name
    who = qn(role)
    evidence = set(evidence_tables)
    tables = connection.introspection.table_names()
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_schema()")
        schema = qn(cursor.fetchone()[0])
        cursor.execute(f"GRANT USAGE ON SCHEMA {schema} TO {who}")
        cursor.execute(f"REVOKE CREATE ON SCHEMA {schema} FROM {who}")
        for table in tables:
            cursor.execute(f"REVOKE ALL ON {qn(table)} FROM {who}")
            if table in evidence:
                rights = EVIDENCE_RIGHTS
            elif table in READ_ONLY:
                rights = "SELECT"
            else:
                rights = APP_RIGHTS
            cursor.execute(f"GRANT {rights} ON {qn(table)} TO {who}")
        cursor.execute(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {who}")
        cursor.execute(
            f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} GRANT {APP_RIGHTS} ON TABLES TO {who}"
        )
        cursor.execute(
            f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} GRANT USAGE, SELECT ON SEQUENCES TO {who}"
        )
    return len(tables)


def role_exists(connection: BaseDatabaseWrapper, role: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
        return cursor.fetchone() is not None
