"""The hourly audit anchor (issue 15), created once so editors can move it in the admin.

Hourly at :05 (defined, with the reason, in editorial.ops.beat_schedules, which also re-creates
it after a flush).
"""

from django.db import migrations

from editorial.ops.beat_schedules import ANCHOR, SCHEDULES, ensure_schedules, remove_schedules


def create_schedule(apps, schema_editor):
    ensure_schedules(apps, SCHEDULES[ANCHOR])


def remove_schedule(apps, schema_editor):
    remove_schedules(apps, SCHEDULES[ANCHOR])


class Migration(migrations.Migration):
    dependencies = [
        ("editorial", "0029_object_audit_chains"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
