"""The article body is rendered once at approval and stored next to the approved snapshot; a
page view uses it (no Markdown work) only while it matches the content, and renders on the fly
otherwise."""

import json
from pathlib import Path
from unittest import mock

import pytest
from django.core.cache import cache
from django.core.management import call_command

from articles.models import Article, Section
from articles.snapshot import snapshot_hash
from editorial import workflow
from editorial.public import render as public_render
from editorial.public.render import approved_snapshots_prerender, render_version
from reviewers.models import ReviewAssignment
from tests.editorial.public_helpers import approved_article_with_citations, article_url
from tests.factories import ArticleFactory, SourceFactory, advance

pytestmark = pytest.mark.django_db


def _without_rendering(article: Article) -> None:
    """As an article approved before bodies were pre-rendered."""
    Article.objects.filter(pk=article.pk).update(approved_rendering=None)
    article.refresh_from_db()


def _no_markdown():
    """Markdown rendering that fails the test if a page view reaches it."""
    return mock.patch.object(
        public_render, "render_section", side_effect=AssertionError("rendered Markdown")
    )


def test_approval_renders_the_body_after_commit_with_the_hash_it_was_rendered_from(
    django_capture_on_commit_callbacks,
):
    article = ArticleFactory(under_review=True)
    Section.objects.filter(article=article).update(body="Survival **improved** [1].")
    assignment = ReviewAssignment.objects.get(article=article)
    with django_capture_on_commit_callbacks() as callbacks:
        workflow.review_decide(
            assignment=assignment, decision="approved", actor=assignment.reviewer.user
        )
    article.refresh_from_db()
    # the review transaction did no Markdown work: the body is rendered once it commits
    assert article.status == "approved" and article.approved_rendering is None
    for callback in callbacks:
        callback()
    article.refresh_from_db()
    rendered = article.approved_rendering
    assert rendered["version"] == render_version()
    assert rendered["content_sha256"] == snapshot_hash(article.approved_snapshot)
    # the approvals were signed over that same content
    signature = ReviewAssignment.objects.get(article=article).signature
    assert signature.content_sha256 == rendered["content_sha256"]
    assert "<strong>improved</strong>" in rendered["body_html"]
    assert '<a href="#ref-1"' in rendered["body_html"] and 'id="ref-1"' in rendered["body_html"]
    assert [c["name"] for c in json.loads(rendered["citations_json_ld"])] == [
        article.citations.get().source.title
    ]
    # derived data: the history (and the audit chain over it) keeps the approved content only
    assert not hasattr(article.history.first(), "approved_rendering")


def test_a_page_view_uses_the_stored_rendering_without_markdown_work(client):
    article = approved_article_with_citations(12)
    with _no_markdown():
        response = client.get(article_url(article))
    assert response.status_code == 200
    assert response.content.decode().count('class="reference"') == 12
    assert article.approved_rendering["body_html"] in response.content.decode()


def test_a_snapshot_taken_before_pre_rendering_renders_the_same_page(client):
    article = approved_article_with_citations(3)
    stored = client.get(article_url(article)).content
    _without_rendering(article)
    cache.clear()  # same version, same ETag: drop the page rendered from the stored body
    assert client.get(article_url(article)).content == stored


def test_a_rendering_of_other_content_or_an_older_version_is_not_used(client):
    article = ArticleFactory(approved=True)
    snapshot = article.approved_snapshot
    snapshot["sections"][0]["body"] = "Corrected wording [1]."  # content edited in place
    Article.objects.filter(pk=article.pk).update(approved_snapshot=snapshot)
    html = client.get(article_url(article)).content.decode()
    assert "Corrected wording" in html and "Drug X 10 mg daily" not in html

    other = ArticleFactory(approved=True)
    rendered = {**other.approved_rendering, "version": "an-older-renderer"}
    rendered["body_html"] = "<p>stale rendering</p>"
    Article.objects.filter(pk=other.pk).update(approved_rendering=rendered)
    html = client.get(article_url(other)).content.decode()
    assert "stale rendering" not in html and "Drug X 10 mg daily improved survival" in html


def test_approval_goes_through_when_rendering_fails(client):
    article = ArticleFactory()
    with mock.patch.object(public_render, "render_body", side_effect=RuntimeError("boom")):
        advance(article, "approved")
    article.refresh_from_db()
    assert article.status == "approved" and article.approved_rendering is None
    html = client.get(article_url(article)).content.decode()
    assert "Drug X 10 mg daily improved survival" in html


def test_backfill_renders_old_snapshots_once_and_changes_nothing_else():
    article = ArticleFactory(approved=True)
    current = ArticleFactory(approved=True)
    _without_rendering(article)
    updated_at, content_hash = article.updated_at, snapshot_hash(article.approved_snapshot)
    history_rows = article.history.count()
    assert approved_snapshots_prerender() == 1  # `current` already has its rendering
    article.refresh_from_db()
    assert article.approved_rendering["content_sha256"] == content_hash
    # the content is unchanged: same ETag (updated_at), no history row
    assert (article.updated_at, article.history.count()) == (updated_at, history_rows)
    assert approved_snapshots_prerender() == 0
    assert current.approved_rendering == Article.objects.get(pk=current.pk).approved_rendering


def test_prerender_snapshots_command_reports_what_it_wrote(capsys):
    _without_rendering(ArticleFactory(approved=True))
    call_command("prerender_snapshots")
    assert "1 approved snapshot(s) rendered." in capsys.readouterr().out


def test_backfill_goes_on_past_an_article_it_cannot_render():
    first, second = ArticleFactory(approved=True), ArticleFactory(approved=True)
    _without_rendering(first)
    _without_rendering(second)
    real = public_render.render_body
    calls = []

    def render_body(sections, references):  # the first article (by id) cannot be rendered
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("boom")
        return real(sections, references)

    with mock.patch.object(public_render, "render_body", side_effect=render_body):
        assert approved_snapshots_prerender() == 1
    assert Article.objects.get(pk=first.pk).approved_rendering is None
    assert Article.objects.get(pk=second.pk).approved_rendering is not None


def test_pending_page_renders_the_live_rows_with_the_same_body_template(client):
    article = ArticleFactory(submitted=True)
    article.citations.create(number=2, source=SourceFactory(title="Second source"))
    html = client.get(article_url(article)).content.decode()
    assert html.count('class="reference"') == 2 and "Second source" in html
    assert '<a href="#ref-1"' in html


@pytest.fixture
def fresh_render_version():
    render_version.cache_clear()
    yield
    render_version.cache_clear()


def test_render_version_changes_with_the_body_template_and_the_libraries(
    fresh_render_version, monkeypatch, tmp_path
):
    """Nobody has to remember a bump: editing the body template or upgrading the Markdown
    library retires every stored rendering by itself."""
    current = render_version()
    assert current == render_version()  # stable while nothing changes

    real = public_render.get_template(public_render.BODY_TEMPLATE).origin.name
    edited = tmp_path / "_article_body.html"
    edited.write_text(Path(real).read_text() + "<hr>")
    template = mock.Mock(origin=mock.Mock())
    template.origin.name = str(edited)
    with monkeypatch.context() as patched:
        patched.setattr(public_render, "get_template", lambda name: template)
        render_version.cache_clear()
        assert render_version() != current

    real_version = public_render.metadata.version
    monkeypatch.setattr(
        public_render.metadata,
        "version",
        lambda name: "99.0" if name == "markdown-it-py" else real_version(name),
    )
    render_version.cache_clear()
    upgraded = render_version()
    assert upgraded != current

    # an article rendered by the previous renderer is shown from a fresh rendering
    article = ArticleFactory(approved=True)
    stored = {**article.approved_rendering, "body_html": "<p>old renderer</p>"}
    assert stored["version"] == upgraded
    Article.objects.filter(pk=article.pk).update(approved_rendering={**stored, "version": current})
    html = public_render_page(article)
    assert "old renderer" not in html


def public_render_page(article: Article) -> str:
    from django.test import Client

    return Client().get(article_url(article)).content.decode()
