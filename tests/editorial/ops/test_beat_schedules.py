"""The beat schedules of the data migrations survive a flush; an editor's changes survive a
migrate."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.core.management import call_command
from django_celery_beat.models import CrontabSchedule, PeriodicTask

from config.celery import app
from editorial.ops.beat_schedules import SCHEDULES, ensure_schedules_after_migrate

ALL_NAMES = {spec["name"] for schedules in SCHEDULES.values() for spec in schedules}


def after_migrate() -> int:
    return ensure_schedules_after_migrate(sender=apps.get_app_config("editorial"))


@pytest.mark.django_db(transaction=True)
def test_a_flush_gives_the_schedules_of_the_data_migrations_back():
    call_command("flush", interactive=False, verbosity=0)  # as transactional tests do

    assert set(PeriodicTask.objects.values_list("name", flat=True)) >= ALL_NAMES
    weekly = PeriodicTask.objects.get(name="Send the weekly staleness report")
    assert (weekly.crontab.hour, weekly.crontab.day_of_week, weekly.kwargs) == (
        "7",
        "1",
        '{"frequency": "weekly"}',
    )


@pytest.mark.django_db
def test_migrate_keeps_an_editors_changes_and_recognises_a_renamed_schedule():
    after_migrate()  # a transactional test elsewhere may have flushed them
    poll = PeriodicTask.objects.get(name="Poll cited sources for new versions")
    poll.crontab = CrontabSchedule.objects.create(minute="0", hour="5", timezone="UTC")
    poll.enabled = False
    poll.save()
    PeriodicTask.objects.filter(name="Verify the audit hash chains").update(
        name="Nightly audit check"
    )

    assert after_migrate() == 0

    poll.refresh_from_db()
    assert (poll.crontab.hour, poll.enabled) == ("5", False)
    assert not PeriodicTask.objects.filter(name="Verify the audit hash chains").exists()
    assert PeriodicTask.objects.filter(name__in=ALL_NAMES).count() == len(ALL_NAMES) - 1


@pytest.mark.django_db
def test_a_missing_schedule_is_created_once():
    after_migrate()
    PeriodicTask.objects.filter(name="Send the daily staleness report").delete()

    assert after_migrate() == 1
    assert after_migrate() == 0
    daily = PeriodicTask.objects.get(name="Send the daily staleness report")
    assert (daily.task, daily.kwargs, daily.enabled) == (
        "editorial.report_tasks.send_staleness_reports",
        '{"frequency": "daily"}',
        True,
    )


@pytest.mark.django_db
def test_every_scheduled_task_name_is_registered_by_the_listed_task_modules():
    """A worker imports exactly config.celery.TASK_MODULES: each task a beat row names (as
    stored, including the names kept from before the packages moved) must be among them."""
    app.loader.import_default_modules()
    scheduled = {s["task"] for schedules in SCHEDULES.values() for s in schedules}
    stored = set(
        PeriodicTask.objects.exclude(task="celery.backend_cleanup").values_list("task", flat=True)
    )
    assert scheduled and stored
    assert (scheduled | stored) - set(app.tasks) == set()
