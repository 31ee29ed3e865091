"""outbox_enqueue: one INSERT in the caller's transaction; nothing else on the request path.

In the embedded mode (eager Celery: SQLite, `make run`, the tests) there is no relay process:
the relay runs in this process once the transaction commits, so the effect happens as it did
before the outbox, and a rolled-back transaction runs nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from functools import partial

from celery import current_app
from django.db import transaction
from django.utils import timezone

from editorial.models import OutboxMessage
from editorial.outbox.relay import outbox_relay_in_process


def outbox_enqueue(
    task_name: str,
    *,
    args: list | tuple = (),
    kwargs: dict | None = None,
    countdown: int | float = 0,
) -> None:
    """Record that the current transaction owes `task_name(*args, **kwargs)`; the relay
    publishes it after commit (not before `countdown` seconds). Call it inside the write's
    transaction.atomic(); outside one the row commits at once."""
    _enqueue([(task_name, args)], kwargs=kwargs, countdown=countdown)


def outbox_enqueue_many(owed: Sequence[tuple[str, Sequence]]) -> None:
    """outbox_enqueue for several tasks at once, `(task_name, args)` each, due now: one INSERT
    of all their rows (a write that owes two effects pays one round trip, not two)."""
    _enqueue(owed)


def _enqueue(
    owed: Sequence[tuple[str, Sequence]], *, kwargs: dict | None = None, countdown: float = 0
) -> None:
    if not owed:
        return
    now = timezone.now()
    eager = current_app.conf.task_always_eager
    if eager:
        countdown = 0  # as eager Celery: the embedded mode runs owed work at once
    messages = OutboxMessage.objects.bulk_create(
        OutboxMessage(
            task_name=task_name,
            args=list(args),
            kwargs=dict(kwargs or {}),
            created_at=now,
            next_attempt_at=now + timedelta(seconds=countdown) if countdown else now,
        )
        for task_name, args in owed
    )
    if eager:
        # robust: the write is committed; a failing effect is recorded on its row (retried,
        # then dead-lettered), it never turns the user's request into an error page
        for message in messages:
            transaction.on_commit(partial(outbox_relay_in_process, message.pk), robust=True)
