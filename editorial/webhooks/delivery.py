"""Sending one webhook delivery: claim it, check the target, sign (Standard Webhooks), POST,
log the attempt, then mark it delivered, schedule the retry with backoff, or give up. A run of
failures disables the subscription and tells the editors."""

from __future__ import annotations

import ipaddress
import json
import logging
import socket
import time
from datetime import datetime, timedelta
from urllib.parse import urlsplit

import httpx
from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from standardwebhooks.webhooks import Webhook

from editorial.access.roles import EDITORS
from editorial.audit.attribution import attribute
from editorial.models import (
    WebhookAttempt,
    WebhookDelivery,
    WebhookDeliveryStatus,
    WebhookSubscription,
)

logger = logging.getLogger(__name__)
EXCERPT = 500  # characters of the receiver's answer kept with each attempt
CLAIM_SECONDS = 60  # beyond the HTTP timeout: a worker killed mid-send frees it after this


def target_problem(url: str) -> str:
    """Why `url` may not receive webhooks, or "": https in production, and no private,
    loopback, link-local or reserved address behind its host unless WEBHOOK_ALLOW_PRIVATE
    (every address the host resolves to is checked)."""
    parts = urlsplit(url)
    try:
        parts.port  # noqa: B018 (a malformed port raises)
    except ValueError:
        return "The URL's port is not valid."
    if parts.scheme not in ("https", "http") or not parts.hostname:
        return "The URL must start with https:// and name a host."
    if settings.WEBHOOK_REQUIRE_HTTPS and parts.scheme != "https":
        return "Webhook URLs must use https."
    if settings.WEBHOOK_ALLOW_PRIVATE:
        return ""
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or 443, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        return f"The host {parts.hostname} does not resolve."
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%")[0])
        if not address.is_global or address.is_multicast:
            return f"The host {parts.hostname} resolves to a private address ({address})."
    return ""


def check_target(url: str) -> None:
    """ValidationError({"url": ...}) for a URL that may not receive webhooks."""
    problem = target_problem(url)
    if problem:
        raise ValidationError({"url": problem})


def _claim(delivery_id: int, now: datetime) -> WebhookDelivery | None:
    """Compare-and-set: the pending, due, unclaimed delivery becomes ours, or None."""
    claimed = WebhookDelivery.objects.filter(
        Q(claimed_until__isnull=True) | Q(claimed_until__lt=now),
        pk=delivery_id,
        status=WebhookDeliveryStatus.PENDING,
        subscription__active=True,
        next_attempt_at__lte=now,
    ).update(claimed_until=now + timedelta(seconds=settings.WEBHOOK_TIMEOUT + CLAIM_SECONDS))
    if not claimed:
        return None
    return WebhookDelivery.objects.select_related("subscription__client").get(pk=delivery_id)


def _post(delivery: WebhookDelivery) -> tuple[int | None, str, str]:
    """(status code or None, response excerpt, error) of one signed POST; no redirects."""
    sub = delivery.subscription
    problem = target_problem(sub.url)
    if problem:
        return None, "", problem
    body = json.dumps(delivery.payload, separators=(",", ":"))
    sent_at = timezone.now()
    headers = {
        "content-type": "application/json",
        "user-agent": "Imprimatur-Webhooks/1",
        "webhook-id": delivery.message_id,
        "webhook-timestamp": str(int(sent_at.timestamp())),
        "webhook-signature": Webhook(sub.secret).sign(delivery.message_id, sent_at, body),
    }
    try:
        response = httpx.post(
            sub.url, content=body, headers=headers, timeout=settings.WEBHOOK_TIMEOUT
        )
    except httpx.HTTPError as exc:
        return None, "", f"{type(exc).__name__}: {exc}"[:300]
    return response.status_code, response.text[:EXCERPT], ""


def delivery_send(*, delivery_id: int) -> bool:
    """Attempt one delivery if it is due and nobody else holds it; True when delivered."""
    now = timezone.now()
    delivery = _claim(delivery_id, now)
    if delivery is None:
        return False
    started = time.monotonic()
    status_code, excerpt, error = _post(delivery)
    latency = int((time.monotonic() - started) * 1000)
    ok = status_code is not None and 200 <= status_code < 300
    error = error or ("" if ok else f"HTTP {status_code}")
    with transaction.atomic():
        WebhookAttempt.objects.create(
            delivery=delivery,
            attempted_at=now,
            status_code=status_code,
            latency_ms=latency,
            response_excerpt=excerpt,
            error=error,
        )
        _record_outcome(delivery, ok, now, f"HTTP {status_code}" if ok else error)
    return ok


def _record_outcome(delivery: WebhookDelivery, ok: bool, now: datetime, outcome: str) -> None:
    """The attempt's outcome on the delivery; its history row (chained) says what happened."""
    delivery.attempts += 1
    delivery.claimed_until = None
    sub = delivery.subscription
    if ok:
        delivery.status = WebhookDeliveryStatus.DELIVERED
        delivery.delivered_at = now
        WebhookSubscription.objects.filter(pk=sub.pk).update(consecutive_failures=0)
    else:
        if delivery.attempts >= settings.WEBHOOK_MAX_ATTEMPTS:
            delivery.status = WebhookDeliveryStatus.FAILED
        wait = settings.WEBHOOK_RETRY_BACKOFF * 2 ** (delivery.attempts - 1)
        delivery.next_attempt_at = now + timedelta(seconds=min(wait, 6 * 3600))
        WebhookSubscription.objects.filter(pk=sub.pk).update(
            consecutive_failures=F("consecutive_failures") + 1
        )
        _disable_after_failures(sub.pk)
    attribute(delivery, actor=None, reason=f"attempt {delivery.attempts}: {outcome}")
    delivery.save(
        update_fields=["attempts", "claimed_until", "status", "delivered_at", "next_attempt_at"]
    )


def _disable_after_failures(subscription_id: int) -> None:
    """WEBHOOK_DISABLE_AFTER failed attempts in a row: stop sending and tell the editors."""
    limit = settings.WEBHOOK_DISABLE_AFTER
    reason = f"Disabled after {limit} failed attempts in a row."
    sub = (
        WebhookSubscription.objects.select_for_update()
        .select_related("client")
        .filter(pk=subscription_id, active=True, consecutive_failures__gte=limit)
        .first()
    )
    if sub is None:
        return
    sub.active, sub.disabled_reason = False, reason
    attribute(sub, actor=None, reason=reason)  # a history row: the system stopped sending
    sub.save(update_fields=["active", "disabled_reason"])
    transaction.on_commit(lambda: _tell_editors(sub), robust=True)


def _tell_editors(sub: WebhookSubscription) -> None:
    emails = list(
        User.objects.filter(groups__name=EDITORS, is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
        .distinct()
    )
    if emails:
        send_mail(
            f"Webhook disabled: {sub.client} → {sub.url}",
            f"{sub.disabled_reason}\n\nIts deliveries stay pending; fix the receiver, then "
            f"re-enable the subscription and replay them in the admin ({settings.SITE_URL}).",
            None,
            emails,
        )
    logger.warning("webhook subscription %s disabled: %s", sub.pk, sub.disabled_reason)


def deliveries_due(limit: int = 500) -> list[int]:
    """Ids of pending deliveries whose attempt is due, on active subscriptions."""
    return list(
        WebhookDelivery.objects.filter(
            status=WebhookDeliveryStatus.PENDING,
            next_attempt_at__lte=timezone.now(),
            subscription__active=True,
        )
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
