"""Issue 15: as the runtime database role, no evidence table can be rewritten, emptied or
unprotected; and the runtime role can still do the application's work.

Needs PostgreSQL. `SET LOCAL ROLE` inside a savepoint: the role ends with the savepoint.
"""

import pytest
from django.db import DatabaseError, connection, transaction

from articles.models import Section
from editorial.audit.db import FUNCTION, ROW_TRIGGER, protected_tables
from editorial.audit.pg import CHAIN_TRIGGER
from editorial.audit.verify import audit_verify
from editorial.models import AuditEntry, ObjectAuditEntry
from reviewers.models import Signature
from tests.factories import ArticleFactory, SourceFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

REFUSED = r"permission denied|must be owner"


def as_runtime(role: str, sql: str) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f'SET LOCAL ROLE "{role}"')
        cursor.execute(sql)


ATTACKS = {
    "UPDATE": "UPDATE {t} SET id = id",
    "DELETE": "DELETE FROM {t}",
    "TRUNCATE": "TRUNCATE {t}",
    "ALTER TABLE DISABLE TRIGGER": "ALTER TABLE {t} DISABLE TRIGGER " + ROW_TRIGGER,
    "ALTER TABLE ADD COLUMN": "ALTER TABLE {t} ADD COLUMN sneaky integer",
    "DROP TRIGGER": "DROP TRIGGER " + ROW_TRIGGER + " ON {t}",
}


@pytest.mark.parametrize("attack", ATTACKS)
def test_the_runtime_role_cannot_rewrite_or_unprotect_any_evidence_table(runtime_role, attack):
    tables = protected_tables()
    assert {"reviewers_signature", "editorial_auditentry", "editorial_objectauditentry"} <= set(
        tables
    )
    assert "reviewers_historicaldisclosure" in tables
    for table in tables:
        sql = ATTACKS[attack].format(t=table)
        with pytest.raises(DatabaseError, match=REFUSED):
            as_runtime(runtime_role, sql)


@pytest.mark.parametrize(
    "function", [f"{FUNCTION}()", "imprimatur_audit_row_text(text, anyelement)"]
)
def test_the_runtime_role_cannot_replace_a_guard_or_chain_function(runtime_role, function):
    name = function.split("(")[0]
    args = "()" if function.endswith("()") else "(label text, r anyelement)"
    returns = "trigger" if args == "()" else "text"
    body = "BEGIN RETURN NULL; END" if returns == "trigger" else "BEGIN RETURN ''; END"
    with pytest.raises(DatabaseError, match=REFUSED):
        as_runtime(
            runtime_role,
            f"CREATE OR REPLACE FUNCTION {name}{args} RETURNS {returns}"
            f" LANGUAGE plpgsql AS $$ {body} $$",
        )


def test_the_runtime_role_cannot_create_objects_in_the_schema(runtime_role):
    with pytest.raises(DatabaseError, match=REFUSED):
        as_runtime(runtime_role, "CREATE TABLE public.shadow_history (id integer)")


def test_the_runtime_role_still_writes_through_the_application_and_the_chain_holds(
    runtime_role,
):
    article = ArticleFactory()
    source = SourceFactory()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f'SET LOCAL ROLE "{runtime_role}"')
        Section.objects.create(article=article, heading="As the app", position=9)
        section = Section.objects.get(heading="As the app")
        section.body = "edited"
        section.save()
        section.delete()  # the live row: deleting is the app's right, the history keeps it
        source.title = "Renamed by the runtime role"
        source.save()
        cursor.execute("SELECT current_user")
        assert cursor.fetchone()[0] == runtime_role
    assert AuditEntry.objects.filter(article_id=article.pk).count() >= 6
    assert ObjectAuditEntry.objects.filter(chain="articles.source", object_id=source.pk).exists()
    assert audit_verify().is_ok


def test_every_evidence_table_carries_the_guard_and_every_chained_table_its_chain_trigger():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT trigger_name, event_object_table FROM information_schema.triggers"
            " WHERE trigger_name IN (%s, %s)",
            [ROW_TRIGGER, CHAIN_TRIGGER],
        )
        found = set(cursor.fetchall())
    assert {(ROW_TRIGGER, t) for t in protected_tables()} <= found
    assert (CHAIN_TRIGGER, Signature._meta.db_table) in found
    assert (CHAIN_TRIGGER, "reviewers_historicaldisclosure") in found
