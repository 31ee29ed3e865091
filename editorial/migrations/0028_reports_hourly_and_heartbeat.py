"""Issue 16: the staleness reports run hourly from 07:00 (a run lost to a crash heals within the
hour; the period key keeps it to one mail per person), and a worker heartbeat every minute.

Report rows an editor moved off 07:00 are left as they are.
"""

from django.db import migrations

from editorial.ops.beat_schedules import (
    OPS,
    REPORT_HOURS,
    REPORT_HOURS_BEFORE,
    ensure_schedules,
    remove_schedules,
    reports_move_to_hourly,
)
from editorial.ops.beat_schedules import SCHEDULES as ALL_SCHEDULES


def forwards(apps, schema_editor):
    reports_move_to_hourly(apps, hours=REPORT_HOURS, from_hours=REPORT_HOURS_BEFORE)
    ensure_schedules(apps, ALL_SCHEDULES[OPS])


def backwards(apps, schema_editor):
    reports_move_to_hourly(apps, hours=REPORT_HOURS_BEFORE, from_hours=REPORT_HOURS)
    remove_schedules(apps, ALL_SCHEDULES[OPS])


class Migration(migrations.Migration):
    dependencies = [
        ("editorial", "0027_delivery_claims"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
