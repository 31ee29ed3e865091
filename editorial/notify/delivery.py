"""Send one email at most once: claim a delivery row, send, mark it sent (or failed).

The row's unique constraint (recipient + period or event) is the claim. A second run finds the
row and sends nothing; a failed send marks the row failed, so the retry may claim it again. A
worker killed between claim and send leaves the row "sending": that person misses one mail
rather than getting two (the row is visible in the admin).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import User
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, models, transaction
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


def delivery_claim(model: type[AnyDelivery], *, recipient: User, key: dict) -> Delivery | None:
    """Claim the (recipient, key) delivery; None when it was sent or is being sent."""
    try:
        with transaction.atomic():
            return model.objects.create(recipient=recipient, **key)
    except IntegrityError:
        pass
    # A failed earlier attempt: take it over, unless another worker just did (guarded update).
    taken = model.objects.filter(recipient=recipient, status=DeliveryStatus.FAILED, **key).update(
        status=DeliveryStatus.SENDING
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
