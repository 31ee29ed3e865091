"""The staleness schedules, created once so editors can change them in the admin
(django-celery-beat's database scheduler reads them; `celery -A config beat -S django`).

The schedules themselves (times, and why) are defined in editorial.ops.beat_schedules, which also
re-creates them after a flush (post_migrate). Editors may change them (their permissions are
in editorial.access.role_setup, ensured after every migrate).
"""

from django.db import migrations

from editorial.ops.beat_schedules import SCHEDULES as ALL_SCHEDULES
from editorial.ops.beat_schedules import STALENESS, ensure_schedules, remove_schedules

SCHEDULES = ALL_SCHEDULES[STALENESS]


def create_schedules(apps, schema_editor):
    ensure_schedules(apps, SCHEDULES)


def remove(apps, schema_editor):
    remove_schedules(apps, SCHEDULES)


class Migration(migrations.Migration):
    dependencies = [
        ("editorial", "0003_stalenessflag"),
        ("editorial", "0002_roles"),
        ("articles", "0003_sourceversion"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        migrations.RunPython(create_schedules, remove),
    ]
