"""Webhook delivery: owed in the write's transaction, retried with backoff, disabled after a
run of failures (editors told), every attempt logged, replayable, never to private targets."""

from __future__ import annotations

import socket
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from articles.models import Source
from editorial import staleness, workflow
from editorial.access.roles import EDITORS
from editorial.models import WebhookDelivery, WebhookSubscription
from editorial.webhooks import delivery_replay
from editorial.webhooks.delivery import delivery_send, target_problem
from editorial.webhooks.subscriptions import webhook_subscribe
from editorial.webhooks.tasks import webhook_deliver_due
from tests.editorial.api.helpers import make_key
from tests.editorial.api.receiver import webhook_receiver
from tests.factories import ArticleFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def subscribed(editor):
    """An editor's client (it sees every article) subscribed to every event."""
    client, _ = make_key(editor, name="site")

    def subscribe(url: str) -> WebhookSubscription:
        return webhook_subscribe(client=client, url=url, events=["article.submitted",
            "article.stale", "source.version_recorded", "article.archived"])  # fmt: skip

    return subscribe


def test_rolled_back_action_owes_no_webhook(subscribed, author):
    subscribed("https://example.org/hook")
    article = ArticleFactory(author=author)
    with pytest.raises(RuntimeError), transaction.atomic():
        workflow.article_submit(article=article, actor=author)
        assert WebhookDelivery.objects.count() == 1
        raise RuntimeError("the request failed after the submit")
    assert not WebhookDelivery.objects.exists()


def test_author_clients_hear_only_about_their_own_articles(author, other_author):
    client, _ = make_key(other_author, name="other")
    webhook_subscribe(client=client, url="https://example.org/h", events=["article.submitted"])
    workflow.article_submit(article=ArticleFactory(author=author), actor=author)
    assert not WebhookDelivery.objects.exists()
    workflow.article_submit(article=ArticleFactory(author=other_author), actor=other_author)
    assert WebhookDelivery.objects.count() == 1


def test_source_version_sweep_owes_stale_and_version_events(subscribed, editor):
    approved = ArticleFactory(approved=True)
    subscribed("https://example.org/hook")
    source = approved.citations.get().source
    staleness.source_record_version(source=source, version="2027.1", actor=editor)
    events = sorted(WebhookDelivery.objects.values_list("event", flat=True))
    assert events == ["article.stale", "source.version_recorded"]
    stale = WebhookDelivery.objects.get(event="article.stale")
    assert stale.payload["data"]["slug"] == approved.slug


def test_failures_retry_with_backoff_then_disable_and_tell_editors(
    subscribed, settings, author, django_capture_on_commit_callbacks
):
    settings.WEBHOOK_DISABLE_AFTER = 3
    settings.WEBHOOK_RETRY_BACKOFF = 30
    UserFactory(username="ed", email="ed@example.org", groups=[EDITORS])
    with webhook_receiver() as receiver:
        receiver.status = 500
        sub = subscribed(receiver.url)
        with transaction.atomic():  # the test transaction never commits: send by hand below
            workflow.article_submit(article=ArticleFactory(author=author), actor=author)
        row = WebhookDelivery.objects.get()
        start = timezone.now()
        assert delivery_send(delivery_id=row.pk) is False
        row.refresh_from_db()
        assert (row.attempts, row.status) == (1, "pending")
        assert row.next_attempt_at - start >= timedelta(seconds=29)
        attempt = row.log.get()
        assert (attempt.status_code, attempt.response_excerpt) == (500, "nope")
        assert delivery_send(delivery_id=row.pk) is False  # not due yet: not sent
        assert len(receiver.received) == 1
        with time_machine.travel(start + timedelta(seconds=31)):
            assert webhook_deliver_due() == 0
        row.refresh_from_db()
        assert row.attempts == 2
        assert row.next_attempt_at - start >= timedelta(seconds=60)  # doubled
        with (
            time_machine.travel(start + timedelta(seconds=200)),
            django_capture_on_commit_callbacks(execute=True),
        ):
            webhook_deliver_due()
        sub.refresh_from_db()
        assert not sub.active
        assert "3 failed attempts" in sub.disabled_reason
        (notice,) = [m for m in mail.outbox if "Webhook disabled" in m.subject]
        assert sorted(notice.to) == ["ed@example.org", "editor-persona@example.org"]
        # the receiver is fixed; an editor re-enables and replays
        receiver.status = 204
        sub.active = True
        sub.save()
        delivery_replay(delivery=row)
        assert delivery_send(delivery_id=row.pk) is True
        row.refresh_from_db()
        assert row.status == "delivered"
        assert row.log.count() == 4
        assert len({h["webhook-id"] for h, _ in receiver.received}) == 1  # the same message


def test_private_and_loopback_targets_are_refused(settings, monkeypatch):
    settings.WEBHOOK_ALLOW_PRIVATE = False
    for url in (
        "http://127.0.0.1/h",
        "http://10.1.2.3/h",
        "http://[::1]/h",
        "http://169.254.169.254/",
    ):
        assert "private address" in target_problem(url), url

    def rebinding(host, *args, **kwargs):  # one public address, one private: refused
        return [
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.216.34", 443)),
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("192.168.0.5", 443)),
        ]

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    assert "192.168.0.5" in target_problem("https://hooks.example.org/h")


def test_production_requires_https(settings, editor):
    settings.WEBHOOK_REQUIRE_HTTPS = True
    client, _ = make_key(editor)
    with pytest.raises(ValidationError) as caught:
        webhook_subscribe(client=client, url="http://example.org/h", events=["article.stale"])
    assert "https" in caught.value.message_dict["url"][0]


def test_a_delivery_is_claimed_once(subscribed, author):
    subscribed("https://example.org/hook")
    with transaction.atomic():
        workflow.article_submit(article=ArticleFactory(author=author), actor=author)
    row = WebhookDelivery.objects.get()
    WebhookDelivery.objects.filter(pk=row.pk).update(
        claimed_until=timezone.now() + timedelta(minutes=1)
    )
    assert delivery_send(delivery_id=row.pk) is False  # another worker holds it
    assert not row.log.exists()


def test_api_source_version_runs_the_sweep(editor):
    from tests.editorial.api.helpers import Api

    _, key = make_key(editor)
    approved = ArticleFactory(approved=True)
    source = approved.citations.get().source
    response = Api(key).post(f"/sources/{source.pk}/versions", {"version": "2027.2"})
    assert response.status_code == 201, response.content
    assert response.json()["flagged"] == [approved.slug]
    approved.refresh_from_db()
    assert approved.status == "stale"
    assert Source.objects.get(pk=source.pk).current_version == "2027.2"
    assert Api(key).post("/sources/999999/versions", {"version": "1"}).status_code == 404
