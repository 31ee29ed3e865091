"""The editorial policy page states the rules the system enforces, from the live settings."""

import pytest
from django.test import override_settings

pytestmark = pytest.mark.django_db


def _text(client) -> str:
    response = client.get("/editorial-policy/")
    assert response.status_code == 200
    return " ".join(response.content.decode().split())


@override_settings(
    REVIEW_QUORUM={"standard": 2, "high": 3},
    REVIEW_INTERVAL_DAYS={"standard": 400, "high": 90},
    REVIEW_DUE_DAYS=5,
)
def test_policy_states_quorum_intervals_and_due_days_from_settings(client):
    text = _text(client)
    assert '<th scope="row">Standard</th><td>2 physicians (MD or DO)</td>' in text
    assert "<td>every 400 days</td>" in text
    assert '<th scope="row">High</th><td>3 physicians (MD or DO)</td><td>every 90 days</td>' in text
    assert "within 5 days of being assigned" in text


@override_settings(REVIEW_QUORUM={"standard": 1, "high": 1}, REVIEW_DUE_DAYS=1)
def test_policy_uses_singular_for_one(client):
    text = _text(client)
    assert "<td>1 physician (MD or DO)</td>" in text
    assert "within 1 day of being assigned" in text


def test_policy_states_the_conflict_of_interest_rule(client):
    assert "is not assigned to review that article" in _text(client)


@override_settings(PUBLIC_SHOWS_PENDING=True)
def test_policy_says_pending_articles_are_shown_when_they_are(client):
    text = _text(client)
    assert "clearly marked <em>pending review</em>" in text


@override_settings(PUBLIC_SHOWS_PENDING=False)
def test_policy_says_unapproved_articles_are_not_published_when_hidden(client):
    text = _text(client)
    assert "Articles that the board has not yet approved are not published." in text
    assert "pending review" not in text


@override_settings(REVIEW_PHARMACIST_FOR_LABELS=False)
def test_policy_omits_pharmacist_rule_when_switched_off(client):
    assert "approval of a clinical pharmacist" not in _text(client)


def test_policy_states_pharmacist_rule_by_default(client):
    assert "cites a drug label also needs the approval of a clinical pharmacist" in _text(client)
