"""Issue 20 point 6: mail says what happened. Every notice of every transition is rendered; its
subject must match the article's state and no body prints a raw status value."""

import re

import pytest
from django.core import mail

from articles.models import Article, Status
from editorial import workflow
from reviewers.models import ReviewAssignment
from tests.board import member, start_review
from tests.factories import ArticleFactory, editor_user

pytestmark = pytest.mark.django_db

RAW = re.compile(
    r"\b(" + "|".join(v for v in Status.values if "_" in v) + r"|superseded|pending)\b"
)


def _run(callbacks, action):
    before = len(mail.outbox)
    with callbacks(execute=True):
        action()
    return mail.outbox[before:]


def _check(messages):
    for message in messages:
        assert not RAW.search(message.body), message.body
        assert "is now" not in message.body, message.body


def test_every_notice_subject_follows_the_state(django_capture_on_commit_callbacks):
    cb = django_capture_on_commit_callbacks
    editor_user()
    article = ArticleFactory(risk="high")  # two physician approvals
    a, b, c = member("MD"), member("DO"), member("MD")

    sent = _run(cb, lambda: start_review(article, [a, b, c]))
    article.refresh_from_db()
    assert {m.subject for m in sent} == {f"Please review: {article.title}"}
    _check(sent)

    def decide(m, decision, comment=""):
        assignment = ReviewAssignment.objects.get(
            article=article, reviewer=m, round=article.review_round
        )
        workflow.review_decide(
            assignment=assignment, decision=decision, actor=m.user, comment=comment
        )

    # a partial approval: never "Approved"
    sent = _run(cb, lambda: decide(a, "approved"))
    article.refresh_from_db()
    assert article.status == "under_review"
    (notice,) = sent
    assert notice.subject == f"Approval 1 of 2 recorded: {article.title}"
    assert "not approved yet" in notice.body
    assert not notice.subject.startswith("Approved")
    _check(sent)

    # the decisive approval: "Approved" to the author and the editors; the third is told
    sent = _run(cb, lambda: decide(b, "approved"))
    article.refresh_from_db()
    assert article.status == "approved"
    subjects = {m.subject for m in sent}
    assert f"Approved: {article.title}" in subjects
    assert f"Review no longer needed: {article.title}" in subjects
    _check(sent)

    # stale
    sent = _run(
        cb, lambda: workflow.article_raise_concern(article=article, actor=c.user, reason="dose")
    )
    assert {m.subject for m in sent} == {f"Stale: {article.title}"}
    _check(sent)


def test_changes_requested_and_declined_notices(django_capture_on_commit_callbacks):
    cb = django_capture_on_commit_callbacks
    article = ArticleFactory()
    a, b = member("MD"), member("DO")
    start_review(article, [a, b])
    assignment = ReviewAssignment.objects.get(reviewer=b)
    sent = _run(
        cb,
        lambda: workflow.review_decide(
            assignment=assignment, decision="declined", actor=b.user, comment="away"
        ),
    )
    # the author's notice; the editors get their own, with a one-click replacement (issue 19)
    (notice,) = [m for m in sent if m.to == [article.author.email]]
    assert notice.subject.startswith("Review declined by")
    assert "goes on" in notice.body
    _check([notice])
    assignment = ReviewAssignment.objects.get(reviewer=a)
    (notice,) = _run(
        cb,
        lambda: workflow.review_decide(
            assignment=assignment, decision="changes_requested", actor=a.user, comment="cite"
        ),
    )
    assert Article.objects.get(pk=article.pk).status == "changes_requested"
    assert notice.subject == f"Changes requested: {article.title}"
    assert "asked for changes" in notice.body
    _check([notice])


def test_withdrawal_notice(django_capture_on_commit_callbacks):
    editor_user()
    article = ArticleFactory(submitted=True)
    sent = _run(
        django_capture_on_commit_callbacks,
        lambda: workflow.article_withdraw(article=article, actor=article.author, reason="oops"),
    )
    assert {m.subject for m in sent} == {f"Submission withdrawn: {article.title}"}
    _check(sent)
