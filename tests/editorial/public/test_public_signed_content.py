"""Issue 20 point 9: only signed content is served as reviewed."""

import pytest
from django.core.management import CommandError, call_command

from articles.models import Article
from editorial.audit.snapshots import unsigned_snapshots
from tests.editorial.api.helpers import Api, make_key
from tests.editorial.public_helpers import article_url
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

BADGE = "Reviewed for accuracy by our board"


def _tamper(article: Article) -> None:
    snapshot = dict(article.approved_snapshot)
    snapshot["summary"] = "Take twice the dose."
    Article.objects.filter(pk=article.pk).update(approved_snapshot=snapshot)  # no history, no FSM


def test_snapshot_changed_outside_the_workflow_is_served_as_pending(client):
    article = ArticleFactory(approved=True)
    reviewer_name = article.assignments.get().reviewer.user.get_full_name()
    first = client.get(article_url(article))
    html = first.content.decode()
    assert BADGE in html and reviewer_name in html
    assert 'data-review-state="reviewed"' in html

    _tamper(article)
    response = client.get(article_url(article), HTTP_IF_NONE_MATCH=first["ETag"])
    assert response.status_code == 200  # not a 304 of the reviewed page
    html = response.content.decode()
    assert 'data-review-state="pending"' in html
    assert BADGE not in html
    assert reviewer_name not in html
    assert "pending human review" in html
    assert "lastReviewed" not in html and "reviewedBy" not in html


def test_verify_audit_names_the_unsigned_snapshot(capsys):
    good = ArticleFactory(approved=True)
    bad = ArticleFactory(approved=True)
    call_command("verify_audit")  # all signed: passes
    _tamper(bad)
    with pytest.raises(CommandError, match="not covered by a signature"):
        call_command("verify_audit")
    out = capsys.readouterr().out
    assert f"UNSIGNED article {bad.slug!r}" in out
    assert f"UNSIGNED article {good.slug!r}" not in out


def _card(html: str, article: Article) -> str:
    """The index card of `article`: its review tag."""
    card = html[: html.index(f"/articles/{article.slug}/")].rsplit('<li class="article-card">')[-1]
    for tag in ("Pending review", "Being re-reviewed", "✓ Board reviewed"):
        if tag in card:
            return tag
    return card


# committed transactions, as in production: the tamper is a write of its own (PostgreSQL's row
# version, which the index's ETag follows, changes per transaction)
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("path", ["/", "/?q=treatment"])
def test_index_and_search_show_a_tampered_snapshot_as_pending(client, path):
    good = ArticleFactory(approved=True)
    bad = ArticleFactory(approved=True)
    first = client.get(path)
    html = first.content.decode()
    assert _card(html, good) == _card(html, bad) == "✓ Board reviewed"

    _tamper(bad)  # updated_at unchanged: the cached page and the reader's ETag must not hold
    response = client.get(path, HTTP_IF_NONE_MATCH=first["ETag"])
    assert response.status_code == 200
    html = response.content.decode()
    assert _card(html, bad) == "Pending review"
    assert _card(html, good) == "✓ Board reviewed"


def test_index_checks_every_card_in_a_flat_number_of_queries(client, django_assert_max_num_queries):
    for _ in range(2):
        _tamper(ArticleFactory(approved=True))
    ArticleFactory(approved=True)
    # 1 the page's ids, last saves and row versions, 1 those articles with their approvals
    # (one subquery column: no query per card), 1 specialties (the directory)
    with django_assert_max_num_queries(3):
        small = client.get("/").content.decode()
    assert small.count("Pending review") == 2 and small.count("✓ Board reviewed") == 1
    for _ in range(8):
        _tamper(ArticleFactory(approved=True))
    for _ in range(8):
        ArticleFactory(approved=True)
    with django_assert_max_num_queries(3):
        large = client.get("/").content.decode()
    assert large.count("Pending review") == 10 and large.count("✓ Board reviewed") == 9


def test_api_published_view_serves_a_tampered_snapshot_as_pending(author):
    article = ArticleFactory(approved=True)
    _, key = make_key(author)
    api = Api(key)
    before = api.get(f"/articles/{article.slug}/published").json()
    assert before["review_state"] == "reviewed" and before["reviewers"]
    assert before["approved_at"] and before["next_review_due"]

    _tamper(article)
    after = api.get(f"/articles/{article.slug}/published")
    assert after.status_code == 200
    data = after.json()
    assert data["review_state"] == "pending"
    assert data["reviewers"] == []
    assert data["approved_at"] is None and data["last_reviewed_at"] is None
    assert data["next_review_due"] is None
    assert data["summary"] == "Take twice the dose."  # served, but never as reviewed


def test_verify_audit_accepts_a_legacy_snapshot_without_a_round_and_names_a_forged_round():
    article = ArticleFactory(approved=True)
    snapshot = dict(article.approved_snapshot)
    del snapshot["review_round"]  # not content: the signatures still cover it
    Article.objects.filter(pk=article.pk).update(approved_snapshot=snapshot)
    assert unsigned_snapshots() == []
    snapshot["review_round"] = 7  # a round nobody signed
    Article.objects.filter(pk=article.pk).update(approved_snapshot=snapshot)
    assert [u.slug for u in unsigned_snapshots()] == [article.slug]
