from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from editorial import workflow
from reviewers.models import ReviewAssignment
from tests.board import article_with, member, start_review
from tests.factories import ArticleFactory, DisclosureFactory

pytestmark = pytest.mark.django_db


def test_assign_refuses_a_member_disclosing_the_issuer_of_a_cited_source(editor):
    article = article_with(label_issuer="Pfizer", submitted=True)
    ada = member(user__first_name="Ada", user__last_name="Quill")
    DisclosureFactory(member=ada, organisation="PFIZER ", kind="consulting")
    with pytest.raises(ValidationError) as exc:
        workflow.review_assign(article=article, reviewers=[ada], actor=editor)
    assert exc.value.messages == [
        "Ada Quill, MD discloses consulting for Pfizer, the issuer of a cited source."
    ]
    article.refresh_from_db()
    assert article.status == "submitted"
    assert not ReviewAssignment.objects.exists()


def test_assign_accepts_a_member_whose_disclosure_has_ended(editor):
    article = article_with(label_issuer="Pfizer", submitted=True)
    m = member()
    DisclosureFactory(member=m, organisation="Pfizer", until=timezone.localdate() - timedelta(1))
    workflow.review_assign(article=article, reviewers=[m], actor=editor)
    article.refresh_from_db()
    assert article.status == "under_review"


def test_assign_refuses_the_author_and_inactive_members(editor):
    writer = member(user__first_name="Wren", user__last_name="Hale")
    article = ArticleFactory(author=writer.user, submitted=True)
    retired = member(user__first_name="Rita", user__last_name="Old", active=False)
    with pytest.raises(ValidationError) as exc:
        workflow.review_assign(article=article, reviewers=[writer, retired], actor=editor)
    assert exc.value.messages == [
        "Wren Hale, MD wrote this article and cannot review it.",
        "Rita Old, MD is not an active board member.",
    ]


def test_reviewers_added_while_under_review_join_the_current_round(editor, reviewer):
    article = ArticleFactory(under_review=True)
    history_before = article.history.count()
    (added,) = workflow.review_assign(article=article, reviewers=[reviewer], actor=editor)
    article.refresh_from_db()
    assert added.round == article.review_round == 1
    assert article.status == "under_review"
    assert article.history.count() == history_before  # no transition, no new article row


@time_machine.travel("2026-11-24 09:00Z", tick=False)
def test_due_date_follows_review_due_days(settings, editor, reviewer):
    settings.REVIEW_DUE_DAYS = 10
    article = ArticleFactory(submitted=True)
    (assignment,) = workflow.review_assign(article=article, reviewers=[reviewer], actor=editor)
    assert assignment.due_at == timezone.now() + timedelta(days=10)


def test_a_decline_with_a_reason_keeps_the_article_under_review(reviewer, other_reviewer):
    article = ArticleFactory()
    declining, _ = start_review(article, [reviewer, other_reviewer])
    with pytest.raises(ValidationError):
        workflow.review_decide(assignment=declining, decision="declined", actor=reviewer.user)
    workflow.review_decide(
        assignment=declining, decision="declined", actor=reviewer.user, comment="On leave."
    )
    article.refresh_from_db()
    assert article.status == "under_review"
    assert declining.signature.meaning == "declined"
