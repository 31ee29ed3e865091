"""Subscribing a client to events: the URL is checked (https in production, no private
address) and a signing secret is drawn (Standard Webhooks' whsec_ format)."""

from __future__ import annotations

import base64
import secrets

from django.core.exceptions import ValidationError

from editorial.audit.attribution import delete_attributed, save_attributed
from editorial.models import ApiClient, WebhookSubscription
from editorial.webhooks.delivery import check_target
from editorial.webhooks.events import EVENTS


def new_secret() -> str:
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def webhook_subscribe(*, client: ApiClient, url: str, events: list[str]) -> WebhookSubscription:
    """A new subscription of `client` to `events` at `url`, with a fresh secret."""
    unknown = [e for e in events if e not in EVENTS]
    if unknown:
        raise ValidationError(
            {"events": f"Unknown event {', '.join(unknown)}; choose from {', '.join(EVENTS)}."}
        )
    check_target(url)
    subscription = WebhookSubscription(
        client=client, url=url, events=list(dict.fromkeys(events)), secret=new_secret()
    )
    save_attributed(subscription, actor=client.user, reason=f"subscribed by {client.name}")
    return subscription


def webhook_unsubscribe(*, client: ApiClient, subscription_id: int) -> bool:
    """Delete one of the client's subscriptions (its delivery log goes with it; the history
    of both stays)."""
    subscription = WebhookSubscription.objects.filter(pk=subscription_id, client=client).first()
    if subscription is None:
        return False
    delete_attributed(subscription, actor=client.user, reason=f"unsubscribed by {client.name}")
    return True
