"""The nightly audit verification (issue 9), created once so editors can move it in the admin.

03:15 UTC every night (defined, with the reason, in editorial.ops.beat_schedules, which also
re-creates it after a flush).
"""

from django.db import migrations

from editorial.ops.beat_schedules import AUDIT, SCHEDULES, ensure_schedules, remove_schedules

NAME = SCHEDULES[AUDIT][0]["name"]


def create_schedule(apps, schema_editor):
    ensure_schedules(apps, SCHEDULES[AUDIT])


def remove_schedule(apps, schema_editor):
    remove_schedules(apps, SCHEDULES[AUDIT])


class Migration(migrations.Migration):
    dependencies = [
        ("editorial", "0021_email_schedules"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
