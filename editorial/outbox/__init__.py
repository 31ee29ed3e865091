"""TEMPORARY SHIM of the outbox contract (issue 16 builds the real one; take main's version
when it lands): `outbox_enqueue(task_name, *, args=(), kwargs=None, countdown=0)`.

Called inside the write's transaction; this shim publishes after commit (a rolled-back write
enqueues nothing), so a broker failure between commit and publish can still lose the message
— the webhook deliveries it carries are rows of their own and the retry sweep picks them up.
"""

from __future__ import annotations

import logging

from celery import current_app
from django.db import transaction

logger = logging.getLogger(__name__)


def outbox_enqueue(
    task_name: str,
    *,
    args: list | tuple = (),
    kwargs: dict | None = None,
    countdown: int = 0,
) -> None:
    """Publish the task `task_name` once the current transaction commits."""
    task = current_app.tasks.get(task_name)

    def publish() -> None:  # named: Django logs a robust callback's __qualname__
        if task is not None:
            task.apply_async(args=tuple(args), kwargs=kwargs or {}, countdown=float(countdown))
        else:
            current_app.send_task(
                task_name, args=tuple(args), kwargs=kwargs or {}, countdown=float(countdown)
            )

    transaction.on_commit(publish, robust=True)
