"""The relay: publish due outbox rows to Celery, mark them sent; back off and dead-letter.

Broker mode (`manage.py outbox_relay`): rows are locked with SKIP LOCKED, so a second relay
never publishes the same row at the same time; a row is marked sent in the transaction that
published it, so a relay killed between publish and commit publishes it again (a duplicate
message, which every task tolerates: they are idempotent) rather than never.

A broker that refuses or hangs (short socket timeouts, config.settings) is nobody's row's
fault: the batch stops, the row keeps its place and the command backs off. An error of the
row's own (unknown task, unserialisable arguments) backs the row off, and after
OUTBOX_MAX_ATTEMPTS moves it to "dead" with the reason, for an editor to requeue in the admin.

Embedded mode (eager Celery): `outbox_relay_in_process` runs a row in this process once the write
that owes it commits, as the worker would; a row whose task failed is retried after its backoff
by the next one (or by `outbox_relay --once`).
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import redis
from celery import current_app
from django.conf import settings
from django.db import transaction
from django.db.models import Count, Min, Q
from django.utils import timezone
from kombu import Connection
from kombu.exceptions import EncodeError
from kombu.exceptions import OperationalError as BrokerError

from editorial.models import OutboxMessage, OutboxStatus

log = logging.getLogger(__name__)

# Raised by a publish when the broker cannot take messages at all (refused, hung, reset).
BROKER_ERRORS: tuple[type[BaseException], ...] = (BrokerError, OSError, redis.RedisError)


class PermanentError(Exception):
    """An error of the row's own that no retry can fix: dead at once."""


@dataclass
class RelayResult:
    """What one relay pass did; `broker_error` is set when the broker refused or hung."""

    sent: int = 0
    failed: int = 0
    dead: int = 0
    broker_error: str = ""


def _task(name: str):
    current_app.loader.import_default_modules()  # the TASK_MODULES (cheap once imported)
    if name not in current_app.tasks:
        raise PermanentError(f"no task named {name!r} is registered")
    return current_app.tasks[name]


class BrokerPublisher:
    """Sends rows to the broker over one connection per relay pass (opened at the first row,
    with the short timeouts of config.settings): a connection broken by an outage is never
    reused. Once per row, without kombu's own retries (the relay retries), under the row's
    task id."""

    def __init__(self) -> None:
        self._connection: Connection | None = None

    def __call__(self, message: OutboxMessage) -> None:
        _task(message.task_name)
        if self._connection is None:
            self._connection = current_app.connection_for_write()
        try:
            current_app.send_task(
                message.task_name,
                args=message.args,
                kwargs=message.kwargs,
                task_id=str(message.task_id),
                connection=self._connection,
                retry=False,
            )
        except EncodeError as exc:
            raise PermanentError(f"arguments cannot be sent: {exc}") from exc

    def close(self) -> None:
        if self._connection is not None:
            self._connection.release()
            self._connection = None


def run_in_process(message: OutboxMessage) -> None:
    """Embedded mode: run the task here, as eager Celery does (its own retries included)."""
    _task(message.task_name).apply(
        args=message.args, kwargs=message.kwargs, task_id=str(message.task_id), throw=True
    )


def _backoff(attempts: int) -> timedelta:
    seconds = settings.OUTBOX_RETRY_BACKOFF * 2 ** max(attempts - 1, 0)
    return timedelta(seconds=min(seconds, settings.OUTBOX_RETRY_BACKOFF_MAX))


def _fail(message: OutboxMessage, exc: BaseException, result: RelayResult) -> None:
    """Back the row off, or dead-letter it (permanent error, or out of attempts)."""
    message.attempts += 1
    message.last_error = f"{type(exc).__name__}: {exc}"[:2000]
    if isinstance(exc, PermanentError) or message.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
        message.status = OutboxStatus.DEAD
        result.dead += 1
        log.error("outbox %s dead: %s", message.pk, message.last_error)
    else:
        message.next_attempt_at = timezone.now() + _backoff(message.attempts)
        result.failed += 1
        log.warning("outbox %s failed (attempt %s): %s", message.pk, message.attempts, exc)


def _sent(message: OutboxMessage, result: RelayResult) -> None:
    message.attempts += 1
    message.status = OutboxStatus.SENT
    message.sent_at = timezone.now()
    message.last_error = ""
    result.sent += 1


FIELDS = ["status", "attempts", "last_error", "next_attempt_at", "sent_at"]


def _due() -> Q:
    return Q(status=OutboxStatus.PENDING, next_attempt_at__lte=timezone.now())


def outbox_relay_once(
    *, limit: int = 100, publish: Callable[[OutboxMessage], None] | None = None
) -> RelayResult:
    """Publish up to `limit` due rows, oldest first; one transaction holds their locks. With
    eager Celery (embedded mode) "publish" runs the task here."""
    if publish is None:
        if current_app.conf.task_always_eager:
            return _relay(limit, run_in_process)
        publisher = BrokerPublisher()
        try:
            return _relay(limit, publisher)
        finally:
            publisher.close()
    return _relay(limit, publish)


def _relay(limit: int, publish: Callable[[OutboxMessage], None]) -> RelayResult:
    result = RelayResult()
    with transaction.atomic():
        batch = list(
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(_due())
            .order_by("next_attempt_at", "pk")[:limit]
        )
        done = []
        for message in batch:
            try:
                publish(message)
            except BROKER_ERRORS as exc:
                # the outage is not the row's fault: it keeps its place, the caller backs off
                result.broker_error = f"{type(exc).__name__}: {exc}"[:500]
                message.last_error = f"broker: {result.broker_error}"
                done.append(message)
                break
            except Exception as exc:
                _fail(message, exc, result)
            else:
                _sent(message, result)
            done.append(message)
        OutboxMessage.objects.bulk_update(done, FIELDS)
    return result


_local = threading.local()


def outbox_relay_in_process(pk: int) -> None:
    """Embedded mode, after the commit that wrote row `pk`: run it here, then any earlier row
    whose retry is due. A task that owes more (a fan-out) commits rows while this runs: they
    join this loop instead of nesting a relay in the task."""
    queue: deque[int] | None = getattr(_local, "queue", None)
    if queue is not None:
        queue.append(pk)
        return
    _local.queue = queue = deque([pk])
    try:
        while queue:
            _run_row(queue.popleft())
        retries = OutboxMessage.objects.filter(_due(), attempts__gt=0).values_list("pk", flat=True)
        for retry_pk in retries[:100]:
            _run_row(retry_pk)
            while queue:
                _run_row(queue.popleft())
    finally:
        _local.queue = None


def _run_row(pk: int) -> None:
    # No transaction around the task (it runs as on a worker, committing its own work); the
    # row is marked after its task ran, guarded on still being pending.
    message = OutboxMessage.objects.filter(pk=pk, status=OutboxStatus.PENDING).first()
    if message is None:
        return
    result = RelayResult()
    try:
        run_in_process(message)
    except Exception as exc:
        _fail(message, exc, result)
    else:
        _sent(message, result)
    OutboxMessage.objects.filter(pk=message.pk, status=OutboxStatus.PENDING).update(
        **{field: getattr(message, field) for field in FIELDS}
    )


def outbox_requeue(queryset) -> int:
    """An editor's "requeue": dead (or waiting) rows become due now, attempts reset."""
    return queryset.exclude(status=OutboxStatus.SENT).update(
        status=OutboxStatus.PENDING, attempts=0, next_attempt_at=timezone.now()
    )


def outbox_purge_sent(*, older_than: timedelta) -> int:
    """Delete rows sent longer ago than `older_than` (the table stays small)."""
    deleted, _ = OutboxMessage.objects.filter(
        status=OutboxStatus.SENT, sent_at__lt=timezone.now() - older_than
    ).delete()
    return deleted


@dataclass(frozen=True)
class Backlog:
    """Pending rows: how many, how old the oldest is, how long the longest-due one waits."""

    pending: int
    dead: int
    oldest_unsent_age_seconds: float | None
    longest_due_wait_seconds: float | None


def outbox_backlog() -> Backlog:
    """One aggregate query (the partial index on pending rows)."""
    now = timezone.now()
    row = OutboxMessage.objects.filter(
        status__in=[OutboxStatus.PENDING, OutboxStatus.DEAD]
    ).aggregate(
        pending=Count("id", filter=Q(status=OutboxStatus.PENDING)),
        dead=Count("id", filter=Q(status=OutboxStatus.DEAD)),
        oldest=Min("created_at", filter=Q(status=OutboxStatus.PENDING)),
        due=Min("next_attempt_at", filter=Q(status=OutboxStatus.PENDING)),
    )

    def age(at) -> float | None:
        return None if at is None else max((now - at).total_seconds(), 0.0)

    return Backlog(
        pending=row["pending"],
        dead=row["dead"],
        oldest_unsent_age_seconds=age(row["oldest"]),
        longest_due_wait_seconds=age(row["due"]),
    )
