"""The issue's end-to-end test: a pipeline drafts and submits through the API, the board
approves through the services, a local receiver gets the signed webhooks exactly once each,
the publishing site reads the approved content, and a revision does not change it."""

from __future__ import annotations

import json
from collections import Counter

import pytest
from standardwebhooks.webhooks import Webhook

from articles.models import Article
from editorial import workflow
from editorial.access.roles import EDITORS
from tests.editorial.api.helpers import Api, draft_body, make_key
from tests.editorial.api.receiver import webhook_receiver
from tests.factories import BoardMemberFactory, UserFactory

EVENTS = ["article.submitted", "article.review_started", "article.approved", "article.stale"]


@pytest.mark.django_db(transaction=True)
def test_draft_submit_approve_publish_with_signed_webhooks(author):
    _, key = make_key(author)
    api = Api(key)
    with webhook_receiver() as receiver:
        hook = api.post("/webhooks", {"url": receiver.url, "events": EVENTS})
        assert hook.status_code == 201, hook.content
        secret = hook.json()["secret"]

        created = api.post("/articles", draft_body(sections=3, citations=2))
        assert created.status_code == 201, created.content
        slug = created.json()["slug"]
        assert api.get(f"/articles/{slug}/published").status_code == 404  # not approved yet
        assert api.post(f"/articles/{slug}/submit").json()["state"] == "submitted"

        editor = UserFactory(groups=[EDITORS])
        member = BoardMemberFactory(credentials="MD")
        article = Article.objects.get(slug=slug)
        (assignment,) = workflow.review_assign(article=article, reviewers=[member], actor=editor)
        status = api.get(f"/articles/{slug}/status").json()
        assert status["state"] == "under_review"
        assert status["tracker_step"] == 2
        assert status["assignments"] == [{"name": str(member), "round": 1, "decision": "pending"}]
        workflow.review_decide(assignment=assignment, decision="approved", actor=member.user)

        events = [json.loads(body)["type"] for _, body in receiver.received]
        assert Counter(events) == {
            "article.submitted": 1,
            "article.review_started": 1,
            "article.approved": 1,
        }
        verifier = Webhook(secret)
        ids = set()
        for headers, body in receiver.received:
            payload = verifier.verify(body, headers)  # raises on a bad signature
            assert payload["data"]["slug"] == slug
            ids.add(headers["webhook-id"])
        assert len(ids) == 3
        with pytest.raises(Exception):  # noqa: B017 (any verification error)
            Webhook(secret).verify(body.replace(b"approved", b"rejected"), headers)

    published = api.get(f"/articles/{slug}/published")
    assert published.status_code == 200, published.content
    approved = published.json()
    assert approved["title"] == "Does drug X help?"
    assert approved["reviewers"][0]["name"] == member.printed_name
    assert approved["reviewers"][0]["credentials"] == "MD"
    assert len(approved["sections"]) == 3
    assert "<p>" in approved["sections"][0]["html"]
    assert [r["number"] for r in approved["references"]] == [1, 2]
    assert len(approved["content_sha256"]) == 64
    assert approved["next_review_due"]

    # a revision: the draft changes, the published content stays the approved one
    workflow.article_start_revision(article=Article.objects.get(slug=slug), actor=author)
    etag = api.get(f"/articles/{slug}")["ETag"]
    revised = api.patch(
        f"/articles/{slug}", {"title": "Does drug X help adults?"}, **{"If-Match": etag}
    )
    assert revised.status_code == 200, revised.content
    during = api.get(f"/articles/{slug}/published").json()
    assert during.pop("state") == "draft"  # the article's state now: a revision under way
    assert during == {k: v for k, v in approved.items() if k != "state"}
