"""What readers see of the board: only approvals signed over the published content, with the
approvers' current disclosures."""

from datetime import date

import pytest

from articles.models import Citation
from editorial import workflow
from tests.board import article_with, member, start_review
from tests.editorial.public_helpers import article_url
from tests.factories import ArticleFactory, DisclosureFactory

pytestmark = pytest.mark.django_db


def test_approvers_disclosures_are_public_current_ones_only(client):
    ada = member("MD", user__first_name="Ada", user__last_name="Quill")
    DisclosureFactory(member=ada, organisation="National Cancer Institute", kind="grant")
    DisclosureFactory(member=ada, organisation="Novartis", until=date(2020, 1, 1))
    article = ArticleFactory()
    (assignment,) = start_review(article, [ada])
    workflow.review_decide(assignment=assignment, decision="approved", actor=ada.user)
    html = client.get(article_url(article)).content.decode()
    assert "Ada Quill" in html
    assert "National Cancer Institute (Grant)" in html
    assert "Novartis" not in html


def test_an_approval_signed_over_other_content_is_not_shown_to_readers(client):
    article = article_with(risk="high")
    early = member("MD", user__first_name="Early", user__last_name="Signer")
    others = [member("DO", user__last_name="Second"), member("MD", user__last_name="Third")]
    assignments = start_review(article, [early, *others])
    first = next(a for a in assignments if a.reviewer == early)
    rest = [a for a in assignments if a.reviewer != early]
    workflow.review_decide(assignment=first, decision="approved", actor=early.user)
    # the reviewed content changes mid-round (a pinned version corrected)
    Citation.objects.filter(article=article).update(cited_version="2024 update")
    for a in rest:
        workflow.review_decide(assignment=a, decision="approved", actor=a.reviewer.user)
    article.refresh_from_db()
    assert article.status == "approved"  # two approvals over the final content
    html = client.get(article_url(article)).content.decode()
    assert "Second" in html and "Third" in html
    assert "Early Signer" not in html
