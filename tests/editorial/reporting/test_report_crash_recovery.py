"""A report run killed between claiming a person's delivery and sending it: the redelivered
task (same id) or the next hourly run sends that person the period's report, once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from editorial.models import DeliveryStatus, ReportDelivery
from editorial.reporting.staleness_report import report_period_key
from editorial.reporting.tasks import send_staleness_reports
from tests.editorial.email_world import build_world, mail_to

pytestmark = pytest.mark.django_db

MONDAY = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)


@pytest.fixture
def world():
    with time_machine.travel(MONDAY - timedelta(days=3), tick=False):
        return build_world()


def _left_sending(user, *, claimed_by: str, at: datetime) -> ReportDelivery:
    """What a kill -9 between claim and send leaves behind."""
    return ReportDelivery.objects.create(
        recipient=user,
        period_key=report_period_key("weekly", at.date()),
        status=DeliveryStatus.SENDING,
        claimed_by=claimed_by,
        claimed_at=at,
    )


def test_the_redelivered_task_takes_over_the_row_its_killed_run_left_sending(world):
    with time_machine.travel(MONDAY, tick=False):
        _left_sending(world.author, claimed_by="run-1", at=MONDAY)
        send_staleness_reports.apply(kwargs={"frequency": "weekly"}, task_id="run-1")

    assert len(mail_to(world.author)) == 1
    assert ReportDelivery.objects.get(recipient=world.author).status == DeliveryStatus.SENT


def test_another_run_leaves_a_fresh_claim_alone_and_heals_it_at_the_next_hour(world):
    with time_machine.travel(MONDAY + timedelta(minutes=1), tick=False):
        _left_sending(world.author, claimed_by="run-1", at=MONDAY)
        send_staleness_reports.apply(kwargs={"frequency": "weekly"}, task_id="run-2")
    assert mail_to(world.author) == []  # it may still be sending: no duplicate
    sent_to_others = len(mail_to(world.chief))

    with time_machine.travel(MONDAY + timedelta(hours=1), tick=False):
        send_staleness_reports.apply(kwargs={"frequency": "weekly"}, task_id="run-3")
        send_staleness_reports.apply(kwargs={"frequency": "weekly"}, task_id="run-4")

    assert len(mail_to(world.author)) == 1
    assert len(mail_to(world.chief)) == sent_to_others == 1
