"""Editors manage API clients in the admin: a key shown once, stored hashed; replay."""

from __future__ import annotations

import pytest
from django.db import transaction

from editorial import workflow
from editorial.api.keys import key_hash
from editorial.models import ApiClient, ApiKey, WebhookDelivery
from editorial.webhooks.subscriptions import webhook_subscribe
from tests.editorial.api.helpers import Api
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def test_editor_creates_a_client_and_issues_a_key_shown_once(client, editor, author):
    client.force_login(editor)
    response = client.post(
        "/admin/editorial/apiclient/add/",
        {
            "name": "answer-pipeline", "user": author.pk, "scopes": ["drafts:write"],
            "allowed_ips": "", "rate_limit_per_minute": 60, "active": "on",
            "keys-TOTAL_FORMS": 0, "keys-INITIAL_FORMS": 0,
        },
    )  # fmt: skip
    assert response.status_code == 302, response.content
    api_client = ApiClient.objects.get(name="answer-pipeline")
    assert api_client.scopes == ["drafts:write"]
    page = client.post(
        "/admin/editorial/apiclient/",
        {"action": "issue_key", "_selected_action": [api_client.pk]},
    )
    assert page.status_code == 200
    key = page.context["keys"][0][1]
    assert key in page.content.decode()
    stored = ApiKey.objects.get(client=api_client)
    assert stored.key_hash == key_hash(key) and key not in stored.key_hash
    assert Api(key).post("/articles", {"title": "x"}).status_code in (201, 422)


def test_bad_allow_list_entry_is_refused(client, editor, author):
    client.force_login(editor)
    response = client.post(
        "/admin/editorial/apiclient/add/",
        {
            "name": "p", "user": author.pk, "scopes": ["drafts:write"],
            "allowed_ips": "not-an-ip", "rate_limit_per_minute": 60,
            "keys-TOTAL_FORMS": 0, "keys-INITIAL_FORMS": 0,
        },
    )  # fmt: skip
    assert response.status_code == 200
    assert "not an address" in response.content.decode()
    assert not ApiClient.objects.exists()


def test_editor_replays_a_delivery(client, editor, author, django_capture_on_commit_callbacks):
    api_client = ApiClient.objects.create(name="site", user=editor, scopes=["articles:read"])
    webhook_subscribe(client=api_client, url="https://example.org/h", events=["article.submitted"])
    with transaction.atomic():
        workflow.article_submit(article=ArticleFactory(author=author), actor=author)
    delivery = WebhookDelivery.objects.get()
    WebhookDelivery.objects.filter(pk=delivery.pk).update(status="failed")
    client.force_login(editor)
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(
            "/admin/editorial/webhookdelivery/",
            {"action": "replay", "_selected_action": [delivery.pk]},
        )
    assert response.status_code == 302
    delivery.refresh_from_db()
    assert delivery.status == "pending"
    assert len(callbacks) == 1  # the delivery task, published after commit
    assert client.get(f"/admin/editorial/webhookdelivery/{delivery.pk}/change/").status_code == 200
