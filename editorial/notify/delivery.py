"""Send one email at most once: claim a delivery row, send, mark it sent (or failed).

The row's unique constraint (recipient + period or event) is the claim. A second run finds the
row and sends nothing; a failed send marks the row failed, so the retry may claim it again.

A worker killed between claim and mark leaves the row "sending". It is taken over by the same
task redelivered (Celery keeps the task id: task_reject_on_worker_lost), or by any run once the
claim is older than DELIVERY_RECLAIM_AFTER (longer than any task's time limit, so its claimer is
certainly dead; the hourly report run heals a missed report this way). If the kill came after
the SMTP server took the mail but before the row was marked sent, the person gets it twice: a
rare duplicate, never a loss.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from celery import current_task
from django.conf import settings
from django.contrib.auth.models import User
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone

from editorial.models import Delivery, DeliveryStatus, NotificationDelivery, ReportDelivery

log = logging.getLogger(__name__)

AnyDelivery = ReportDelivery | NotificationDelivery  # the concrete kinds (each has recipient)


@dataclass(frozen=True)
class Mail:
    """A rendered message: subject, plain text and HTML."""

    subject: str
    text: str
    html: str


def mail_render(template: str, context: dict) -> Mail:
    """Render templates/emails/<template>.{txt,html}; the subject is the context's `subject`."""
    context = {"site_url": settings.SITE_URL, **context}
    return Mail(
        subject=" ".join(context["subject"].split())[:200],
        text=render_to_string(f"emails/{template}.txt", context),
        html=render_to_string(f"emails/{template}.html", context),
    )


def _claimer() -> str:
    """The running task's id (kept across a redelivery and a retry), "" outside a task."""
    request = current_task.request if current_task else None
    return (getattr(request, "id", None) or "")[:255]


def delivery_claim(model: type[AnyDelivery], *, recipient: User, key: dict) -> Delivery | None:
    """Claim the (recipient, key) delivery; None when it was sent or is being sent."""
    now = timezone.now()
    claimer = _claimer()
    try:
        with transaction.atomic():
            return model.objects.create(
                recipient=recipient, claimed_at=now, claimed_by=claimer, **key
            )
    except IntegrityError:
        pass
    # A failed earlier attempt, or one left "sending" by a killed run of this same task or
    # long ago: take it over, unless another worker just did (guarded update).
    abandoned = Q(status=DeliveryStatus.SENDING) & (
        Q(claimed_at__lt=now - timedelta(seconds=settings.DELIVERY_RECLAIM_AFTER))
        | Q(
            claimed_at__isnull=True,
            created_at__lt=now - timedelta(seconds=settings.DELIVERY_RECLAIM_AFTER),
        )
        | (Q(claimed_by=claimer) & ~Q(claimed_by=""))
    )
    taken = (
        model.objects.filter(recipient=recipient, **key)
        .filter(Q(status=DeliveryStatus.FAILED) | abandoned)
        .update(status=DeliveryStatus.SENDING, claimed_at=now, claimed_by=claimer)
    )
    return model.objects.get(recipient=recipient, **key) if taken else None


def delivery_send(model: type[AnyDelivery], *, recipient: User, key: dict, mail: Mail) -> bool:
    """Send `mail` to `recipient` once per key; True if sent now. Raises on a failed send
    (after marking the row failed, so a retry sends)."""
    if not recipient.email:
        return False
    delivery = delivery_claim(model, recipient=recipient, key=key)
    if delivery is None:
        return False
    message = EmailMultiAlternatives(
        subject=mail.subject,
        body=mail.text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[recipient.email],
    )
    message.attach_alternative(mail.html, "text/html")
    attempts = models.F("attempts") + 1
    try:
        message.send()
    except Exception as exc:
        log.warning("email to %s (%s) failed: %s", recipient.email, key, exc)
        model.objects.filter(pk=delivery.pk).update(
            status=DeliveryStatus.FAILED, attempts=attempts, error=str(exc)[:2000]
        )
        raise
    model.objects.filter(pk=delivery.pk).update(
        status=DeliveryStatus.SENT,
        attempts=attempts,
        subject=mail.subject,
        error="",
        sent_at=timezone.now(),
    )
    log.info("email %r sent to %s (%s)", mail.subject, recipient.email, key)
    return True
