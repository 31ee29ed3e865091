"""Django's PostgreSQL backend with a health check that costs no round trip when it can, and
prepared statements that a failed statement cannot leave stuck.

CONN_HEALTH_CHECKS (on in production) makes Django run `SELECT 1` on a kept connection before
each request's first query, so that a connection PostgreSQL dropped (a restart, a terminated
backend) is replaced instead of failing the request. That is one more round trip on every
request: on a cached public page, whose only query is the version probe, it is a third of the
page's I/O (issue 22, bench/public_pages.py).

An idle connection the server has dropped is readable: PostgreSQL sends its FATAL message
and closes the socket (EOF), and a crashed backend's socket reads EOF. So the socket is polled
first, without waiting: nothing to read and psycopg reports the connection sound, and the
connection is kept without asking the server; anything to read (a drop, or an unsolicited
notice) and Django's own check runs (`SELECT 1`), which closes a dead connection as before.
A server that vanished without closing the socket is not seen by either check until the
query's own timeout.

Prepared statements (DATABASE_PREPARED_STATEMENTS, config/settings/base.py): psycopg forgets
them on a rollback, but a statement that failed outside a transaction leaves them in place, and
one whose plan a migration invalidated ("cached plan must not change result type") would fail
on every run for the connection's life. So after a request or task in which a statement failed,
the kept connection drops its prepared statements (DEALLOCATE ALL, which psycopg sees and
follows): the next run prepares them again. PostgreSQL binds at most 65,535 parameters per
statement, where Django's client-side binding had no limit (an `IN` over 70,000 ids, a bulk
insert of many rows): such a statement is bound on the client, as before (`BindingCursor`).
"""

from __future__ import annotations

import select
from typing import Any

import psycopg
from django.db import DatabaseError
from django.db.backends.postgresql.base import DatabaseWrapper as PostgreSQLDatabaseWrapper
from django.db.backends.postgresql.base import ServerBindingCursor
from psycopg import pq

_READABLE = select.POLLIN | select.POLLPRI | select.POLLERR | select.POLLHUP


def looks_sound(connection: psycopg.Connection[Any]) -> bool:
    """True when the idle psycopg connection shows no sign of a drop, asked of the client only:
    open, not broken, idle (no transaction), and nothing waiting on its socket."""
    if connection.closed or connection.broken:
        return False
    pgconn = connection.pgconn
    if pgconn.status != pq.ConnStatus.OK:
        return False
    if pgconn.transaction_status != pq.TransactionStatus.IDLE:
        return False
    try:
        socket = pgconn.socket
    except psycopg.Error:  # no socket: libpq lost it
        return False
    poller = select.poll()
    poller.register(socket, _READABLE)
    return not poller.poll(0)


# the protocol's limit on one statement's parameters (a 16-bit count)
MAX_SERVER_PARAMETERS = 65_535


class BindingCursor(ServerBindingCursor):
    """Django's server-binding cursor; a statement with more parameters than PostgreSQL can
    bind is bound on the client (its values quoted into the text, as Django's default cursor
    does) and sent without parameters."""

    def execute(self, query: Any, params: Any = None, **kwargs: Any) -> Any:
        if params is not None and len(params) > MAX_SERVER_PARAMETERS:
            # django-stubs types Django's cursor classes as psycopg2's: psycopg 3's below
            connection = self.connection  # type: ignore[attr-defined]
            query = psycopg.ClientCursor(connection).mogrify(query, params)
            params = None
        return super().execute(query, params, **kwargs)  # type: ignore[misc]


class DatabaseWrapper(PostgreSQLDatabaseWrapper):
    # set by Django's BaseDatabaseWrapper (not in django-stubs)
    health_check_enabled: bool
    health_check_done: bool

    def get_connection_params(self) -> dict[str, Any]:
        params = super().get_connection_params()
        if params.get("cursor_factory") is ServerBindingCursor:
            params["cursor_factory"] = BindingCursor
        return params

    def close_if_unusable_or_obsolete(self) -> None:
        failed = self.errors_occurred
        super().close_if_unusable_or_obsolete()  # Django's: closes a broken or expired one
        kept = self.connection is not None and not self.in_atomic_block
        if failed and kept and self.connection.prepare_threshold is not None:
            try:
                with self.cursor() as cursor:
                    cursor.execute("DEALLOCATE ALL")
            except DatabaseError:  # the connection broke meanwhile: the next use reconnects
                self.close()

    def close_if_health_check_failed(self) -> None:
        due = (
            self.connection is not None
            and self.health_check_enabled
            and not self.health_check_done
            and not self.pool
        )
        if due and looks_sound(self.connection):
            self.health_check_done = True  # checked, without a round trip
            return
        super().close_if_health_check_failed()  # Django's: SELECT 1, close if it fails
