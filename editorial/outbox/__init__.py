"""The outbox contract (issue 16): `outbox_enqueue(task_name, *, args, kwargs, countdown)`.

TEMPORARY SHIM until issue 16's transactional outbox lands on main: it publishes after the
surrounding transaction commits (a rolled-back write queues nothing). Call it INSIDE the
write's transaction, as the real outbox requires; when main has the real one, take main's.
"""

from __future__ import annotations

from celery import current_app
from django.db import transaction


def outbox_enqueue(
    task_name: str,
    *,
    args: list | tuple = (),
    kwargs: dict | None = None,
    countdown: int = 0,
) -> None:
    """Publish `task_name` after commit (eagerly, in-process, in the embedded mode)."""
    signature = current_app.signature(task_name, args=list(args), kwargs=kwargs or {})

    def publish() -> None:  # named: Django logs a robust callback's __qualname__
        if current_app.conf.task_always_eager:
            signature.apply()
        else:
            signature.apply_async(countdown=countdown)

    transaction.on_commit(publish, robust=True)
