"""The health check before a request's first query (CONN_HEALTH_CHECKS, on in production): a kept
connection that shows no drop is used without asking the server; one PostgreSQL dropped is
replaced, so the request still gets its answer (config/postgresql)."""

from __future__ import annotations

import select
from unittest import mock

import pytest
from django.db import connection, connections

from config.postgresql.base import DatabaseWrapper, looks_sound

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


@pytest.fixture
def kept():
    """A second connection to the test database with health checks on, as production keeps one
    between requests (its own session: the test's connection holds a transaction)."""
    other = connection.copy()
    other.settings_dict["CONN_HEALTH_CHECKS"] = True
    other.settings_dict["CONN_MAX_AGE"] = 600  # kept across requests, as production (60 s)
    other.ensure_connection()
    yield other
    other.close()


def _next_request(wrapper) -> None:
    """What Django does at a request's start (close_old_connections)."""
    wrapper.close_if_unusable_or_obsolete()


def _backend_pid(wrapper) -> int:
    with wrapper.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def test_the_project_runs_this_backend():
    assert isinstance(connections["default"], DatabaseWrapper)


def test_a_sound_connection_is_kept_without_a_round_trip(kept):
    pid = _backend_pid(kept)
    _next_request(kept)

    with mock.patch.object(kept, "is_usable", wraps=kept.is_usable) as asked_server:
        assert _backend_pid(kept) == pid

    asked_server.assert_not_called()  # Django's own check would send SELECT 1 here


def test_a_connection_postgresql_dropped_is_replaced_before_the_query(kept):
    pid = _backend_pid(kept)
    with connection.cursor() as cursor:  # the server ends that session (a restart does too)
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
        assert cursor.fetchone()[0] is True
    poller = select.poll()
    poller.register(kept.connection.pgconn.socket, select.POLLIN | select.POLLHUP)
    assert poller.poll(5000), "the terminated session's socket never became readable"
    _next_request(kept)

    with mock.patch.object(kept, "is_usable", wraps=kept.is_usable) as asked_server:
        new_pid = _backend_pid(kept)  # no OperationalError: a fresh connection answers

    asked_server.assert_called_once()  # the socket showed the drop: Django's check confirmed it
    assert new_pid != pid


def test_a_connection_inside_a_transaction_gets_django_s_check(kept):
    kept.connection.execute("BEGIN")
    try:
        assert not looks_sound(kept.connection)
    finally:
        kept.connection.execute("ROLLBACK")
    assert looks_sound(kept.connection)


def test_a_closed_connection_is_not_sound(kept):
    raw = kept.connection
    kept.close()
    assert not looks_sound(raw)
