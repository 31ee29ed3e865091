"""Issue 20 point 7: every citation pins a version; pins follow the board's re-approval."""

import pytest

from articles.models import Citation
from articles.source_rules import citation_problems
from editorial import workflow
from editorial.admin.forms import CitationInlineForm
from editorial.authoring import services as authoring
from editorial.staleness import article_resolve_staleness, source_record_version
from reviewers.models import ReviewAssignment
from tests.editorial.public_helpers import article_url
from tests.factories import ArticleFactory, SourceFactory, editor_user

pytestmark = pytest.mark.django_db


def test_admin_inline_blank_pin_takes_the_current_version():
    source = SourceFactory(current_version="2026.2")
    form = CitationInlineForm(
        data={"number": 2, "source": source.pk, "locator": "", "cited_version": "  "}
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["cited_version"] == "2026.2"
    assert form.save(commit=False).cited_version == "2026.2"


def test_author_citation_with_blank_pin_takes_the_current_version():
    article = ArticleFactory()
    source = SourceFactory(current_version="v7")
    citation = authoring.citation_add(
        article=article,
        actor=article.author,
        expected_updated_at=None,
        source=source,
        cited_version="",
    )
    assert citation.cited_version == "v7"


def test_reapproval_after_a_source_change_pins_the_reviewed_version(client):
    article = ArticleFactory(approved=True)
    citation = article.citations.get()
    source = citation.source
    source_record_version(source=source, version="2026.1", actor=None)  # first pinned version
    # pin it like an approved article citing the 2026.1 version would
    article.refresh_from_db()
    Citation.objects.filter(pk=citation.pk).update(cited_version="2026.1")
    source_record_version(source=source, version="2027.1", actor=None)
    citation.refresh_from_db()
    source.refresh_from_db()
    assert any(p.code == "superseded-version" for p in citation_problems(citation))

    article_resolve_staleness(
        article=article, resolution="confirmed", actor=editor_user(), note="checked 2027.1"
    )
    citation.refresh_from_db()
    assert citation.cited_version == "2027.1"
    assert "re-pinned" in citation.history.first().history_change_reason
    assert not any(p.code == "superseded-version" for p in citation_problems(citation))

    article.refresh_from_db()
    assignment = ReviewAssignment.objects.get(article=article, round=article.review_round)
    workflow.review_decide(
        assignment=assignment, decision="approved", actor=assignment.reviewer.user
    )
    article.refresh_from_db()
    assert article.status == "approved"
    assert article.approved_snapshot["citations"][0]["cited_version"] == "2027.1"
    assert "2027.1" in client.get(article_url(article)).content.decode()
