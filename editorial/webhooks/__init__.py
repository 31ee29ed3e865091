"""Outgoing webhooks (Standard Webhooks): events owed inside the write's transaction
(events.py), delivered and retried by Celery tasks (tasks.py, delivery.py)."""

from editorial.webhooks.events import (
    EVENTS,
    SUBSCRIBED,
    any_subscription,
    article_event,
    article_state_event,
    articles_swept_stale,
    delivery_replay,
    source_version_event,
    subscribed_in,
)

__all__ = [
    "EVENTS",
    "SUBSCRIBED",
    "any_subscription",
    "article_event",
    "article_state_event",
    "articles_swept_stale",
    "delivery_replay",
    "source_version_event",
    "subscribed_in",
]
