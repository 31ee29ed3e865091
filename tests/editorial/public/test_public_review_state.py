"""Issue 20 point 1: what readers see follows the board, not the editor's triage."""

import json
import re

import pytest

from editorial import workflow
from editorial.models import StalenessFlag
from editorial.staleness import article_resolve_staleness, source_record_version
from reviewers.models import ReviewAssignment
from tests.editorial.public_helpers import article_url
from tests.factories import ArticleFactory, BoardMemberFactory, editor_user

pytestmark = pytest.mark.django_db

BADGE = "Reviewed for accuracy by our board"
NOTICE = "The board is re-reviewing the article"


def _page(client, article) -> tuple[str, str, dict]:
    html = client.get(article_url(article)).content.decode()
    state = re.search(r'<article class="article"[^>]*data-review-state="(\w+)"', html).group(1)
    data = json.loads(
        re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    )
    return html, state, data


def _index_tag(client, article) -> str:
    html = client.get("/").content.decode()
    card = html[: html.index(f"/articles/{article.slug}/")].rsplit('<li class="article-card">')[-1]
    return (
        "re-reviewed"
        if "Being re-reviewed" in card
        else "reviewed"
        if "Board reviewed" in card
        else card
    )


def test_stale_confirm_reapprove_across_page_index_and_json_ld(client):
    article = ArticleFactory(approved=True)
    approved_on = article.approved_at.date().isoformat()
    html, state, data = _page(client, article)
    assert state == "reviewed" and BADGE in html
    assert data["creativeWorkStatus"].startswith("Reviewed")

    source = article.citations.get().source
    source_record_version(source=source, version="2027.1", actor=None)
    article.refresh_from_db()
    assert article.status == "stale"
    html, state, data = _page(client, article)
    assert state == "stale"
    assert BADGE not in html
    assert "Last reviewed by our board" in html and "re-review in progress" in html
    assert NOTICE in html and "2027.1" in html
    assert data["lastReviewed"] == approved_on
    assert "re-review" in data["creativeWorkStatus"]
    assert _index_tag(client, article) == "re-reviewed"

    # the editor's triage sends it to the board: nobody has re-approved yet
    article_resolve_staleness(
        article=article, resolution="confirmed", actor=editor_user(), note="still right"
    )
    article.refresh_from_db()
    assert article.status == "under_review"
    flag = StalenessFlag.objects.get(article=article)
    assert flag.resolution == "confirmed" and flag.resolved_at is None
    html, state, data = _page(client, article)
    assert state == "rereview"
    assert BADGE not in html
    assert NOTICE in html and "2027.1" in html
    assert "in progress" in data["creativeWorkStatus"]
    assert data["lastReviewed"] == approved_on
    assert _index_tag(client, article) == "re-reviewed"

    # the board re-approves: the flag closes, the badge comes back
    assignment = ReviewAssignment.objects.get(article=article, round=article.review_round)
    workflow.review_decide(
        assignment=assignment, decision="approved", actor=assignment.reviewer.user
    )
    flag.refresh_from_db()
    assert flag.resolved_at is not None
    article.refresh_from_db()
    html, state, data = _page(client, article)
    assert state == "reviewed" and BADGE in html
    assert NOTICE not in html
    assert data["creativeWorkStatus"].startswith("Reviewed")
    assert data["lastReviewed"] == article.approved_at.date().isoformat()
    assert _index_tag(client, article) == "reviewed"


def _assert_rereviewing(client, article, *, state: str, notice: str, approved_on: str) -> None:
    """The page, its JSON-LD and the index agree: the board has not re-approved yet."""
    html, found, data = _page(client, article)
    assert found == state
    assert BADGE not in html
    assert "Last reviewed by our board" in html and "re-review in progress" in html
    assert NOTICE in html and notice in html
    assert data["lastReviewed"] == approved_on
    assert not data["creativeWorkStatus"].startswith("Reviewed")
    assert "re-review" in data["creativeWorkStatus"].lower()
    assert _index_tag(client, article) == "re-reviewed"


def test_flagged_stale_by_hand_stays_rereview_until_the_board_reapproves(client):
    # issue 20 point 1 through workflow.article_flag_stale (the factories' "stale" trait and an
    # editor's flag): today it wrote no flag, so after "confirm" the page said "reviewed" again
    article = ArticleFactory(approved=True)
    approved_on = article.approved_at.date().isoformat()
    editor = editor_user()
    workflow.article_flag_stale(
        article=article, reason="the dosing table was withdrawn", actor=editor
    )
    flag = StalenessFlag.objects.get(article=article)
    assert (flag.kind, flag.raised_by, flag.resolved_at) == ("manual", editor, None)
    _assert_rereviewing(
        client,
        article,
        state="stale",
        notice="The dosing table was withdrawn",
        approved_on=approved_on,
    )

    article_resolve_staleness(article=article, resolution="confirmed", actor=editor, note="fine")
    article.refresh_from_db()
    assert article.status == "under_review"
    flag.refresh_from_db()
    assert flag.resolution == "confirmed" and flag.resolved_at is None
    _assert_rereviewing(
        client,
        article,
        state="rereview",
        notice="The dosing table was withdrawn",
        approved_on=approved_on,
    )

    assignment = ReviewAssignment.objects.get(article=article, round=article.review_round)
    workflow.review_decide(
        assignment=assignment, decision="approved", actor=assignment.reviewer.user
    )
    flag.refresh_from_db()
    assert flag.resolved_at is not None
    article.refresh_from_db()
    html, state, data = _page(client, article)
    assert state == "reviewed" and BADGE in html and NOTICE not in html
    assert data["creativeWorkStatus"].startswith("Reviewed")
    assert data["lastReviewed"] == article.approved_at.date().isoformat()
    assert _index_tag(client, article) == "reviewed"


def test_stale_trait_sent_straight_to_rereview_keeps_the_notice(client):
    # the admin's "Send to re-review" button (article_rereview) on a hand-flagged article
    article = ArticleFactory(stale=True)
    approved_on = article.approved_at.date().isoformat()
    workflow.article_rereview(article=article, actor=editor_user())
    _assert_rereviewing(
        client, article, state="rereview", notice="Source changed", approved_on=approved_on
    )


def test_concern_shows_the_notice_without_naming_the_member(client):
    article = ArticleFactory(approved=True)
    concerned = BoardMemberFactory(user__first_name="Quentin", user__last_name="Worry")
    workflow.article_raise_concern(article=article, actor=concerned.user, reason="secret detail")
    html, state, _ = _page(client, article)
    assert state == "stale"
    assert "raised a concern" in html
    assert "Worry" not in html and "secret detail" not in html
    article_resolve_staleness(
        article=article, resolution="revised", actor=article.author, note="fixing"
    )
    html, state, _ = _page(client, article)
    assert state == "rereview" and BADGE not in html and "raised a concern" in html


def test_pending_article_state(client):
    article = ArticleFactory(submitted=True)
    html, state, data = _page(client, article)
    assert state == "pending"
    assert BADGE not in html
    assert "lastReviewed" not in data
    assert data["creativeWorkStatus"].startswith("Pending")
