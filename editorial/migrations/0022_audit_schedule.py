"""The nightly audit verification (issue 9), created once so editors can move it in the admin.

03:15 UTC every night, after the day's work: a tampering is reported within a day, and the
staleness report (Monday 07:00) names the first break to editors.
"""

from django.db import migrations

NAME = "Verify the audit hash chains"


def create_schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    crontab, _ = CrontabSchedule.objects.get_or_create(
        minute="15",
        hour="3",
        day_of_week="*",
        day_of_month="*",
        month_of_year="*",
        timezone="UTC",
    )
    PeriodicTask.objects.get_or_create(
        name=NAME,
        defaults={
            "task": "editorial.audit_tasks.verify_audit_nightly",
            "kwargs": "{}",
            "crontab": crontab,
            "description": "Recomputes every article's audit chain and records the outcome.",
            "enabled": True,
        },
    )


def remove_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("editorial", "0021_email_schedules"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
