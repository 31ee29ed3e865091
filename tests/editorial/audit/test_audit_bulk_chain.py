"""PostgreSQL chains the history rows of one INSERT statement set-based (editorial.audit.pg).

Needs PostgreSQL; runs in CI. Trigger DDL is transactional: the re-installs below are rolled
back with the test's transaction.
"""

import importlib
from itertools import pairwise
from types import SimpleNamespace

import pytest
from django.db import connection
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from articles.models import Section
from editorial.audit import locks as chain_locks
from editorial.audit.chain import audit_append_bulk, chained_models
from editorial.audit.chain import chained_tables as all_chained_tables
from editorial.audit.pg import CHAIN_TRIGGER, install_chain_triggers_as_migrated
from editorial.audit.verify import audit_verify
from editorial.models import AuditEntry
from tests.factories import ArticleFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]
migration_0024 = importlib.import_module("editorial.migrations.0024_audit_chain_per_statement")
SECTION_LABEL = "articles.historicalsection"


def run_sql(sql: str, params=None) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall() if cursor.description else []


def chain_trigger_orientations() -> dict[str, set[str]]:
    """{history table: {ROW or STATEMENT, ...}} of the article chains' triggers (the object
    chains' are always per statement)."""
    found: dict[str, set[str]] = {}
    for table, orientation in run_sql(
        "SELECT event_object_table, action_orientation FROM information_schema.triggers"
        " WHERE trigger_name = %s",
        [CHAIN_TRIGGER],
    ):
        if table in chained_tables():
            found.setdefault(table, set()).add(orientation)
    return found


def chained_tables() -> set[str]:
    return {model._meta.db_table for model, _column in chained_models().values()}


def add_sections(*articles, start: int = 10) -> list[Section]:
    """One bulk INSERT of sections (and one of their history rows) for the given articles,
    interleaved: a, b, a, b..."""
    sections = [
        Section(article=article, heading=f"Bulk {n}", position=start + n)
        for n, article in enumerate(articles)
    ]
    return bulk_create_with_history(sections, Section, default_change_reason="imported")


def entries(article) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(article_id=article.pk).order_by("sequence"))


def test_several_rows_of_one_article_in_one_statement_chain_in_history_id_order(
    django_assert_max_num_queries,
):
    a, b = ArticleFactory(), ArticleFactory()
    before, before_b = len(entries(a)), len(entries(b))
    # the sections' INSERT and the one INSERT of their six history rows: no query per row
    with django_assert_max_num_queries(2):
        add_sections(a, b, a, b, a, a)

    chain = entries(a)
    assert [e.sequence for e in chain] == list(range(1, before + 5))
    new = chain[before:]
    history_ids = sorted(
        Section.history.filter(article_id=a.pk, heading__startswith="Bulk").values_list(
            "history_id", flat=True
        )
    )
    assert [(e.model_label, e.history_id) for e in new] == [(SECTION_LABEL, h) for h in history_ids]
    assert all(e.prev_hash == prev.entry_hash for prev, e in pairwise(chain))
    assert len(entries(b)) == before_b + 2
    assert audit_verify([a.slug, b.slug]).is_ok


def test_links_written_by_the_per_row_trigger_and_the_per_statement_one_verify_together():
    article = ArticleFactory()
    run_sql("SET CONSTRAINTS ALL IMMEDIATE")  # trigger DDL refuses pending FK checks
    schema_editor = SimpleNamespace(connection=connection)
    migration_0024.per_row(None, schema_editor)  # the reverse migration: back to 0023
    assert chain_trigger_orientations() == {t: {"ROW"} for t in chained_tables()}
    add_sections(article, article, start=10)  # chained row by row

    migration_0024.per_statement(None, schema_editor)
    assert chain_trigger_orientations() == {t: {"STATEMENT"} for t in chained_tables()}
    add_sections(article, article, article, start=20)  # chained per statement

    history_rows = sum(
        model._default_manager.filter(**{column: article.pk}).count()
        for model, column in chained_models().values()
    )
    assert len(entries(article)) == history_rows
    assert audit_verify([article.slug]).is_ok


def test_post_migrate_reinstall_is_idempotent_and_keeps_the_migrated_variant():
    run_sql("SET CONSTRAINTS ALL IMMEDIATE")
    install_chain_triggers_as_migrated(connection)
    install_chain_triggers_as_migrated(connection)

    assert chain_trigger_orientations() == {t: {"STATEMENT"} for t in chained_tables()}
    (count,) = run_sql(
        "SELECT count(*) FROM information_schema.triggers WHERE trigger_name = %s",
        [CHAIN_TRIGGER],
    )[0]
    # one INSERT trigger per chained table, not two (article and object chains)
    assert count == len(all_chained_tables())


def advisory_locks() -> dict[tuple[str, int], set[str]]:
    """This transaction's audit advisory locks: {(namespace, key): {mode, ...}}."""
    rows = run_sql(
        "SELECT CASE l.classid WHEN hashtext('imprimatur.audit.all')::oid THEN 'all'"
        " WHEN hashtext('imprimatur.audit')::oid THEN 'article' END, l.objid::bigint, l.mode"
        " FROM pg_locks l WHERE l.locktype = 'advisory' AND l.pid = pg_backend_pid()"
    )
    locks: dict[tuple[str, int], set[str]] = {}
    for namespace, key, mode in rows:
        if namespace:
            locks.setdefault((namespace, key), set()).add(mode)
    return locks


def history_rows_for(article_ids: list[int]):
    """History rows (no article needed: the history has no foreign keys) for the given ids,
    built without touching the database, so no chain lock is taken before the statement."""
    return [
        Section.history.model(
            id=n,
            article_id=article_id,
            kind="other",
            heading="Bulk",
            body="Bulk row.",
            position=n,
            history_date=timezone.now(),
            history_type="+",
            history_change_reason="bulk",
        )
        for n, article_id in enumerate(article_ids, start=1)
    ]


@pytest.mark.parametrize(
    ("many", "after_a_small_write"), [(False, False), (True, False), (True, True)]
)
def test_a_statement_locks_each_article_or_all_chains_at_once_when_it_concerns_many(
    monkeypatch, many, after_a_small_write
):
    run_sql("SET CONSTRAINTS ALL IMMEDIATE")
    if many:  # a statement over more than LOCK_MANY articles (here: 2 > 1)
        monkeypatch.setattr(chain_locks, "LOCK_MANY", 1)
        install_chain_triggers_as_migrated(connection)
    if after_a_small_write:  # this transaction chained one row: it holds the shared lock
        Section.history.model.objects.bulk_create(history_rows_for([2_000_000_009]))
    ids = [2_000_000_001, 2_000_000_002]  # articles this transaction has not locked yet

    Section.history.model.objects.bulk_create(history_rows_for(ids))

    locks = advisory_locks()
    if many and not after_a_small_write:
        assert "ExclusiveLock" in locks[("all", 0)]
        assert not {("article", i) for i in ids} & set(locks)
    else:  # per-article locks; never an upgrade of the shared lock (a deadlock with a twin)
        assert locks[("all", 0)] == {"ShareLock"}
        assert all(locks[("article", i)] == {"ExclusiveLock"} for i in ids)
    assert AuditEntry.objects.filter(article_id__in=ids).count() == 2


def test_the_python_path_takes_the_same_locks_where_the_trigger_is_off():
    ArticleFactory()
    run_sql("SET CONSTRAINTS ALL IMMEDIATE")
    run_sql(f"ALTER TABLE articles_historicalsection DISABLE TRIGGER {CHAIN_TRIGGER}")
    ids = [2_000_000_011, 2_000_000_012]
    rows = Section.history.model.objects.bulk_create(history_rows_for(ids))

    assert audit_append_bulk(rows) == 2

    locks = advisory_locks()
    assert locks[("all", 0)] == {"ShareLock"}
    assert all(locks[("article", i)] == {"ExclusiveLock"} for i in ids)
