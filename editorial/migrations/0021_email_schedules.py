"""The email schedules (issue 7), created once so editors can change them in the admin.

Naming follows 0004_beat_schedules: a sentence saying what the task does. The schedules (times,
and why) are defined in editorial.ops.beat_schedules, which also re-creates them after a flush
(post_migrate). Editors' permissions on the email models: editorial/role_setup.py.
"""

from django.db import migrations

from editorial.ops.beat_schedules import EMAIL, ensure_schedules, remove_schedules
from editorial.ops.beat_schedules import SCHEDULES as ALL_SCHEDULES

SCHEDULES = ALL_SCHEDULES[EMAIL]


def create_schedules(apps, schema_editor):
    ensure_schedules(apps, SCHEDULES)


def remove(apps, schema_editor):
    remove_schedules(apps, SCHEDULES)


class Migration(migrations.Migration):
    dependencies = [
        ("editorial", "0020_email_reports"),
        ("editorial", "0004_beat_schedules"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        migrations.RunPython(create_schedules, remove),
    ]
