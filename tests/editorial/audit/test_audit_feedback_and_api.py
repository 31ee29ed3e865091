"""Issue 15, point 2: reader feedback and the API's records are evidence like the rest.

A reader's report and its disposition join the article's chain; an API client, its keys
(issued, revoked) and its webhook subscriptions join the client's chain; each webhook delivery
(owed, every attempt's outcome, a replay) has its own. The runtime role cannot rewrite their
history; the owner who rewrites one and recomputes the chain is named by `verify_audit
--anchors`; a plain edit is caught by `verify_audit` alone, on SQLite too."""

import pytest
from django.apps import apps
from django.db import DatabaseError

from editorial.api.keys import api_client_ensure, api_key_issue, api_key_revoke
from editorial.audit.anchors import anchor_checkpoint
from editorial.audit.chain import chained_tables
from editorial.audit.db import protected_tables
from editorial.audit.verify import CONTENT_CHANGED, audit_verify
from editorial.feedback import feedback_resolve, feedback_submit
from editorial.models import AuditEntry, ObjectAuditEntry, WebhookDelivery
from editorial.webhooks import delivery_replay
from editorial.webhooks.delivery import delivery_send
from editorial.webhooks.events import ARTICLE_APPROVED, article_event
from editorial.webhooks.subscriptions import webhook_subscribe
from tests.editorial.audit.test_audit_anchors import (
    raw_sql,
    recompute_chain_as_an_attacker,
    verify_with_anchors,
    with_guards_off,
)
from tests.editorial.audit.test_audit_roles import REFUSED, as_runtime
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

# {history table's model: (the chain it joins, the history column naming the chain's object)}
CHAINS = {
    "editorial.historicalreaderfeedback": ("articles.article", "article_id"),
    "editorial.historicalapiclient": ("editorial.apiclient", "id"),
    "editorial.historicalapikey": ("editorial.apiclient", "client_id"),
    "editorial.historicalwebhooksubscription": ("editorial.apiclient", "client_id"),
    "editorial.historicalwebhookdelivery": ("editorial.webhookdelivery", "id"),
}


class Answer:
    status_code = 204
    text = ""


@pytest.fixture
def evidence(editor, monkeypatch):
    """A reader's report answered by an editor; a client with a key issued then revoked, a
    subscription, and one delivery sent (HTTP 204), then replayed by the editor."""
    article = ArticleFactory(approved=True)
    feedback = feedback_submit(
        article=article,
        kind="possible_error",
        message="The dose in table 2 looks ten times too high.",
        sender_address="203.0.113.9",
    )
    feedback_resolve(feedback=feedback, disposition="corrected", actor=editor, note="Fixed.")
    client = api_client_ensure(name="pipeline", user=editor, scopes="webhooks:manage")
    api_key_issue(client=client, actor=editor)
    api_key_revoke(key=client.keys.get(), actor=editor)
    webhook_subscribe(client=client, url="https://example.org/hook", events=[ARTICLE_APPROVED])
    assert article_event(article, ARTICLE_APPROVED) == 1
    delivery = WebhookDelivery.objects.get()
    monkeypatch.setattr("editorial.webhooks.delivery.httpx.post", lambda *a, **k: Answer())
    assert delivery_send(delivery_id=delivery.pk)
    delivery_replay(delivery=delivery, actor=editor)
    return {"article": article, "client": client, "delivery": delivery}


def linked(label: str) -> set[tuple[int, int]]:
    chain, _ = CHAINS[label]
    if chain == "articles.article":
        links = AuditEntry.objects.filter(model_label=label)
        return set(links.values_list("history_id", "article_id"))
    links = ObjectAuditEntry.objects.filter(model_label=label, chain=chain)
    return set(links.values_list("history_id", "object_id"))


def test_every_history_row_of_feedback_and_the_api_is_in_its_chain(evidence, editor):
    for label, (chain, column) in CHAINS.items():
        assert chained_tables()[label].chain == chain
        rows = set(apps.get_model(label).objects.values_list("history_id", column))
        assert rows, f"the scenario wrote no {label} row"
        assert linked(label) == rows, label
    key_history = apps.get_model("editorial.historicalapikey").objects.order_by("history_id")
    assert [(h.history_user, h.history_change_reason.split("… ")[1]) for h in key_history] == [
        (editor, "issued"),
        (editor, "revoked"),
    ]
    delivery = evidence["delivery"].history.order_by("history_id")
    assert [(h.status, h.history_change_reason) for h in delivery] == [
        ("pending", f"owed: {ARTICLE_APPROVED}"),
        ("delivered", "attempt 1: HTTP 204"),
        ("pending", "replayed"),
    ]
    assert delivery.last().history_user == editor
    # the secret never enters an append-only table
    subscription = apps.get_model("editorial.historicalwebhooksubscription")
    assert "secret" not in {f.name for f in subscription._meta.fields}
    assert audit_verify().is_ok


@pytest.mark.postgres
@pytest.mark.parametrize("label", CHAINS)
@pytest.mark.parametrize("verb", ["UPDATE", "DELETE"])
def test_the_runtime_role_cannot_rewrite_their_history_or_links(
    evidence, runtime_role, label, verb
):
    table = apps.get_model(label)._meta.db_table
    links, _ = first_link(label)
    assert table in protected_tables()
    attacks = {
        "UPDATE": [
            f"UPDATE {table} SET history_change_reason = 'nothing happened'",
            f"UPDATE {links._meta.db_table} SET entry_hash = '' WHERE model_label = '{label}'",
        ],
        "DELETE": [
            f"DELETE FROM {table}",
            f"DELETE FROM {links._meta.db_table} WHERE model_label = '{label}'",
        ],
    }
    for sql in attacks[verb]:
        with pytest.raises(DatabaseError, match=REFUSED):
            as_runtime(runtime_role, sql)
    assert linked(label)  # still there


def first_link(label: str):
    chain, _ = CHAINS[label]
    model = AuditEntry if chain == "articles.article" else ObjectAuditEntry
    return model, model.objects.filter(model_label=label).order_by("id").first()


def rewrite(label: str, history_id: int) -> None:
    table = apps.get_model(label)._meta.db_table
    raw_sql(
        f"UPDATE {table} SET history_change_reason = 'nothing happened' WHERE history_id = %s",
        [history_id],
    )


@pytest.mark.parametrize("label", CHAINS)
def test_the_owner_who_rewrites_their_history_and_recomputes_the_chain_is_named(evidence, label):
    anchor = anchor_checkpoint()
    entries, link = first_link(label)
    where = (
        {"article_id": link.article_id}
        if entries is AuditEntry
        else {"chain": link.chain, "object_id": link.object_id}
    )
    table = apps.get_model(label)._meta.db_table
    with with_guards_off([table, entries._meta.db_table]):
        rewrite(label, link.history_id)
        recompute_chain_as_an_attacker(entries, where)

    assert audit_verify().is_ok  # the chain alone is consistent again
    outcome = verify_with_anchors()
    assert f"entry #{link.sequence} ({label} history_id={link.history_id}," in outcome
    assert f"contradicts anchor {anchor['anchor_id']}" in outcome


@pytest.mark.parametrize("label", CHAINS)
def test_a_plain_edit_of_their_history_is_caught_without_anchors(evidence, label):
    _, link = first_link(label)
    with with_guards_off([apps.get_model(label)._meta.db_table]):
        rewrite(label, link.history_id)
    broken = audit_verify().first_break
    assert broken is not None
    assert (broken.model_label, broken.history_id, broken.sequence, broken.problem) == (
        label,
        link.history_id,
        link.sequence,
        CONTENT_CHANGED,
    )
