"""Webhook events: the workflow and the staleness services call these inside their
transaction. Each writes one WebhookDelivery row per interested subscription and enqueues its
delivery through the outbox in the same transaction: a rolled-back action owes nothing, a
committed one never loses its webhooks (the retry sweep re-sends whatever is still pending)."""

from __future__ import annotations

import uuid
from datetime import datetime

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from articles.models import Article, Source, Status
from editorial.access.roles import EDITORS, AnyUser
from editorial.audit.attribution import attribute
from editorial.models import WebhookDelivery, WebhookDeliveryStatus, WebhookSubscription
from editorial.outbox import outbox_enqueue
from editorial.webhooks.tasks import webhook_deliver

ARTICLE_SUBMITTED = "article.submitted"
ARTICLE_REVIEW_STARTED = "article.review_started"
ARTICLE_CHANGES_REQUESTED = "article.changes_requested"
ARTICLE_APPROVED = "article.approved"
ARTICLE_STALE = "article.stale"
ARTICLE_ARCHIVED = "article.archived"
SOURCE_VERSION_RECORDED = "source.version_recorded"
EVENTS = (
    ARTICLE_SUBMITTED, ARTICLE_REVIEW_STARTED, ARTICLE_CHANGES_REQUESTED, ARTICLE_APPROVED,
    ARTICLE_STALE, ARTICLE_ARCHIVED, SOURCE_VERSION_RECORDED,
)  # fmt: skip


def _subscriptions(event: str, author_ids: set[int] | None) -> list[WebhookSubscription]:
    """Active subscriptions to `event` whose client may see it (one query): for an article
    event, clients acting as an editor (`sees_all`) or as one of the articles' authors."""
    in_editors = User.groups.through.objects.filter(
        user_id=OuterRef("client__user_id"), group__name=EDITORS
    )
    rows = (
        WebhookSubscription.objects.filter(active=True, client__active=True)
        .select_related("client")
        .annotate(
            sees_all=ExpressionWrapper(
                Q(client__user__is_superuser=True) | Exists(in_editors),
                output_field=BooleanField(),
            )
        )
    )
    if author_ids is not None:
        rows = rows.filter(Q(sees_all=True) | Q(client__user_id__in=author_ids))
    # JSON "contains" is not on SQLite: the event list is short, filter here.
    return [s for s in rows if event in s.events]


def _emit(
    event: str,
    items: list[tuple[int | None, dict]],
    subscriptions: list[WebhookSubscription] | None = None,
) -> int:
    """One delivery per (item, subscription that may see it); returns how many were owed.
    `subscriptions`: the event's, already read (each item is still checked against them)."""
    if not items:
        return 0
    if subscriptions is None:
        authors = None if items[0][0] is None else {a for a, _ in items if a is not None}
        subscriptions = _subscriptions(event, authors)
    if not subscriptions:
        return 0
    now = timezone.now()
    rows = []
    for author_id, data in items:
        message_id = f"msg_{uuid.uuid4().hex}"
        payload = {"type": event, "timestamp": now.isoformat(), "data": data}
        for sub in subscriptions:
            sees_all = getattr(sub, "sees_all", False)  # the query's annotation
            if author_id is None or sees_all or sub.client.user_id == author_id:
                rows.append(
                    WebhookDelivery(
                        subscription=sub, message_id=message_id, event=event, payload=payload
                    )
                )
    # with their history rows (evidence of what was sent to whom; chained by the database)
    for delivery in bulk_create_with_history(
        rows, WebhookDelivery, default_change_reason=f"owed: {event}"
    ):
        outbox_enqueue(webhook_deliver.name, args=[delivery.pk])
    return len(rows)


ARTICLE_DATA_FIELDS = ("slug", "title", "status", "review_round", "updated_at")


def article_data(article: Article) -> dict:
    return _article_payload(*(getattr(article, name) for name in ARTICLE_DATA_FIELDS))


def _article_payload(
    slug: str, title: str, status: str, review_round: int, updated_at: datetime | None
) -> dict:
    return {
        "slug": slug,
        "title": title,
        "state": status,
        "round": review_round,
        "updated_at": updated_at.isoformat() if updated_at else None,
    }


def article_event(article: Article, event: str, *, subscribed: bool | None = None) -> int:
    """Owe `event` about this article to every subscribed client that may see it.
    `subscribed`: what SUBSCRIBED read in this transaction; False owes nothing and spares the
    subscriptions query (None: not read, query them)."""
    if subscribed is False:
        return 0
    return _emit(event, [(article.author_id, article_data(article))])


def article_state_event(article: Article, *, subscribed: bool | None = None) -> int:
    """The event for the state the article just reached, if that state has one."""
    event = STATE_EVENTS.get(article.status)
    return article_event(article, event, subscribed=subscribed) if event else 0


def any_subscription() -> Exists:
    """Whether any client subscribes to anything (an active subscription of an active client):
    an annotation for a query the transition runs anyway (its article lock), read back with
    subscribed_in and passed to article_state_event. Exact: every subscription _subscriptions
    could return satisfies it, so False means that query would find none. It reads the lock
    statement's snapshot where _subscriptions read a later statement's: a subscription committed
    while the transition runs is concurrent with it either way (nothing writes subscriptions
    under the article lock, so waiting for that lock hides none written by its holder)."""
    return Exists(WebhookSubscription.objects.filter(active=True, client__active=True))


SUBSCRIBED = "webhooks_subscribed"


def subscribed_in(row: object) -> bool | None:
    """What `.annotate(**{SUBSCRIBED: any_subscription()})` read onto `row` (None: not read)."""
    return getattr(row, SUBSCRIBED, None)


STATE_EVENTS = {
    Status.SUBMITTED: ARTICLE_SUBMITTED,
    Status.UNDER_REVIEW: ARTICLE_REVIEW_STARTED,
    Status.CHANGES_REQUESTED: ARTICLE_CHANGES_REQUESTED,
    Status.APPROVED: ARTICLE_APPROVED,
    Status.STALE: ARTICLE_STALE,
    Status.ARCHIVED: ARTICLE_ARCHIVED,
}


def articles_swept_stale(now: datetime) -> int:
    """article.stale for every article the staleness sweep stamped at `now` (it sets
    updated_at = now on the rows it moves): one query for the subscriptions, then (only if
    any) one for the articles, as tuples (a sweep may move 10,000), and one per event batch."""
    subscriptions = _subscriptions(ARTICLE_STALE, None)
    if not subscriptions:
        return 0
    moved = Article.objects.filter(status=Status.STALE, updated_at=now).values_list(
        "author_id", *ARTICLE_DATA_FIELDS
    )
    items = [(author_id, _article_payload(*data)) for author_id, *data in moved]
    return _emit(ARTICLE_STALE, items, subscriptions)


def source_version_event(source: Source, *, previous: str, flagged: int) -> int:
    """source.version_recorded to every subscribed client."""
    data = {
        "source_id": source.pk,
        "title": source.title,
        "version": source.current_version,
        "previous_version": previous,
        "articles_flagged": flagged,
    }
    return _emit(SOURCE_VERSION_RECORDED, [(None, data)])


def delivery_replay(*, delivery: WebhookDelivery, actor: AnyUser = None) -> None:
    """Send a delivery again now, from the admin (same webhook-id: the receiver can tell);
    its history row names who asked."""
    with transaction.atomic():
        row = WebhookDelivery.objects.select_for_update().get(pk=delivery.pk)
        row.status, row.next_attempt_at = WebhookDeliveryStatus.PENDING, timezone.now()
        row.claimed_until = None
        attribute(row, actor=actor, reason="replayed")
        row.save(update_fields=["status", "next_attempt_at", "claimed_until"])
        outbox_enqueue(webhook_deliver.name, args=[delivery.pk])
