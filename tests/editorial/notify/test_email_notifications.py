"""Workflow notices: the right person, after commit, once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import override_settings

from editorial import workflow
from editorial.models import NotificationDelivery, NotificationPreference
from editorial.notify.notices import review_reminders_send
from editorial.notify.sweep_notices import recently_stale_notify
from editorial.notify.tasks import notify_assigned, notify_decided
from editorial.staleness.services import source_record_version
from reviewers.models import ReviewAssignment
from tests.editorial.email_world import approver_of, cite, html_of, mail_to
from tests.factories import ArticleFactory, BoardMemberFactory, SourceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(author):
    return ArticleFactory(author=author, submitted=True, title="Cystitis in women")


@pytest.fixture
def in_review(submitted, editor, reviewer):
    (assignment,) = workflow.review_assign(article=submitted, reviewers=[reviewer], actor=editor)
    mail.outbox.clear()
    return assignment


def test_assigned_reviewer_is_told_only_after_commit(
    submitted, editor, reviewer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        workflow.review_assign(article=submitted, reviewers=[reviewer], actor=editor)
        assert mail.outbox == []  # nothing before the transaction commits

    for callback in callbacks:
        callback()
    (message,) = mail.outbox
    assert message.to == [reviewer.user.email]
    assert message.subject == "Please review: Cystitis in women"
    assert f"/admin/articles/article/{submitted.pk}/change/#decision" in message.body
    assert "#decision" in html_of(message)


def test_a_rejected_assignment_mails_nobody(
    submitted, editor, author, django_capture_on_commit_callbacks
):
    authors_own_member = BoardMemberFactory(user=author)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        workflow.review_assign(article=submitted, reviewers=[authors_own_member], actor=editor)

    assert mail.outbox == []


def test_reviewer_who_turned_assignment_notices_off_gets_none(
    submitted, editor, reviewer, django_capture_on_commit_callbacks
):
    NotificationPreference.objects.create(user=reviewer.user, notify_assignments=False)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.review_assign(article=submitted, reviewers=[reviewer], actor=editor)

    assert mail.outbox == []


def test_retried_assignment_task_does_not_mail_twice(in_review, reviewer):
    notify_assigned.delay(in_review.article_id, in_review.round)
    notify_assigned.delay(in_review.article_id, in_review.round)

    assert len(mail_to(reviewer.user)) == 1
    assert NotificationDelivery.objects.filter(event_key=f"assigned:{in_review.pk}").count() == 1


def test_author_gets_the_decision_with_the_comment(
    in_review, reviewer, author, editor, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        workflow.review_decide(
            assignment=in_review,
            decision="changes_requested",
            comment="Cite the 2024 guideline, not the 2018 one.",
            actor=reviewer.user,
        )

    (message,) = mail.outbox
    assert message.to == [author.email]
    assert message.subject == "Changes requested: Cystitis in women"
    assert "Cite the 2024 guideline, not the 2018 one." in message.body
    assert f"/author/articles/{in_review.article_id}/" in message.body
    assert "Cite the 2024 guideline" in html_of(message)
    notify_decided.delay(in_review.pk)  # a retry
    assert len(mail.outbox) == 1


def test_approval_tells_the_author_and_the_editors(
    in_review, reviewer, author, editor, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        workflow.review_decide(assignment=in_review, decision="approved", actor=reviewer.user)

    subjects = {(m.to[0], m.subject) for m in mail.outbox}
    assert (editor.email, "Approved: Cystitis in women") in subjects
    (to_author,) = mail_to(author)  # the approval, not a second "decision" mail
    assert to_author.subject == "Approved: Cystitis in women"
    assert reviewer.user.email not in {m.to[0] for m in mail.outbox}


def test_flagging_stale_tells_the_author_and_the_editors(
    author, editor, django_capture_on_commit_callbacks
):
    article = ArticleFactory(author=author, approved=True, title="Statins after 75")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.article_flag_stale(article=article, reason="new trial", actor=editor)

    assert {m.to[0] for m in mail.outbox} >= {author.email, editor.email}
    assert all(m.subject == "Stale: Statins after 75" for m in mail.outbox)


def test_a_sweep_sends_each_person_one_mail_listing_their_articles(author, other_author, editor):
    label = SourceFactory(title="Metformin label", current_version="v3")
    mine = [ArticleFactory(author=author, approved=True, title=f"Metformin {i}") for i in range(3)]
    theirs = ArticleFactory(author=other_author, approved=True, title="Metformin in CKD")
    for article in [*mine, theirs]:
        cite(article, label)
    source_record_version(source=label, version="v4", actor=None)
    mail.outbox.clear()

    recently_stale_notify()
    recently_stale_notify()  # the hourly re-run

    (to_author,) = mail_to(author)
    assert to_author.subject == "3 articles stale: Metformin label changed (v3 → v4)"
    assert all(f"Metformin {i}" in to_author.body for i in range(3))
    assert "Metformin in CKD" not in to_author.body
    (to_other,) = mail_to(other_author)
    assert to_other.subject == "Stale: Metformin in CKD"
    assert f"/author/articles/{theirs.pk}/" in to_other.body
    (to_editor,) = mail_to(editor)
    assert to_editor.subject.startswith("4 articles stale")
    assert f"source__id__exact={label.pk}" in to_editor.body
    assert approver_of(theirs).user.email not in {m.to[0] for m in mail.outbox}


def test_reminders_go_daily_to_the_reviewer_and_once_to_editors_when_overdue(
    in_review, reviewer, editor
):
    due = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
    ReviewAssignment.objects.filter(pk=in_review.pk).update(due_at=due)

    with time_machine.travel(due - timedelta(days=3), tick=False):
        review_reminders_send()
    assert mail.outbox == []  # not yet within 2 days

    with time_machine.travel(due - timedelta(days=1), tick=False):
        review_reminders_send()
        review_reminders_send()  # a re-run the same day
    (reminder,) = mail_to(reviewer.user)
    assert "is due" in reminder.subject and mail_to(editor) == []

    for day in (1, 2):
        with time_machine.travel(due + timedelta(days=day), tick=False):
            review_reminders_send()
    assert len(mail_to(reviewer.user)) == 3
    assert "overdue" in mail_to(reviewer.user)[-1].subject
    (escalation,) = mail_to(editor)
    assert escalation.subject.startswith("Overdue review: Cystitis in women")


class RefusingBackend:
    """An SMTP server that is down."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("smtp down")


def test_a_mail_failure_does_not_undo_or_break_the_assignment_and_is_retried(
    submitted, editor, reviewer, django_capture_on_commit_callbacks
):
    with (
        override_settings(
            EMAIL_BACKEND="tests.editorial.notify.test_email_notifications.RefusingBackend"
        ),
        django_capture_on_commit_callbacks(execute=True),
    ):
        (assignment,) = workflow.review_assign(
            article=submitted, reviewers=[reviewer], actor=editor
        )

    submitted.refresh_from_db()
    assert submitted.status == "under_review"
    delivery = NotificationDelivery.objects.get(event_key=f"assigned:{assignment.pk}")
    assert delivery.status == "failed" and "smtp down" in delivery.error

    notify_assigned.delay(submitted.pk, assignment.round)  # the worker's retry, SMTP back up

    assert len(mail_to(reviewer.user)) == 1
    delivery.refresh_from_db()
    assert delivery.status == "sent" and delivery.attempts == 2
