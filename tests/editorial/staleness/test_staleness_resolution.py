"""Resolving a stale article: confirm still accurate, revise or withdraw; the choice, who and
why are kept on every open flag and in the article's history."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from articles.models import Citation
from editorial.staleness.services import article_resolve_staleness, source_record_version
from tests.factories import ArticleFactory, SourceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def stale(editor):
    """An approved article flagged twice: two of its sources changed."""
    article = ArticleFactory(approved=True)
    for n, title in enumerate(("ESC guideline", "Drug label"), start=2):
        source = SourceFactory(title=title, current_version="1")
        Citation.objects.create(article=article, number=n, source=source)
    for source in [c.source for c in article.citations.select_related("source")[1:]]:
        source_record_version(source=source, version="2", actor=editor)
    article.refresh_from_db()
    assert article.status == "stale"
    return article


@pytest.mark.parametrize(
    ("resolution", "status"),
    [("confirmed", "under_review"), ("revised", "draft"), ("withdrawn", "archived")],
)
def test_resolution_moves_the_article_and_records_the_triage_on_every_open_flag(
    stale, editor, resolution, status
):
    article = article_resolve_staleness(
        article=stale, resolution=resolution, actor=editor, note="Checked against the update."
    )

    assert article.status == status
    flags = list(stale.staleness_flags.all())
    assert len(flags) == 2
    for flag in flags:
        assert (flag.resolution, flag.resolved_by) == (resolution, editor)
        # issue 20: a triage that keeps the article public leaves the flag open until the
        # board approves again; a withdrawal closes it at once
        assert (flag.resolved_at is not None) == (resolution == "withdrawn")
        assert flag.resolution_note == "Checked against the update."
        assert flag.history.order_by("-history_id").first().history_user == editor
    latest = stale.history.order_by("-history_id").first()
    assert latest.status == status
    assert latest.history_user == editor
    assert latest.history_change_reason.startswith("staleness resolved: ")
    assert "Checked against the update." in latest.history_change_reason


def test_confirming_sends_the_article_back_to_its_approvers(stale, editor):
    article = article_resolve_staleness(
        article=stale, resolution="confirmed", actor=editor, note="Still accurate."
    )

    assert article.assignments.filter(round=article.review_round).count() == 1


def test_the_author_may_revise_but_not_confirm(stale):
    with pytest.raises(PermissionDenied):
        article_resolve_staleness(
            article=stale, resolution="confirmed", actor=stale.author, note="fine"
        )
    assert stale.staleness_flags.filter(resolved_at__isnull=True).count() == 2

    article = article_resolve_staleness(
        article=stale, resolution="revised", actor=stale.author, note="Updating the dose."
    )
    assert article.status == "draft"


@pytest.mark.parametrize(
    ("resolution", "note", "message"),
    [("confirmed", "  ", "Say why"), ("ignore", "x", "Choose")],
)
def test_bad_input_is_refused_and_changes_nothing(stale, editor, resolution, note, message):
    with pytest.raises(ValidationError, match=message):
        article_resolve_staleness(article=stale, resolution=resolution, actor=editor, note=note)
    stale.refresh_from_db()
    assert stale.status == "stale"
    assert not stale.staleness_flags.filter(resolved_at__isnull=False).exists()


def test_an_article_without_open_flags_cannot_be_resolved(editor):
    article = ArticleFactory(approved=True)
    with pytest.raises(ValidationError, match="no open staleness flag"):
        article_resolve_staleness(article=article, resolution="revised", actor=editor, note="x")


@pytest.mark.parametrize(
    ("transition", "resolution"),
    [("rereview", "confirmed"), ("start_revision", "revised"), ("archive", "withdrawn")],
)
def test_every_way_out_of_stale_triages_the_open_flags(stale, editor, transition, resolution):
    """A plain transition (the admin buttons, the author's "start revision") records the triage
    on every open flag; the flags close when the board approves again (or on withdrawal)."""
    from editorial import workflow

    if transition == "rereview":
        workflow.article_rereview(article=stale, actor=editor)
    elif transition == "start_revision":
        workflow.article_start_revision(article=stale, actor=stale.author)
    else:
        workflow.article_archive(article=stale, actor=editor, reason="superseded topic")
    flags = list(stale.staleness_flags.all())
    assert flags and all(f.resolution == resolution for f in flags)
    # issue 20: only a withdrawal closes them now; the others close on the board's approval
    closed = resolution == "withdrawn"
    assert all((f.resolved_at is not None) == closed for f in flags)


def test_author_sees_what_changed_and_revises_from_the_author_ui(client, stale):
    from django.urls import reverse

    client.force_login(stale.author)
    page = client.get(reverse("author:article_editor", args=[stale.pk])).content.decode()
    assert "ESC guideline" in page and "Drug label" in page and "1 &rarr; 2" in page
    response = client.post(
        reverse("author:article_revise", args=[stale.pk]), {"note": "New dose in the label."}
    )
    assert response.status_code == 302
    stale.refresh_from_db()
    assert stale.status == "draft"
    flags = list(stale.staleness_flags.all())
    assert all(f.resolution == "revised" and f.resolved_by == stale.author for f in flags)
    assert all(f.resolution_note == "New dose in the label." for f in flags)
