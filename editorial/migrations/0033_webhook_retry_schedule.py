"""The webhook retry sweep (issue 18), every minute (defined, with the reason, in
editorial.ops.beat_schedules, which also re-creates it after a flush)."""

from django.db import migrations

from editorial.ops.beat_schedules import SCHEDULES, WEBHOOKS, ensure_schedules, remove_schedules


def create_schedule(apps, schema_editor):
    ensure_schedules(apps, SCHEDULES[WEBHOOKS])


def remove_schedule(apps, schema_editor):
    remove_schedules(apps, SCHEDULES[WEBHOOKS])


class Migration(migrations.Migration):
    dependencies = [
        ("editorial", "0032_api_clients_and_webhooks"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
