"""Issue 20 point 3: conflicts are re-checked at every decision and at re-review."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from articles.models import Article
from editorial import workflow
from editorial.staleness import article_resolve_staleness
from reviewers.models import ReviewAssignment
from tests.board import FULL_CHECKLIST, article_with, member, start_review
from tests.factories import ArticleFactory, DisclosureFactory, editor_user

pytestmark = pytest.mark.django_db


def test_conflict_declared_after_assignment_blocks_the_approval():
    article = article_with(label_issuer="Pfizer Oncology")
    md, pharmacist = member("MD"), member("PharmD")
    start_review(article, [md, pharmacist])
    DisclosureFactory(member=md, organisation="Pfizer Inc.", kind="grant")
    assignment = ReviewAssignment.objects.get(reviewer=md)
    with pytest.raises(PermissionDenied, match="a grant from Pfizer Oncology") as exc:
        workflow.review_decide(assignment=assignment, decision="approved", actor=md.user)
    assert "Pfizer Inc." in str(exc.value)
    assignment.refresh_from_db()
    assert assignment.decision == "pending"
    # declining stays possible
    workflow.review_decide(
        assignment=assignment, decision="declined", actor=md.user, comment="conflict"
    )


def test_admin_decision_shows_the_conflict(client):
    article = article_with(label_issuer="Pfizer")
    md = member("MD")
    start_review(article, [md])
    DisclosureFactory(member=md, organisation="\u0420fizer")  # Cyrillic look-alike
    client.force_login(md.user)
    response = client.post(
        reverse("admin:articles_article_decide", args=[article.pk]),
        {
            "decision": "approved",
            "password": "pw-correct-horse",
            "label_concordance": "concordant",
            **FULL_CHECKLIST,
        },
        follow=True,
    )
    assert response.status_code == 200
    assert "discloses consulting for Pfizer" in response.content.decode()
    assert Article.objects.get(pk=article.pk).status == "under_review"
    assert ReviewAssignment.objects.get(reviewer=md).decision == "pending"


def test_rereview_does_not_reassign_an_approver_with_a_new_conflict():
    article = article_with(risk="standard", label_issuer="Pfizer")
    md, pharmacist = member("MD"), member("PharmD")
    start_review(article, [md, pharmacist])
    for m in (md, pharmacist):
        workflow.review_decide(
            assignment=ReviewAssignment.objects.get(reviewer=m),
            decision="approved",
            actor=m.user,
        )
    article.refresh_from_db()
    assert article.status == "approved"
    workflow.article_raise_concern(article=article, actor=member().user, reason="check dose")
    DisclosureFactory(member=md, organisation="Pfizer Pharmaceuticals")
    article_resolve_staleness(
        article=article, resolution="confirmed", actor=editor_user(), note="re-check"
    )
    article.refresh_from_db()
    reassigned = set(
        ReviewAssignment.objects.filter(article=article, round=article.review_round).values_list(
            "reviewer_id", flat=True
        )
    )
    assert reassigned == {pharmacist.pk}
    assert "not re-assigned" in article.history.first().history_change_reason


def test_assign_page_marks_a_new_issuer_name(client):
    from tests.factories import SourceFactory

    SourceFactory(issuer="Pfizer Inc.")  # known
    article = article_with(label_issuer="Pfzier", submitted=True)  # misspelt, new
    known = article_with(label_issuer="PFIZER", submitted=True)
    editor = editor_user()
    client.force_login(editor)
    page = client.get(reverse("admin:articles_article_assign", args=[article.pk])).content
    assert b"Pfzier</strong> (new issuer name)" in page
    # the journal issuer of the factory is cited by the other articles: not new
    assert b"New England Journal of Medicine</strong>" not in page
    page = client.get(reverse("admin:articles_article_assign", args=[known.pk])).content
    assert b"(new issuer name)" not in page


def test_author_issuer_autocomplete_lists_known_names(client):
    from tests.factories import SourceFactory, author_user

    SourceFactory(issuer="Pfizer Inc.")
    SourceFactory(issuer="Novartis")
    writer = author_user()
    draft = ArticleFactory(author=writer)
    client.force_login(writer)
    editor_page = client.get(reverse("author:article_editor", args=[draft.pk])).content.decode()
    assert 'list="known-issuers"' in editor_page
    assert '<datalist id="known-issuers">' in editor_page
    response = client.get(reverse("author:issuer_suggestions"), {"src-issuer": "pfi"})
    assert response.status_code == 200
    assert '<option value="Pfizer Inc.">' in response.content.decode()
    assert "Novartis" not in response.content.decode()
