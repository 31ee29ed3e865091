"""Two reviewers deciding at the same moment: one transition, both decisions kept.

Needs PostgreSQL (SELECT ... FOR UPDATE across real connections); runs in CI."""

import threading

import pytest
from django.db import connection

from articles.models import Article
from editorial import workflow
from reviewers.models import ReviewAssignment
from tests.factories import ArticleFactory, BoardMemberFactory, editor_user


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_reviewers_approving_at_once_fire_one_transition():
    article = ArticleFactory(submitted=True)
    members = [BoardMemberFactory(), BoardMemberFactory()]
    assignments = workflow.review_assign(article=article, reviewers=members, actor=editor_user())
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def decide(assignment: ReviewAssignment) -> None:
        try:
            barrier.wait(timeout=10)
            workflow.review_decide(
                assignment=assignment, decision="approved", actor=assignment.reviewer.user
            )
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=decide, args=(a,)) for a in assignments]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)

    assert errors == []
    article = Article.objects.get(pk=article.pk)
    assert article.status == "approved"
    transitions = article.history.filter(status="approved").count()
    assert transitions == 1
    decisions = set(
        ReviewAssignment.objects.filter(article=article).values_list("decision", flat=True)
    )
    assert decisions == {"approved"}
    assert ReviewAssignment.history.filter(decision="approved").count() == 2
