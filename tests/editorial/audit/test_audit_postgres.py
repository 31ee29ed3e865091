"""PostgreSQL makes the history append-only: triggers refuse UPDATE, DELETE and TRUNCATE.

Needs PostgreSQL; runs in CI. ALTER TABLE ... DISABLE TRIGGER is transactional, so the
tampering below is rolled back with the test's transaction.
"""

import threading
import time

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from simple_history.utils import bulk_create_with_history

from articles.models import Section
from editorial.audit.chain import chained_models
from editorial.audit.db import ROW_TRIGGER, protected_tables
from editorial.audit.pg import CHAIN_TRIGGER
from editorial.audit.verify import audit_verify
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
def test_the_owner_may_truncate_but_no_session_switch_lets_another_role(runtime_role):
    # issue 15: `imprimatur.allow_truncate` was settable by any session; it is ignored now
    ArticleFactory()
    with pytest.raises(DatabaseError, match=r"permission denied|append-only"), transaction.atomic():
        run_sql("SET CONSTRAINTS ALL IMMEDIATE")  # TRUNCATE refuses pending FK checks
        run_sql(f"SET LOCAL ROLE {runtime_role}")
        run_sql("SET LOCAL imprimatur.allow_truncate = on")
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
        f" (articles.historicalarticle history_id={row.pk}, {row.history_date.isoformat()}):"
        " content changed: the history row no longer matches its hash"
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


def test_a_bulk_writer_waits_for_another_on_the_same_articles_and_chains_after_it(
    committed_then_truncated,
):
    # Each writer: one INSERT of history rows for both articles, three rows each, listed in
    # opposite orders. The first holds its transaction open until the second is seen waiting
    # for a lock, so the second reads the tails only after the first committed.
    author = UserFactory()
    first, second = ArticleFactory(author=author), ArticleFactory(author=author)
    inserted = threading.Event()
    errors: list[BaseException] = []

    def sections(writer: int, articles: list) -> list[Section]:
        return [
            Section(article=a, heading=f"Writer {writer}", position=10 * writer + n)
            for n in range(3)
            for a in articles
        ]

    def hold_until_the_other_waits() -> None:
        # pg_locks is live inside a transaction too: poll it until the other writer waits
        deadline = time.monotonic() + 20
        with connection.cursor() as cursor:
            while time.monotonic() < deadline:
                cursor.execute("SELECT count(*) FROM pg_locks WHERE NOT granted")
                if cursor.fetchone()[0]:
                    return
        raise AssertionError("the second writer never waited for the first")

    def writer_one() -> None:
        try:
            with transaction.atomic():
                bulk_create_with_history(sections(1, [first, second]), Section)
                inserted.set()
                hold_until_the_other_waits()
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            inserted.set()
            connection.close()

    def writer_two() -> None:
        try:
            inserted.wait(timeout=10)
            with transaction.atomic():
                bulk_create_with_history(sections(2, [second, first]), Section)
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=writer_one), threading.Thread(target=writer_two)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)

    assert errors == []
    for article in (first, second):
        links = list(
            AuditEntry.objects.filter(article_id=article.pk)
            .order_by("sequence")
            .values_list("sequence", "model_label", "history_id")
        )
        assert [seq for seq, _, _ in links] == list(range(1, 10))  # 3 from the factory, 6 here
        # writer one's three rows, then writer two's, each in history_id order
        bulk = [h for _, label, h in links if label == "articles.historicalsection"][1:]
        assert bulk == sorted(bulk)
    assert audit_verify([first.slug, second.slug]).is_ok


@pytest.mark.django_db
def test_every_chained_history_table_carries_the_chain_trigger():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT event_object_table FROM information_schema.triggers"
            " WHERE trigger_name = %s AND event_manipulation = 'INSERT'",
            [CHAIN_TRIGGER],
        )
        chained = {row[0] for row in cursor.fetchall()}
    assert {model._meta.db_table for model, _column in chained_models().values()} <= chained


@pytest.mark.django_db
def test_the_database_chains_a_history_row_without_extra_round_trips(
    django_assert_max_num_queries,
):
    article = ArticleFactory()
    # the section INSERT and its history INSERT: the chain link is appended by the trigger
    with django_assert_max_num_queries(2):
        Section.objects.create(article=article, heading="Dosing", position=5)
    row = Section.history.get(article_id=article.pk, heading="Dosing")
    link = AuditEntry.objects.get(model_label="articles.historicalsection", history_id=row.pk)
    assert link.sequence == AuditEntry.objects.filter(article_id=article.pk).count()
    assert audit_verify([article.slug]).is_ok


def test_two_transactions_each_growing_from_small_to_big_writes_do_not_deadlock(
    committed_then_truncated, monkeypatch
):
    # Each writer first chains one row (taking the chains' shared lock), waits for the other
    # to do the same, then chains rows of more than LOCK_MANY articles. Upgrading the shared
    # lock to the exclusive one would deadlock the two; they take per-article locks instead.
    from editorial.audit import locks
    from editorial.audit import pg as audit_pg

    author = UserFactory()
    groups = [[ArticleFactory(author=author) for _ in range(3)] for _ in range(2)]
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def writer(articles: list) -> None:
        try:
            with transaction.atomic():
                Section.objects.create(article=articles[0], heading="small", position=50)
                barrier.wait(timeout=10)
                bulk_create_with_history(
                    [Section(article=a, heading="big", position=60) for a in articles], Section
                )
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    monkeypatch.setattr(locks, "LOCK_MANY", 2)  # 3 articles count as many
    audit_pg.install_chain_triggers_as_migrated(connection)
    try:
        threads = [threading.Thread(target=writer, args=(g,)) for g in groups]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=30)
    finally:
        monkeypatch.setattr(locks, "LOCK_MANY", 1000)
        audit_pg.install_chain_triggers_as_migrated(connection)

    assert errors == []
    assert audit_verify([a.slug for group in groups for a in group]).is_ok
