"""The staleness schedules, created once so editors can change them in the admin
(django-celery-beat's database scheduler reads them; `celery -A config beat -S django`).

This is the one place the periodic tasks are defined. It also lets Editors see the schedules,
record source versions and resolve staleness flags in the admin.
"""

from django.contrib.auth.management import create_permissions
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

EDITOR_PERMISSIONS = {
    "articles": {"sourceversion": ["add", "view"]},
    "editorial": {"stalenessflag": ["view", "change"]},
    "django_celery_beat": {
        "periodictask": ["view", "change"],
        "crontabschedule": ["add", "view", "change"],
    },
}


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


def grant_editors(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    editors, _ = Group.objects.get_or_create(name="Editors")
    for app_label, by_model in EDITOR_PERMISSIONS.items():
        for model, actions in by_model.items():
            editors.permissions.add(
                *Permission.objects.filter(
                    content_type__app_label=app_label,
                    codename__in=[f"{action}_{model}" for action in actions],
                )
            )


class Migration(migrations.Migration):
    dependencies = [
        ("editorial", "0003_stalenessflag"),
        ("editorial", "0002_roles"),
        ("articles", "0003_sourceversion"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        migrations.RunPython(create_schedules, remove_schedules),
        migrations.RunPython(grant_editors, migrations.RunPython.noop),
    ]
