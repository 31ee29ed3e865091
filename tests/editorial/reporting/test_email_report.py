"""The staleness report: content and routing (locmem backend), once per period, preferences."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from celery.exceptions import Retry
from django.contrib.auth.models import User
from django.core import mail
from django.core.management import call_command
from django.test import override_settings

from articles.models import Article
from editorial.access.roles import is_editor
from editorial.audit.anchors import anchor_checkpoint
from editorial.audit.tasks import verify_audit_nightly
from editorial.models import DeliveryStatus, ReportDelivery
from editorial.reporting.staleness_report import report_period_key, staleness_report_send
from editorial.reporting.tasks import send_staleness_reports
from reviewers.models import ReviewAssignment
from tests.editorial.email_world import (
    approver_of,
    build_world,
    html_of,
    mail_to,
    set_frequency,
)

pytestmark = pytest.mark.django_db

MONDAY = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)


@pytest.fixture
def world():
    with time_machine.travel(MONDAY - timedelta(days=3), tick=False):
        return build_world()


def at(moment: datetime):
    return time_machine.travel(moment, tick=False)


def test_editor_gets_every_stale_article_grouped_by_source_with_versions(world):
    with at(MONDAY):
        staleness_report_send()

    (message,) = mail_to(world.chief)
    body = message.body
    assert "NICE NG109" in body and "Metformin label" in body
    assert body.index("NICE NG109") < body.index("Cystitis in women")
    assert "2018 -> 2024" in body and "v3 -> v4" in body
    assert "stale since 20 Nov 2026" in body
    assert "Statins after 75" in body  # periodic review due in 10 days
    assert "Gout flares" in body and "OVERDUE" in body
    assert f"/admin/articles/article/{world.stale_other.pk}/change/" in body
    assert message.subject == (
        "Imprimatur: 2 stale articles, 1 periodic review due, 1 review assignment late or due soon"
    )


def test_author_gets_only_their_articles_with_links_to_the_author_ui(world):
    with at(MONDAY):
        staleness_report_send()

    (message,) = mail_to(world.author)
    assert "Cystitis in women" in message.body and "Statins after 75" in message.body
    assert "Metformin dosing" not in message.body and "Gout flares" not in message.body
    assert f"http://127.0.0.1:8000/author/articles/{world.stale_mine.pk}/" in message.body
    assert message.subject.startswith("Imprimatur: 1 stale article, 1 periodic review due")


def test_reviewer_gets_only_articles_they_approved_and_their_late_assignment(world):
    with at(MONDAY):
        staleness_report_send()

    (message,) = mail_to(world.approver.user)
    assert "Cystitis in women" in message.body
    assert "Metformin dosing" not in message.body and "Statins after 75" not in message.body
    assert "Gout flares" in message.body
    assert f"/admin/articles/article/{world.late.article_id}/change/#decision" in message.body


def test_html_part_has_the_same_links_and_no_external_resources(world):
    with at(MONDAY):
        staleness_report_send()

    html = html_of(mail_to(world.author)[0])
    assert f'href="http://127.0.0.1:8000/author/articles/{world.stale_mine.pk}/"' in html
    assert "<img" not in html and "<script" not in html and "<link" not in html
    assert "2018 &rarr; 2024" in html


@override_settings(SITE_URL="https://imprimatur.example.org")
def test_links_use_the_site_url_setting(world):
    with at(MONDAY):
        staleness_report_send()

    assert "https://imprimatur.example.org/author/articles/" in mail_to(world.author)[0].body


def test_nobody_with_nothing_to_report_gets_mail(world):
    with at(MONDAY):
        staleness_report_send()

    recipients = {m.to[0] for m in mail.outbox}
    assert world.author.email in recipients and world.other_author.email in recipients
    # the other articles' reviewers approved nothing that is stale or due
    assert approver_of(world.stale_other).user.email in recipients
    assert approver_of(world.due_mine).user.email in recipients
    # assigned to a review due in 4 days, approved nothing: nothing to report
    bystander = ReviewAssignment.objects.exclude(pk=world.late.pk).filter(
        article=world.late.article
    )
    assert bystander.get().reviewer.user.email not in recipients


def test_running_twice_in_a_week_sends_one_report_and_next_week_another(world):
    with at(MONDAY):
        first = staleness_report_send()
        second = staleness_report_send()
    assert first.sent > 0 and second.sent == 0 and second.skipped == first.sent
    assert len(mail_to(world.author)) == 1

    with at(MONDAY + timedelta(days=3)):  # Thursday, same ISO week
        staleness_report_send()
    assert len(mail_to(world.author)) == 1

    with at(MONDAY + timedelta(days=7)):
        staleness_report_send()
    assert len(mail_to(world.author)) == 2
    assert set(
        ReportDelivery.objects.filter(recipient=world.author).values_list("period_key", flat=True)
    ) == {"2026-W48", "2026-W49"}


def test_daily_readers_get_one_report_a_day_weekly_readers_one_a_week(world):
    set_frequency(world.author, "daily")
    for day in range(3):
        with at(MONDAY + timedelta(days=day)):
            staleness_report_send(frequency="daily")
            staleness_report_send(frequency="weekly")
            staleness_report_send(frequency="daily")  # a re-run the same day

    assert len(mail_to(world.author)) == 3
    assert len(mail_to(world.other_author)) == 1


def test_weekly_run_does_not_send_to_daily_readers(world):
    set_frequency(world.author, "daily")
    with at(MONDAY):
        send_staleness_reports.delay(frequency="weekly")

    assert mail_to(world.author) == [] and len(mail_to(world.chief)) == 1


def test_preference_none_gets_no_report(world):
    set_frequency(world.author, "none")
    with at(MONDAY):
        staleness_report_send()

    assert mail_to(world.author) == []
    assert len(mail_to(world.other_author)) == 1


def test_period_keys_are_the_date_and_the_iso_week():
    sunday = datetime(2027, 1, 3).date()
    assert report_period_key("daily", sunday) == "2027-01-03"
    assert report_period_key("weekly", sunday) == "2026-W53"  # ISO: Sunday ends week 53


class FailingOnceBackend:
    """An SMTP server that refuses the first message to ada@example.org, then accepts."""

    failures = 1

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        if FailingOnceBackend.failures and messages[0].to == ["ada@example.org"]:
            FailingOnceBackend.failures -= 1
            raise ConnectionRefusedError("smtp down")
        mail.outbox.extend(messages)
        return len(messages)


@override_settings(EMAIL_BACKEND="tests.editorial.reporting.test_email_report.FailingOnceBackend")
def test_failed_send_is_recorded_and_the_retry_sends_it_once(world):
    FailingOnceBackend.failures = 1
    with at(MONDAY):
        run = staleness_report_send()
        assert run.failed == 1 and mail_to(world.author) == []
        delivery = ReportDelivery.objects.get(recipient=world.author)
        assert delivery.status == DeliveryStatus.FAILED and "smtp down" in delivery.error

        retry = staleness_report_send()
        again = staleness_report_send()

    assert (retry.sent, retry.failed, again.sent) == (1, 0, 0)
    assert len(mail_to(world.author)) == 1
    assert len(mail_to(world.chief)) == 1
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT and delivery.attempts == 2


@override_settings(EMAIL_BACKEND="tests.editorial.reporting.test_email_report.FailingOnceBackend")
def test_task_schedules_a_retry_with_backoff_and_the_retry_sends_only_the_failed(world):
    FailingOnceBackend.failures = 1
    with at(MONDAY):
        with pytest.raises(Retry, match="Retry in 60s"):
            send_staleness_reports.delay(frequency="weekly")
        sent_before_retry = len(mail.outbox)
        assert mail_to(world.author) == []

        send_staleness_reports.delay(frequency="weekly")  # what the worker runs 60 s later

    assert len(mail.outbox) == sent_before_retry + 1
    assert len(mail_to(world.author)) == 1
    assert ReportDelivery.objects.get(recipient=world.author).status == DeliveryStatus.SENT


def test_an_unsigned_published_snapshot_is_reported_to_editors_only(world):
    article = Article.objects.filter(approved_snapshot__isnull=False).first()
    snapshot = {**article.approved_snapshot, "summary": "Take twice the dose."}
    Article.objects.filter(pk=article.pk).update(approved_snapshot=snapshot)
    with at(MONDAY - timedelta(hours=4)):
        anchor_checkpoint()  # the chains themselves are intact (the tests never commit)
        verify_audit_nightly.delay()
    with at(MONDAY):
        staleness_report_send()

    (message,) = mail_to(world.chief)
    assert message.subject.startswith("UNSIGNED CONTENT PUBLISHED — Imprimatur:")
    assert f"article {article.slug!r}" in message.body
    assert "PUBLISHED CONTENT NO SIGNATURE COVERS" in message.body
    assert "Published content no signature covers" in html_of(message)
    assert "broken hash chain" not in message.body
    editors = {u.email for u in User.objects.all() if is_editor(u)}
    others = [m for m in mail.outbox if m.to[0] not in editors]
    assert others and all("UNSIGNED" not in m.subject for m in others)
    assert all(article.slug not in m.body for m in others)


def test_command_reports_what_it_sent(world, capsys):
    with at(MONDAY):
        call_command("send_staleness_report")
        call_command("send_staleness_report", "--frequency", "weekly")

    out = capsys.readouterr().out
    sent = len(mail.outbox)
    assert f"{sent} sent, 0 already sent" in out
    assert f"0 sent, {sent} already sent" in out


def test_a_broken_audit_chain_is_reported_to_editors_only(world):
    from editorial.models import AuditVerification

    AuditVerification.objects.create(
        ok=False, first_break="article 7, entry 12: content changed", checked_entries=40
    )
    with at(MONDAY):
        staleness_report_send()

    (message,) = mail_to(world.chief)
    assert message.subject.startswith("AUDIT CHAIN BROKEN")
    assert "article 7, entry 12: content changed" in message.body
    assert "broken hash chain" in html_of(message)
    from django.contrib.auth.models import User

    from editorial.access.roles import is_editor

    editors = {u.email for u in User.objects.all() if is_editor(u)}
    others = [m for m in mail.outbox if m.to[0] not in editors]
    assert others and all("AUDIT" not in m.subject for m in others)
    assert all("AUDIT" in m.subject for m in mail.outbox if m.to[0] in editors)
