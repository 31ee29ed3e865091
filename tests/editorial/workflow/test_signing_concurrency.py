"""Two physicians sign at the same moment on PostgreSQL: both signatures are kept and the
article is approved exactly once (review_decide serialises on the article row lock)."""

import threading

import pytest
from django.db import connection

from articles.models import Article
from editorial import workflow
from reviewers.models import Signature
from tests.board import article_with, member, start_review

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
]


def test_concurrent_approvals_are_both_signed_and_approve_once():
    article = article_with(risk="high")
    assignments = start_review(article, [member("MD"), member("DO")])
    barrier = threading.Barrier(len(assignments))
    errors = []

    def sign(assignment):
        try:
            barrier.wait(timeout=10)
            workflow.review_decide(
                assignment=assignment, decision="approved", actor=assignment.reviewer.user
            )
        except Exception as exc:  # reported below; a thread cannot fail the test itself
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=sign, args=(a,)) for a in assignments]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert errors == []
    article = Article.objects.get(pk=article.pk)
    assert article.status == "approved"
    assert Signature.objects.count() == 2
    approvals = article.history.filter(status="approved")
    assert approvals.count() == 1
    assert approvals.get().history_change_reason.endswith("(2 of 2)")
