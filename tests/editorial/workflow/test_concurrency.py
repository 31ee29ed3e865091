"""Two reviewers deciding at the same moment: one transition; at a quorum of one the round
closes with the first approval and the other decision is refused, clearly (issue 20).

Needs PostgreSQL (SELECT ... FOR UPDATE across real connections); runs in CI."""

import threading

import pytest
from django.core.exceptions import ValidationError
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

    # serialised on the article's row lock: the second decider finds the round closed
    assert [str(e.messages[0]) for e in errors if isinstance(e, ValidationError)] == [
        "This review is no longer needed: the board approved the article before you decided,"
        " which closed the round."
    ]
    assert len(errors) == 1
    article = Article.objects.get(pk=article.pk)
    assert article.status == "approved"
    transitions = article.history.filter(status="approved").count()
    assert transitions == 1
    decisions = sorted(
        ReviewAssignment.objects.filter(article=article).values_list("decision", flat=True)
    )
    assert decisions == ["approved", "superseded"]
    assert ReviewAssignment.history.filter(decision="approved").count() == 1
