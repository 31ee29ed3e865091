"""The email schedules: created by a data migration, editable in the admin, tasks that exist."""

from __future__ import annotations

import importlib
import json

import pytest
from django.apps import apps
from django_celery_beat.models import CrontabSchedule, PeriodicTask

from config.celery import app as celery_app

pytestmark = pytest.mark.django_db
schedules = importlib.import_module("editorial.migrations.0021_email_schedules")


@pytest.fixture
def created():
    # as the migration does (a transactional test elsewhere may have flushed its rows)
    schedules.create_schedules(apps, None)
    schedules.create_schedules(apps, None)  # idempotent


def test_weekly_report_runs_on_monday_hourly_from_seven_for_weekly_readers(created):
    task = PeriodicTask.objects.get(name="Send the weekly staleness report")

    cron = task.crontab
    assert (cron.minute, cron.hour, cron.day_of_week, str(cron.timezone)) == (
        "0",
        "7-23",
        "1",
        "UTC",
    )
    assert json.loads(task.kwargs) == {"frequency": "weekly"} and task.enabled


def test_every_email_schedule_names_a_task_the_worker_knows(created):
    celery_app.loader.import_default_modules()
    names = [s["name"] for s in schedules.SCHEDULES]

    tasks = PeriodicTask.objects.filter(name__in=names)

    assert tasks.count() == 4
    for task in tasks:
        assert task.task in celery_app.tasks, task.task


def test_editors_can_change_the_schedules_in_the_admin(client, editor, created):
    client.force_login(editor)
    task = PeriodicTask.objects.get(name="Send the daily staleness report")

    response = client.get(f"/admin/django_celery_beat/periodictask/{task.pk}/change/")

    assert response.status_code == 200


hourly = importlib.import_module("editorial.migrations.0028_reports_hourly_and_heartbeat")


def test_the_migration_moves_report_rows_left_at_seven_to_hourly_and_keeps_an_editors_time():
    daily_at_seven = CrontabSchedule.objects.create(minute="0", hour="7", timezone="UTC")
    weekly_at_six = CrontabSchedule.objects.create(
        minute="0", hour="6", day_of_week="1", timezone="UTC"
    )
    PeriodicTask.objects.filter(task="editorial.report_tasks.send_staleness_reports").delete()
    daily = PeriodicTask.objects.create(
        name="daily (as 0021 made it)",
        task="editorial.report_tasks.send_staleness_reports",
        kwargs='{"frequency": "daily"}',
        crontab=daily_at_seven,
    )
    weekly = PeriodicTask.objects.create(
        name="weekly (an editor moved it)",
        task="editorial.report_tasks.send_staleness_reports",
        kwargs='{"frequency": "weekly"}',
        crontab=weekly_at_six,
    )

    hourly.forwards(apps, None)

    daily.refresh_from_db()
    weekly.refresh_from_db()
    assert (daily.crontab.hour, daily.crontab.minute) == ("7-23", "0")
    assert weekly.crontab.hour == "6"
    assert PeriodicTask.objects.get(name="Worker heartbeat").task in celery_app.tasks
