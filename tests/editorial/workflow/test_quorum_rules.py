"""The quorum table: physicians by risk, a pharmacist when a drug label is cited, no changes
requested in the round. Each case runs through the real workflow services."""

import pytest

from editorial import workflow
from editorial.workflow.quorum import quorum_state
from reviewers.models import ReviewAssignment
from tests.board import article_with, member, start_review

pytestmark = pytest.mark.django_db

ASK = "changes_requested"


@pytest.mark.parametrize(
    ("risk", "cites_label", "decisions", "status", "missing"),
    [
        ("standard", False, [("MD", "approved")], "approved", []),
        ("standard", False, [("DO", "approved")], "approved", []),
        (
            "standard",
            False,
            [("PharmD", "approved")],
            "under_review",
            ["1 more physician approval"],
        ),
        ("high", False, [("MD", "approved")], "under_review", ["1 more physician approval"]),
        ("high", False, [("MD", "approved"), ("DO", "approved")], "approved", []),
        (
            "high",
            False,
            [("MD", "approved"), ("PharmD", "approved")],
            "under_review",
            ["1 more physician approval"],
        ),
        ("standard", True, [("MD", "approved")], "under_review", ["a pharmacist approval"]),
        ("standard", True, [("PharmD", "approved"), ("MD", "approved")], "approved", []),
        (
            "high",
            True,
            [("MD", "approved"), ("DO", "approved")],
            "under_review",
            ["a pharmacist approval"],
        ),
        (
            "high",
            True,
            [("PharmD", "approved")],
            "under_review",
            ["2 more physician approvals"],
        ),
        (
            "high",
            True,
            [("MD", "approved"), ("PharmD", "approved"), ("DO", "approved")],
            "approved",
            [],
        ),
        # a request for changes in the round settles it, whatever the approvals
        ("standard", False, [("MD", ASK), ("DO", "approved")], "changes_requested", []),
        ("high", True, [("MD", "approved"), ("PharmD", ASK)], "changes_requested", []),
    ],
)
def test_quorum_table(risk, cites_label, decisions, status, missing):
    article = article_with(risk=risk, label_issuer="Pfizer" if cites_label else None)
    members = [member(credentials) for credentials, _ in decisions]
    assignments = start_review(article, members)
    article.refresh_from_db()
    for assignment, (_, decision) in zip(assignments, decisions, strict=True):
        if article.status != "under_review":
            break
        article = workflow.review_decide(
            assignment=assignment, decision=decision, actor=assignment.reviewer.user, comment="x"
        ).article
    assert article.status == status
    if status == "under_review":
        state = quorum_state(article, ReviewAssignment.objects.current_round(article))
        assert state.missing == missing
        assert not state.is_met


def test_changes_requested_after_approvals_blocks_the_quorum_of_the_round():
    article = article_with(risk="high")
    first, second, third = start_review(article, [member("MD"), member("DO"), member("MD")])
    workflow.review_decide(assignment=first, decision="approved", actor=first.reviewer.user)
    workflow.review_decide(
        assignment=second, decision=ASK, actor=second.reviewer.user, comment="Dose is wrong."
    )
    # a late approval reaches the physician count, but the round asked for changes
    workflow.review_decide(assignment=third, decision="approved", actor=third.reviewer.user)
    article.refresh_from_db()
    state = quorum_state(article, ReviewAssignment.objects.current_round(article))
    assert state.physician_approvals == 2 and state.missing == []
    assert state.changes_requested and not state.is_met
    assert article.status == "changes_requested"


def test_pharmacist_rule_is_a_setting(settings):
    settings.REVIEW_PHARMACIST_FOR_LABELS = False
    article = article_with(label_issuer="Pfizer")
    (assignment,) = start_review(article, [member("MD")])
    result = workflow.review_decide(
        assignment=assignment, decision="approved", actor=assignment.reviewer.user
    )
    assert result.article.status == "approved"


def test_a_dual_credentialed_member_counts_once():
    article = article_with(label_issuer="Pfizer")  # standard: 1 physician + the pharmacist
    (assignment,) = start_review(article, [member("MD, PharmD")])
    result = workflow.review_decide(
        assignment=assignment, decision="approved", actor=assignment.reviewer.user
    )
    assert result.article.status == "under_review"
    state = quorum_state(result.article, ReviewAssignment.objects.current_round(result.article))
    assert state.missing == ["a pharmacist approval"]


def test_decision_reason_counts_approvals_towards_the_whole_quorum():
    article = article_with(risk="high", label_issuer="Pfizer")
    pharmacist, ada = member("PharmD"), member("MD", user__first_name="Ada", user__last_name="Q")
    assignments = start_review(article, [pharmacist, ada])
    for a in assignments:
        workflow.review_decide(assignment=a, decision="approved", actor=a.reviewer.user)
    latest = ReviewAssignment.history.filter(reviewer=ada).first()
    assert latest.history_change_reason == "approved by Ada Q, MD (2 of 3)"
