"""The transactional outbox: every side effect a write owes (a notice, a report run, a
pre-render, a webhook) is a row written in the write's own transaction; the relay publishes the
rows to Celery after commit. A rolled-back write owes nothing; a broker that refuses or hangs
delays the effects, it never loses them, and the web request never talks to the broker.

Contract (other packages code against it):
`outbox_enqueue(task_name, *, args=(), kwargs=None, countdown=0) -> None`;
`outbox_enqueue_many([(task_name, args), ...]) -> None` (one INSERT for several, due now).
"""

from editorial.outbox.enqueue import outbox_enqueue, outbox_enqueue_many
from editorial.outbox.relay import (
    RelayResult,
    outbox_backlog,
    outbox_purge_sent,
    outbox_relay_once,
    outbox_requeue,
)

__all__ = [
    "RelayResult",
    "outbox_backlog",
    "outbox_enqueue",
    "outbox_enqueue_many",
    "outbox_purge_sent",
    "outbox_relay_once",
    "outbox_requeue",
]
