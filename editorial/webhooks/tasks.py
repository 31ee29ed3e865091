"""Celery tasks for webhooks. Both are safe to run twice: a delivery is claimed by a
compare-and-set on its row before anything is sent (editorial.webhooks.delivery)."""

from __future__ import annotations

from celery import shared_task

from editorial.webhooks import delivery


@shared_task(name="editorial.webhooks.deliver", acks_late=True, time_limit=120, soft_time_limit=100)
def webhook_deliver(delivery_id: int) -> bool:
    """Attempt one webhook delivery; a failure waits for the retry sweep (backoff)."""
    return delivery.delivery_send(delivery_id=delivery_id)


@shared_task(
    name="editorial.webhooks.deliver_due", acks_late=True, time_limit=600, soft_time_limit=540
)
def webhook_deliver_due() -> int:
    """Every minute: attempt the pending deliveries whose next attempt is due."""
    return sum(delivery.delivery_send(delivery_id=pk) for pk in delivery.deliveries_due())
