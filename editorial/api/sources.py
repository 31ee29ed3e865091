"""/api/v1/sources and /api/v1/webhooks: a feed records a source's new version (the staleness
sweep runs as from the admin); a client manages its webhook subscriptions."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from ninja import Path, Router, Status

from articles.models import Source
from editorial import staleness
from editorial.api.auth import SOURCES_WRITE, WEBHOOKS_MANAGE, api_client
from editorial.api.problems import validation_problem
from editorial.api.schemas import (
    SourceVersionIn,
    SourceVersionRecorded,
    WebhookCreated,
    WebhookIn,
    WebhookOut,
)
from editorial.api.spec import errors
from editorial.models import WebhookSubscription
from editorial.webhooks.subscriptions import webhook_subscribe, webhook_unsubscribe

router = Router()
Id = Path(..., ge=1, le=2**62, description="The numeric id.")


@router.post(
    "/sources/{source_id}/versions",
    response={201: SourceVersionRecorded, **errors(400, 401, 403, 404, 413, 422, 429)},
    auth=SOURCES_WRITE,
    tags=["sources"],
    summary="Record a source version",
)
def source_version_record(request: HttpRequest, payload: SourceVersionIn, source_id: int = Id):
    """A guideline or label feed records a new version; approved articles citing the source
    go stale (the admin's sweep). Recording the current version again flags nothing."""
    source = Source.objects.filter(pk=source_id).first()
    if source is None:
        raise Http404(f"No source {source_id}.")
    try:
        flagged = staleness.source_record_version(
            source=source,
            version=payload.version,
            actor=request.user,
            effective_on=payload.effective_on,
            note=payload.note,
        )
    except ValidationError as exc:
        raise validation_problem(exc, "version") from None
    return Status(
        201,
        {
            "source_id": source.pk,
            "version": payload.version.strip(),
            "flagged": [a.slug for a in flagged],
        },
    )


def _out(sub: WebhookSubscription) -> dict:
    return {
        "id": sub.pk,
        "url": sub.url,
        "events": sub.events,
        "active": sub.active,
        "disabled_reason": sub.disabled_reason,
    }


@router.get(
    "/webhooks",
    response={200: list[WebhookOut], **errors(401, 403, 429)},
    auth=WEBHOOKS_MANAGE,
    tags=["webhooks"],
    summary="List subscriptions",
)
def webhook_list(request: HttpRequest):
    """This client's webhook subscriptions."""
    return Status(
        200, [_out(s) for s in WebhookSubscription.objects.filter(client=api_client(request))]
    )


@router.post(
    "/webhooks",
    response={201: WebhookCreated, **errors(400, 401, 403, 413, 422, 429)},
    auth=WEBHOOKS_MANAGE,
    tags=["webhooks"],
    summary="Subscribe",
)
def webhook_create(request: HttpRequest, payload: WebhookIn):
    """Subscribe to events; the answer carries the signing secret, shown this once."""
    try:
        sub = webhook_subscribe(client=api_client(request), url=payload.url, events=payload.events)
    except ValidationError as exc:
        raise validation_problem(exc) from None
    return Status(201, {**_out(sub), "secret": sub.secret})


@router.delete(
    "/webhooks/{subscription_id}",
    response={204: None, **errors(400, 401, 403, 404, 422, 429)},
    auth=WEBHOOKS_MANAGE,
    tags=["webhooks"],
    summary="Unsubscribe",
)
def webhook_delete(request: HttpRequest, subscription_id: int = Id):
    """Delete one of this client's subscriptions."""
    if not webhook_unsubscribe(client=api_client(request), subscription_id=subscription_id):
        raise Http404(f"No subscription {subscription_id} of this client.")
    return Status(204, None)
