"""PostgreSQL makes the history append-only: triggers refuse UPDATE, DELETE and TRUNCATE.

Needs PostgreSQL; runs in CI. ALTER TABLE ... DISABLE TRIGGER is transactional, so the
tampering below is rolled back with the test's transaction.
"""

import threading

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from articles.models import Section
from editorial.audit_db import ROW_TRIGGER, protected_tables
from editorial.audit_verify import audit_verify
from editorial.models import AuditEntry
from tests.factories import ArticleFactory, UserFactory

pytestmark = pytest.mark.postgres


def run_sql(sql: str, params=None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.mark.django_db
def test_every_history_table_and_the_chain_carry_the_triggers():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT event_object_table FROM information_schema.triggers"
            " WHERE trigger_name = %s",
            [ROW_TRIGGER],
        )
        guarded = {row[0] for row in cursor.fetchall()}
    assert "articles_historicalarticle" in guarded
    assert "editorial_auditentry" in guarded
    assert set(protected_tables()) <= guarded


@pytest.mark.django_db
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE articles_historicalarticle SET title = 'rewritten'",
        "DELETE FROM articles_historicalarticle",
        "UPDATE editorial_auditentry SET entry_hash = 'x'",
    ],
)
def test_update_or_delete_on_a_history_table_fails_with_a_clear_message(sql):
    ArticleFactory()
    refused = r"audit history is append-only: (UPDATE|DELETE) on"
    with pytest.raises(DatabaseError, match=refused), transaction.atomic():
        run_sql(sql)


@pytest.mark.django_db
def test_truncate_is_refused_outside_the_test_sessions_allowance():
    ArticleFactory()
    refused = "append-only: TRUNCATE on articles_historicalsection"
    with pytest.raises(DatabaseError, match=refused), transaction.atomic():
        run_sql("SET CONSTRAINTS ALL IMMEDIATE")  # TRUNCATE refuses pending FK checks
        run_sql("SET LOCAL imprimatur.allow_truncate = off")
        run_sql("TRUNCATE articles_historicalsection")
    assert Section.history.exists()


@pytest.mark.django_db
def test_verify_audit_names_the_row_tampered_with_the_triggers_disabled():
    article = ArticleFactory(approved=True)
    row = article.history.filter(status="submitted").get()
    link = AuditEntry.objects.get(model_label="articles.historicalarticle", history_id=row.pk)
    call_command("verify_audit", article.slug)  # clean chain: no error
    run_sql("SET CONSTRAINTS ALL IMMEDIATE")  # ALTER TABLE refuses pending FK checks
    run_sql(f"ALTER TABLE articles_historicalarticle DISABLE TRIGGER {ROW_TRIGGER}")
    run_sql(
        "UPDATE articles_historicalarticle SET history_change_reason = 'nothing to see'"
        " WHERE history_id = %s",
        [row.pk],
    )
    run_sql(f"ALTER TABLE articles_historicalarticle ENABLE TRIGGER {ROW_TRIGGER}")
    with pytest.raises(CommandError) as exc:
        call_command("verify_audit")
    assert str(exc.value) == (
        f"audit chain broken: first break at article '{article.slug}' entry #{link.sequence}"
        f" (articles.historicalarticle history_id={row.pk}): content changed: the history row"
        " no longer matches its hash"
    )


@pytest.fixture
def committed_then_truncated(django_db_setup, django_db_blocker):
    """Work committed for real (the writer threads must see it), then emptied by hand.

    Not a transactional test: its flush would also empty the role groups that the data
    migration created, and later tests need them. The test settings allow TRUNCATE.
    """
    app_tables = [
        m._meta.db_table
        for m in apps.get_models()
        if m._meta.app_label in ("articles", "reviewers", "editorial") and not m._meta.proxy
    ]
    with django_db_blocker.unblock():
        # pytest-django creates the test database only for the databases that collected
        # tests mark with django_db (the other tests of this module do): never TRUNCATE
        # anything else.
        if not connection.settings_dict["NAME"].startswith("test_"):
            pytest.fail("run this test with its module: the test database was not set up")
        try:
            yield
        finally:
            tables = ", ".join([*app_tables, "auth_user"])
            run_sql(f"TRUNCATE {tables} CASCADE")


def test_two_writers_appending_to_one_article_at_once_do_not_fork_the_chain(
    committed_then_truncated,
):
    # no role group needed: a transactional test that ran before may have flushed them
    article = ArticleFactory(author=UserFactory())
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def add_section(n: int) -> None:
        try:
            with transaction.atomic():
                barrier.wait(timeout=10)
                Section.objects.create(article=article, heading=f"Parallel {n}", position=n)
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=add_section, args=(n,)) for n in (10, 11)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)

    assert errors == []
    sequences = list(
        AuditEntry.objects.filter(article_id=article.pk)
        .order_by("sequence")
        .values_list("sequence", flat=True)
    )
    assert sequences == list(range(1, len(sequences) + 1))
    assert len(sequences) == 5  # article, section, citation, two parallel sections
    assert audit_verify([article.slug]).is_ok
