"""The email schedules (issue 7), created once so editors can change them in the admin.

Naming follows 0004_beat_schedules: a sentence saying what the task does. The report task runs
per frequency: each run sends every recipient with that frequency the report for the current
period (today / this ISO week) unless already sent, so moving or re-running a schedule never
sends twice. Editors' permissions on the email models: editorial/role_setup.py.
"""

from django.db import migrations

TIMEZONE = "UTC"
SCHEDULES = [
    # Monday 07:00 UTC, before the editors' week starts: the default weekly digest.
    {
        "name": "Send the weekly staleness report",
        "task": "editorial.report_tasks.send_staleness_reports",
        "kwargs": '{"frequency": "weekly"}',
        "minute": "0",
        "hour": "7",
        "day_of_week": "1",
        "description": "Stale articles, reviews due and late assignments, to weekly readers.",
    },
    # Every day 07:00 UTC: the same report for people who chose daily.
    {
        "name": "Send the daily staleness report",
        "task": "editorial.report_tasks.send_staleness_reports",
        "kwargs": '{"frequency": "daily"}',
        "minute": "0",
        "hour": "7",
        "day_of_week": "*",
        "description": "The staleness report for people who chose a daily report.",
    },
    # Every day 08:00 UTC, after the reports: reminders to reviewers whose assignment is due
    # within 2 days, escalation to editors for overdue ones.
    {
        "name": "Remind reviewers of assignments due soon",
        "task": "editorial.report_tasks.send_review_reminders",
        "kwargs": "{}",
        "minute": "0",
        "hour": "8",
        "day_of_week": "*",
        "description": "Reminders for assignments due within 2 days; overdue ones go to editors.",
    },
    # Hourly at :45, after the staleness poll and backstop (02:30, 03:15): tell authors and
    # editors about articles the sweep flagged (the sweep writes in bulk, without a hook).
    {
        "name": "Notify authors of newly stale articles",
        "task": "editorial.report_tasks.notify_recently_stale",
        "kwargs": "{}",
        "minute": "45",
        "hour": "*",
        "day_of_week": "*",
        "description": "Tells the author and editors once about each article flagged stale.",
    },
]

def create_schedules(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for spec in SCHEDULES:
        crontab, _ = CrontabSchedule.objects.get_or_create(
            minute=spec["minute"],
            hour=spec["hour"],
            day_of_week=spec["day_of_week"],
            day_of_month="*",
            month_of_year="*",
            timezone=TIMEZONE,
        )
        PeriodicTask.objects.get_or_create(
            name=spec["name"],
            defaults={
                "task": spec["task"],
                "kwargs": spec["kwargs"],
                "crontab": crontab,
                "description": spec["description"],
                "enabled": True,
            },
        )


def remove_schedules(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name__in=[s["name"] for s in SCHEDULES]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("editorial", "0020_email_reports"),
        ("editorial", "0004_beat_schedules"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        migrations.RunPython(create_schedules, remove_schedules),
    ]
