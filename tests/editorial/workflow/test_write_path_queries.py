"""Issue 22 point 4: the write path's queries, pinned, and the behaviours its shortcuts could
break. Submit, assign and approve read what they need with the queries they run anyway (the
article lock says whether any client subscribes to webhooks; the round's lock brings the
decider's disclosures and whether the article has open flags; one query brings the sections
with the citations); the approval's outbox rows are one INSERT. Each shortcut is exact: with a
subscriber, a declared conflict or an open flag, the work is still done."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from editorial import workflow
from editorial.access.roles import is_editor
from editorial.models import OutboxMessage, StalenessFlag, WebhookDelivery
from editorial.webhooks.subscriptions import webhook_subscribe
from editorial.workflow.flags import CLOSED_BY_APPROVAL
from reviewers.models import ReviewAssignment
from tests.board import FULL_CHECKLIST, article_with, member
from tests.editorial.api.helpers import make_key
from tests.factories import ArticleFactory, DisclosureFactory, editor_user

pytestmark = pytest.mark.django_db

EVENTS = ["article.submitted", "article.review_started", "article.approved"]


def _statements(fn) -> list[str]:
    with CaptureQueriesContext(connection) as ctx:
        fn()
    # the test's transaction makes each service's atomic block a savepoint: not a round trip
    # the service pays in production (there: BEGIN and COMMIT, as bench/workflow.py counts)
    return [q["sql"] for q in ctx.captured_queries if "SAVEPOINT" not in q["sql"]]


def _walk(article, reviewer, editor) -> dict[str, list[str]]:
    """Submit, assign and approve `article`: each operation's statements."""
    author = article.author  # read here: the services get it with the article's lock
    is_editor(editor)  # the editor's groups, cached on the user as a request's are
    ran = {"submit": _statements(lambda: workflow.article_submit(article=article, actor=author))}
    assigned: list = []
    ran["assign"] = _statements(
        lambda: assigned.extend(
            workflow.review_assign(article=article, reviewers=[reviewer], actor=editor)
        )
    )
    ran["approve"] = _statements(
        lambda: workflow.review_decide(
            assignment=assigned[0],
            decision="approved",
            actor=reviewer.user,
            checklist=FULL_CHECKLIST,
        )
    )
    return ran


def _tables(statements: list[str]) -> list[str]:
    """Each statement's verb and first table, to name what ran."""
    named = []
    for sql in statements:
        if sql.startswith("WITH saved AS (UPDATE"):  # a save and its history row (pg_history)
            update, insert = re.findall(r'(?:UPDATE|INSERT INTO) "(\w+)"', sql)
            named.append(f"UPDATE {update} + INSERT {insert}")
            continue
        verb = sql.split()[0]
        table = sql.split('"')[1] if '"' in sql else ""
        named.append(f"{verb} {table}")
    return named


# What the shortcuts spare; each was a query of its own before issue 22.
SPARED = (
    'SELECT "editorial_webhooksubscription"."id"',  # no client subscribes (the article lock)
    'SELECT "editorial_stalenessflag"."id"',  # no open flag (the round's lock says)
    'SELECT "reviewers_disclosure"."id"',  # the members' (the decider's) query brings them
    'SELECT "articles_source"."issuer"',  # the cited issuers: members' query, signed content
    'SELECT "articles_section"."id"',  # the citations' query brings the sections
)


def test_write_path_spares_the_queries_it_does_not_need(django_capture_on_commit_callbacks):
    article, reviewer, editor = article_with(), member("MD"), editor_user()
    with django_capture_on_commit_callbacks():
        ran = _walk(article, reviewer, editor)
    for operation, statements in ran.items():
        assert not [sql for sql in statements if sql.startswith(SPARED)], operation
    assert _tables(ran["submit"]).count("SELECT articles_citation") == 1
    assert _tables(ran["assign"]).count("SELECT reviewers_boardmember") == 1
    assert _tables(ran["approve"]).count("SELECT articles_citation") == 1
    assert _tables(ran["approve"]).count("INSERT editorial_outboxmessage") == 1
    article.refresh_from_db()
    assert article.status == "approved"
    owed = OutboxMessage.objects.order_by("pk").values_list("task_name", flat=True)
    assert [name.rsplit(".", 1)[-1] for name in owed][-2:] == [
        "prerender_article",
        "notify_approved",
    ]


@pytest.mark.postgres
def test_write_path_queries_on_postgresql(django_capture_on_commit_callbacks):
    """3 + 6 + 7 statements; bench/workflow.py adds BEGIN and COMMIT to each: 5 + 8 + 9, where
    it counted 8 + 12 + 18 before issue 22 point 4. PostgreSQL chains the history rows by
    trigger, and writes a transition's save and its history row in one statement
    (editorial.audit.pg_history); SQLite from Python: more statements there, pinned above."""
    article, reviewer, editor = article_with(), member("MD"), editor_user()
    with django_capture_on_commit_callbacks():
        ran = _walk(article, reviewer, editor)
    # submit: the article locked (+ any subscription?); the citations with their sources and
    # the sections as one JSON column; the article saved with its history row
    assert _tables(ran["submit"]) == [
        "SELECT articles_article",
        "SELECT articles_citation",
        "UPDATE articles_article + INSERT articles_historicalarticle",
    ]
    # assign: the article locked (+ any subscription?); the members with "already assigned",
    # their current disclosures and the article's cited issuers; the assignment and its history
    # row; the article saved with its history row; the notice owed (outbox)
    assert _tables(ran["assign"]) == [
        "SELECT articles_article",
        "SELECT reviewers_boardmember",
        "INSERT reviewers_reviewassignment",
        "INSERT reviewers_historicalreviewassignment",
        "UPDATE articles_article + INSERT articles_historicalarticle",
        "INSERT editorial_outboxmessage",
    ]
    # approve: the article locked (+ any subscription?); the round locked (+ the reviewers'
    # disclosures, + any open flag?); the content signed (citations + sections); the decision
    # with its history row, and the signature; the article approved with its history row; the
    # pre-render and the approval notice owed, in one INSERT
    assert _tables(ran["approve"]) == [
        "SELECT articles_article",
        "SELECT reviewers_reviewassignment",
        "SELECT articles_citation",
        "UPDATE reviewers_reviewassignment + INSERT reviewers_historicalreviewassignment",
        "INSERT reviewers_signature",
        "UPDATE articles_article + INSERT articles_historicalarticle",
        "INSERT editorial_outboxmessage",
    ]


def test_with_a_subscriber_every_transition_still_owes_its_webhook(editor):
    client, _ = make_key(editor, name="site")
    webhook_subscribe(client=client, url="https://example.org/hook", events=EVENTS)
    article, reviewer = article_with(), member("MD")
    ran = _walk(article, reviewer, editor)
    events = list(WebhookDelivery.objects.order_by("pk").values_list("event", flat=True))
    assert events == EVENTS
    for operation in ("submit", "assign", "approve"):
        # the subscriptions are read again (then the delivery, its history row, its outbox row)
        assert "SELECT editorial_webhooksubscription" in _tables(ran[operation]), operation


def test_an_inactive_subscription_owes_nothing_and_costs_no_query(editor):
    client, _ = make_key(editor, name="site")
    subscription = webhook_subscribe(client=client, url="https://example.org/h", events=EVENTS)
    subscription.active = False
    subscription.save()
    ran = _walk(article_with(), member("MD"), editor)
    assert not WebhookDelivery.objects.exists()
    assert all("SELECT editorial_webhooksubscription" not in _tables(s) for s in ran.values())


def test_an_open_flag_is_still_closed_by_the_approval(editor):
    article = ArticleFactory(approved=True)
    workflow.article_flag_stale(article=article, reason="the label changed", actor=editor)
    # back to the board unchanged: last round's approvers are assigned again; the flag stays
    # open (triaged "confirmed") until the board approves
    workflow.article_rereview(article=article, actor=editor, note="still accurate")
    (flag,) = StalenessFlag.objects.filter(article=article)
    assert flag.resolved_at is None
    pending = list(ReviewAssignment.objects.filter(article=article, decision="pending"))
    assert pending
    for assignment in pending:
        last = _statements(
            lambda a=assignment: workflow.review_decide(
                assignment=a, decision="approved", actor=a.reviewer.user, checklist=FULL_CHECKLIST
            )
        )
    article.refresh_from_db()
    assert article.status == "approved"
    flag.refresh_from_db()
    assert flag.resolved_at is not None
    assert flag.history.latest().history_change_reason == CLOSED_BY_APPROVAL
    # the approving decision read the open flag (locked) and closed it: UPDATE + history row
    assert "SELECT editorial_stalenessflag" in _tables(last)
    assert "UPDATE editorial_stalenessflag" in _tables(last)


def test_an_expired_disclosure_lets_the_assignment_through_a_later_one_blocks_the_approval():
    article = article_with(label_issuer="Pfizer Oncology")
    md = member("MD")
    DisclosureFactory(member=md, organisation="Pfizer", kind="grant", until="2001-01-01")
    workflow.article_submit(article=article, actor=article.author)
    (assignment,) = workflow.review_assign(article=article, reviewers=[md], actor=editor_user())
    DisclosureFactory(member=md, organisation="Pfizer Inc.", kind="consulting")
    with pytest.raises(PermissionDenied, match="Pfizer Oncology") as exc:
        workflow.review_decide(
            assignment=assignment, decision="approved", actor=md.user, checklist=FULL_CHECKLIST
        )
    assert "Pfizer Inc." in str(exc.value)
    assignment.refresh_from_db()
    assert assignment.decision == "pending"


def test_assign_refuses_a_member_whose_current_disclosure_names_a_cited_issuer():
    article = article_with(label_issuer="Roche Diagnostics")
    workflow.article_submit(article=article, actor=article.author)
    free, conflicted, expired = member("MD"), member("MD"), member("PharmD")
    DisclosureFactory(member=conflicted, organisation="ROCHE", kind="grant")
    DisclosureFactory(member=expired, organisation="Roche", kind="grant", until="2001-01-01")
    with pytest.raises(ValidationError, match="Roche Diagnostics"):
        workflow.review_assign(article=article, reviewers=[free, conflicted], actor=editor_user())
    assert not ReviewAssignment.objects.filter(article=article).exists()
    assigned = workflow.review_assign(
        article=article, reviewers=[free, expired], actor=editor_user()
    )
    assert {a.reviewer_id for a in assigned} == {free.pk, expired.pk}


def test_a_decline_owes_both_notices_in_one_insert(editor):
    article, reviewer = article_with(), member("MD")
    workflow.article_submit(article=article, actor=article.author)
    (assignment,) = workflow.review_assign(article=article, reviewers=[reviewer], actor=editor)
    before = OutboxMessage.objects.count()
    decline = _statements(
        lambda: workflow.review_decide(
            assignment=assignment, decision="declined", actor=reviewer.user, comment="no time"
        )
    )
    assert _tables(decline).count("INSERT editorial_outboxmessage") == 1
    owed = OutboxMessage.objects.order_by("pk")[before:].values_list("task_name", flat=True)
    assert [name.rsplit(".", 1)[-1] for name in owed] == ["notify_decided", "notify_declined"]
