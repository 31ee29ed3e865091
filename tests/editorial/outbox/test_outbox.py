"""The outbox: owed effects are rows of the write's transaction; the relay publishes them,
backs off, dead-letters with a reason an editor can requeue; the embedded mode runs them."""

from __future__ import annotations

import socket
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from config.celery import app as celery_app
from editorial import workflow
from editorial.models import OutboxMessage, OutboxStatus
from editorial.notify.tasks import notify_assigned
from editorial.outbox import outbox_backlog, outbox_enqueue, outbox_relay_once
from tests.factories import ArticleFactory, BoardMemberFactory

pytestmark = pytest.mark.django_db


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def broker_mode():
    """Production's mode: no eager relay after commit; the relay command publishes."""
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    yield
    celery_app.conf.task_always_eager = previous


@pytest.fixture
def broker_refused(broker_mode):
    previous = celery_app.conf.broker_url
    celery_app.conf.broker_url = f"redis://127.0.0.1:{_closed_port()}/0"
    yield
    celery_app.conf.broker_url = previous


def test_an_assignment_writes_one_outbox_row_per_notice_and_mails_nothing_yet(
    author, editor, reviewer, broker_mode, django_capture_on_commit_callbacks
):
    article = ArticleFactory(author=author, submitted=True)
    OutboxMessage.objects.all().delete()
    with (
        django_capture_on_commit_callbacks(execute=True),
        CaptureQueriesContext(connection) as queries,
    ):
        workflow.review_assign(article=article, reviewers=[reviewer], actor=editor)

    inserts = [q for q in queries if q["sql"].startswith('INSERT INTO "editorial_outboxmessage"')]
    assert len(inserts) == 1
    (row,) = OutboxMessage.objects.all()
    assert (row.task_name, row.args, row.status) == (
        notify_assigned.name,
        [article.pk, article.review_round],
        OutboxStatus.PENDING,
    )
    assert mail.outbox == []


def test_a_rolled_back_write_owes_nothing(author, editor):
    article = ArticleFactory(author=author, submitted=True)
    own_member = BoardMemberFactory(user=author)  # conflicted: the assignment is refused
    before = OutboxMessage.objects.count()

    with pytest.raises(ValidationError):
        workflow.review_assign(article=article, reviewers=[own_member], actor=editor)

    assert OutboxMessage.objects.count() == before


def test_with_the_broker_refusing_the_relay_keeps_every_row_and_says_why(broker_refused):
    with transaction.atomic():
        outbox_enqueue(notify_assigned.name, args=[1, 1])
        outbox_enqueue(notify_assigned.name, args=[2, 1])

    result = outbox_relay_once()

    assert result.sent == 0
    assert result.broker_error
    assert OutboxMessage.objects.filter(status=OutboxStatus.PENDING).count() == 2
    # the outage is not the rows' fault: still due, nothing dead-lettered
    assert not OutboxMessage.objects.filter(next_attempt_at__gt=timezone.now()).exists()
    with pytest.raises(CommandError, match="broker refused"):
        call_command("outbox_relay", "--once")


def test_a_published_row_is_marked_sent_with_its_task_id(broker_mode):
    published = []
    outbox_enqueue(notify_assigned.name, args=[5, 1])

    result = outbox_relay_once(publish=published.append)

    assert result.sent == 1
    (message,) = published
    message.refresh_from_db()
    assert message.status == OutboxStatus.SENT
    assert message.sent_at is not None
    assert outbox_relay_once(publish=published.append).sent == 0  # never twice


def test_a_failing_row_backs_off_then_is_dead_lettered_with_the_reason(broker_mode, settings):
    settings.OUTBOX_MAX_ATTEMPTS = 2

    def refuse(message):
        raise ValueError("payload rejected by the router")

    outbox_enqueue(notify_assigned.name, args=[5, 1])
    assert outbox_relay_once(publish=refuse).failed == 1
    row = OutboxMessage.objects.get()
    assert row.status == OutboxStatus.PENDING
    assert row.next_attempt_at >= timezone.now() + timedelta(seconds=4)
    assert outbox_relay_once(publish=refuse).failed == 0  # not due yet

    OutboxMessage.objects.update(next_attempt_at=timezone.now())
    assert outbox_relay_once(publish=refuse).dead == 1
    row.refresh_from_db()
    assert row.status == OutboxStatus.DEAD
    assert "payload rejected by the router" in row.last_error


def test_an_unknown_task_is_dead_at_once(broker_mode):
    outbox_enqueue("editorial.tasks.no_such_task")

    assert outbox_relay_once().dead == 1
    assert "no task named" in OutboxMessage.objects.get().last_error


def test_embedded_mode_runs_the_owed_notice_after_commit(
    author, editor, reviewer, django_capture_on_commit_callbacks
):
    article = ArticleFactory(author=author, submitted=True)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.review_assign(article=article, reviewers=[reviewer], actor=editor)

    assert [m.to for m in mail.outbox] == [[reviewer.user.email]]
    row = OutboxMessage.objects.get(task_name=notify_assigned.name)
    assert row.status == OutboxStatus.SENT


def test_embedded_mode_a_failing_task_leaves_the_write_done_and_the_row_to_retry(
    author, editor, reviewer, django_capture_on_commit_callbacks, settings
):
    settings.EMAIL_BACKEND = "tests.editorial.outbox.test_outbox.BrokenBackend"
    settings.EMAIL_RETRY_MAX = 0
    article = ArticleFactory(author=author, submitted=True)
    with django_capture_on_commit_callbacks(execute=True):
        (assignment,) = workflow.review_assign(article=article, reviewers=[reviewer], actor=editor)

    assert assignment.pk is not None
    row = OutboxMessage.objects.get(task_name=notify_assigned.name)
    assert (row.status, row.attempts) == (OutboxStatus.PENDING, 1)
    assert "SMTP" in row.last_error

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    OutboxMessage.objects.update(next_attempt_at=timezone.now())
    call_command("outbox_relay", "--once")  # publishes to the (eager) app: runs it here
    row.refresh_from_db()
    assert row.status == OutboxStatus.SENT
    assert [m.to for m in mail.outbox] == [[reviewer.user.email]]


class BrokenBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise OSError("SMTP server refused the connection")


def test_backlog_reports_count_and_age_of_the_oldest_unsent_row(broker_mode):
    outbox_enqueue(notify_assigned.name, args=[1, 1])
    OutboxMessage.objects.update(
        created_at=timezone.now() - timedelta(minutes=10),
        next_attempt_at=timezone.now() - timedelta(minutes=10),
    )
    outbox_enqueue(notify_assigned.name, args=[2, 1], countdown=60)

    backlog = outbox_backlog()

    assert backlog.pending == 2
    assert 590 < backlog.oldest_unsent_age_seconds < 700
    assert 590 < backlog.longest_due_wait_seconds < 700
