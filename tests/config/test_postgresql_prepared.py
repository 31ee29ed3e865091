"""Prepared statements (DATABASE_PREPARED_STATEMENTS, on by default): a statement run often on a
kept connection is planned once on the server; a failed one (a migration changed what it
returns) does not keep failing on that connection (config/postgresql)."""

from __future__ import annotations

from unittest import mock

import psycopg
import pytest
from django.conf import settings
from django.db import DatabaseError, connection

from articles.models import Article
from config.postgresql.base import BindingCursor
from config.settings import base

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

PROBE = "SELECT v FROM prepared_probe WHERE id = %s"


@pytest.fixture
def kept():
    """A connection kept between requests, as production keeps one (CONN_MAX_AGE)."""
    other = connection.copy()
    other.settings_dict["CONN_MAX_AGE"] = 600
    other.ensure_connection()
    yield other
    other.close()


@pytest.fixture
def probe_table(kept):
    """A table outside the test's transaction, so that a second session may alter it."""
    with kept.cursor() as cursor:
        cursor.execute("CREATE TABLE prepared_probe (id int PRIMARY KEY, v int)")
        cursor.execute("INSERT INTO prepared_probe VALUES (1, 10), (2, 20)")
    yield
    with kept.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS prepared_probe")


def _prepared_on_server(wrapper, text: str) -> int:
    with wrapper.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement = %s",
            [text.replace("%s", "$1")],
        )
        return cursor.fetchone()[0]


def _probe(wrapper, row_id: int):
    with wrapper.cursor() as cursor:
        cursor.execute(PROBE, [row_id])
        return cursor.fetchone()[0]


def test_the_connection_binds_on_the_server_and_prepares_repeated_statements(kept, probe_table):
    assert settings.DATABASES["default"]["OPTIONS"]["server_side_binding"] is True
    runs = range(base.PREPARE_THRESHOLD + 1)
    answers = [_probe(kept, 1 + i % 2) for i in runs]

    assert answers == [(10, 20)[i % 2] for i in runs]  # each run with its own values
    assert _prepared_on_server(kept, PROBE) == 1  # planned once, run again with new values


def test_a_statement_a_migration_broke_works_again_on_the_next_request(kept, probe_table):
    for _ in range(base.PREPARE_THRESHOLD + 1):
        _probe(kept, 1)
    migrator = connection.copy()  # another session changes the column's type (a migration)
    try:
        with migrator.cursor() as cursor:
            cursor.execute("ALTER TABLE prepared_probe ALTER COLUMN v TYPE bigint")
    finally:
        migrator.close()

    with pytest.raises(DatabaseError, match="cached plan must not change result type"):
        _probe(kept, 1)  # outside a transaction: nothing rolls back, psycopg keeps it
    kept.close_if_unusable_or_obsolete()  # the request ends (Django's request_finished)

    assert _probe(kept, 2) == 20  # prepared again for the new column type
    assert _prepared_on_server(kept, PROBE) == 0  # not yet run often enough to prepare


def test_the_setting_off_keeps_django_s_client_side_binding(monkeypatch):
    monkeypatch.setattr(base, "DATABASE_PREPARED_STATEMENTS", False)
    options = base.postgresql_options({})

    assert "server_side_binding" not in options
    assert "prepare_threshold" not in options
    assert options["connect_timeout"] == base.DATABASE_CONNECT_TIMEOUT


def test_a_statement_with_more_parameters_than_postgresql_binds_still_runs():
    """PostgreSQL binds at most 65,535 parameters per statement; Django's client-side binding
    had no such limit, so an `IN` over 70,000 ids must still answer (bound on the client)."""
    ids = list(range(1, 70_001))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM (VALUES (1), (2), (70000), (70001)) AS t(id)"
            f" WHERE id IN ({', '.join(['%s'] * len(ids))}) AND %s = '100%%'",
            [*ids, "100%"],
        )
        assert cursor.fetchone()[0] == 3

    assert Article.objects.filter(pk__in=ids).count() == 0  # the ORM's path too


def test_a_connection_that_breaks_while_dropping_them_is_closed_not_raised(kept, probe_table):
    for _ in range(base.PREPARE_THRESHOLD + 1):
        _probe(kept, 1)
    kept.errors_occurred = True  # a statement failed in this request
    execute = BindingCursor.execute

    def drop_fails(cursor, query, *args, **kwargs):
        if query == "DEALLOCATE ALL":
            raise psycopg.OperationalError("server closed the connection unexpectedly")
        return execute(cursor, query, *args, **kwargs)

    with mock.patch.object(BindingCursor, "execute", autospec=True, side_effect=drop_fails):
        kept.close_if_unusable_or_obsolete()  # the request ends: no error page for it

    assert kept.connection is None  # the next request connects afresh
    assert _probe(kept, 2) == 20
