"""The staleness schedules, created once so editors can change them in the admin
(django-celery-beat's database scheduler reads them; `celery -A config beat -S django`).

This is the one place the periodic tasks are defined. Editors may change them (their
permissions are in editorial.role_setup, ensured after every migrate).
"""

from django.db import migrations

TIMEZONE = "UTC"
SCHEDULES = [
    # Daily at 02:30 UTC, off-peak for the publishers' servers (NICE, DailyMed, journals): one
    # conditional GET per cited source with a URL; a changed source flags its articles.
    {
        "name": "Poll cited sources for new versions",
        "task": "editorial.tasks.poll_sources",
        "minute": "30",
        "hour": "2",
        "description": "Conditional GET of every source with a URL; changes flag articles stale.",
    },
    # Daily at 03:15 UTC, after the poll: the backstop for sources nobody watches — approved
    # articles whose periodic review (REVIEW_INTERVAL_DAYS) has passed become stale.
    {
        "name": "Flag articles whose periodic review is due",
        "task": "editorial.tasks.flag_overdue_reviews",
        "minute": "15",
        "hour": "3",
        "description": "Approved articles past next_review_due are flagged 'periodic review due'.",
    },
]

def create_schedules(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for spec in SCHEDULES:
        crontab, _ = CrontabSchedule.objects.get_or_create(
            minute=spec["minute"],
            hour=spec["hour"],
            day_of_week="*",
            day_of_month="*",
            month_of_year="*",
            timezone=TIMEZONE,
        )
        PeriodicTask.objects.get_or_create(
            name=spec["name"],
            defaults={
                "task": spec["task"],
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
        ("editorial", "0003_stalenessflag"),
        ("editorial", "0002_roles"),
        ("articles", "0003_sourceversion"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        migrations.RunPython(create_schedules, remove_schedules),
    ]
