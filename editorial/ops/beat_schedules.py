"""The periodic tasks (django-celery-beat rows), defined here and ensured idempotently.

Editors change them in the admin (their permissions: editorial.access.role_setup); the database
scheduler reads them (`celery -A config beat -S django`). The data migrations 0004, 0021 and
0022 created them; after every migrate and flush (post_migrate) the schedules of the applied
migrations are created again where missing, so a database flushed by transactional tests or by
`manage.py flush` gets them back. An existing schedule is never touched: an editor's change of
time, arguments or `enabled` stays, and a schedule an editor renamed is recognised by its task
and arguments. To stop a schedule, disable it: a deleted one comes back at the next migrate.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps as global_apps
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.recorder import MigrationRecorder

TIMEZONE = "UTC"
STALENESS = "0004_beat_schedules"
EMAIL = "0021_email_schedules"
AUDIT = "0022_audit_schedule"

# {data migration that created them: [schedule, ...]}, in migration order.
SCHEDULES: dict[str, list[dict[str, str]]] = {
    STALENESS: [
        # Daily at 02:30 UTC, off-peak for the publishers' servers (NICE, DailyMed, journals):
        # one conditional GET per cited source with a URL; a changed source flags its articles.
        {
            "name": "Poll cited sources for new versions",
            "task": "editorial.tasks.poll_sources",
            "minute": "30",
            "hour": "2",
            "description": (
                "Conditional GET of every source with a URL; changes flag articles stale."
            ),
        },
        # Daily at 03:15 UTC, after the poll: the backstop for sources nobody watches —
        # approved articles whose periodic review (REVIEW_INTERVAL_DAYS) has passed go stale.
        {
            "name": "Flag articles whose periodic review is due",
            "task": "editorial.tasks.flag_overdue_reviews",
            "minute": "15",
            "hour": "3",
            "description": (
                "Approved articles past next_review_due are flagged 'periodic review due'."
            ),
        },
    ],
    # The report task runs per frequency: each run sends every recipient with that frequency
    # the report for the current period (today / this ISO week) unless already sent, so moving
    # or re-running a schedule never sends twice.
    EMAIL: [
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
            "description": "The staleness report for people who chose a daily report.",
        },
        # Every day 08:00 UTC, after the reports: reminders to reviewers whose assignment is
        # due within 2 days, escalation to editors for overdue ones.
        {
            "name": "Remind reviewers of assignments due soon",
            "task": "editorial.report_tasks.send_review_reminders",
            "minute": "0",
            "hour": "8",
            "description": (
                "Reminders for assignments due within 2 days; overdue ones go to editors."
            ),
        },
        # Hourly at :45, after the staleness poll and backstop (02:30, 03:15): tell authors and
        # editors about articles the sweep flagged (the sweep writes in bulk, without a hook).
        {
            "name": "Notify authors of newly stale articles",
            "task": "editorial.report_tasks.notify_recently_stale",
            "minute": "45",
            "hour": "*",
            "description": "Tells the author and editors once about each article flagged stale.",
        },
    ],
    AUDIT: [
        # 03:15 UTC every night, after the day's work: a tampering is reported within a day,
        # and the staleness report (Monday 07:00) names the first break to editors.
        {
            "name": "Verify the audit hash chains",
            "task": "editorial.audit_tasks.verify_audit_nightly",
            "minute": "15",
            "hour": "3",
            "description": "Recomputes every article's audit chain and records the outcome.",
        },
    ],
}


def ensure_schedules(apps: Any, schedules: list[dict[str, str]]) -> int:
    """Create the schedules that have no row yet (by name, or by task and arguments for a
    renamed one); existing rows are left as they are. Returns how many were created."""
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    created = 0
    for spec in schedules:
        kwargs = spec.get("kwargs", "{}")
        if PeriodicTask.objects.filter(name=spec["name"]).exists():
            continue
        if PeriodicTask.objects.filter(task=spec["task"], kwargs=kwargs).exists():
            continue
        when = {
            "minute": spec["minute"],
            "hour": spec["hour"],
            "day_of_week": spec.get("day_of_week", "*"),
            "day_of_month": "*",
            "month_of_year": "*",
            "timezone": TIMEZONE,
        }
        # editors may add crontabs: an identical one may exist twice, reuse the first
        crontab = CrontabSchedule.objects.filter(**when).order_by("pk").first()
        if crontab is None:
            crontab = CrontabSchedule.objects.create(**when)
        PeriodicTask.objects.create(
            name=spec["name"],
            task=spec["task"],
            kwargs=kwargs,
            crontab=crontab,
            description=spec["description"],
            enabled=True,
        )
        created += 1
    return created


def remove_schedules(apps: Any, schedules: list[dict[str, str]]) -> None:
    """Reverse of a data migration: delete its schedules by name."""
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name__in=[s["name"] for s in schedules]).delete()


def ensure_schedules_after_migrate(
    sender: Any, using: str = DEFAULT_DB_ALIAS, **kwargs: Any
) -> int:
    """post_migrate receiver: migrate and flush both end here. Only the schedules of the
    applied data migrations (a migration unapplied on purpose stays without its rows)."""
    connection = connections[using]
    if "django_celery_beat_periodictask" not in connection.introspection.table_names():
        return 0
    applied = MigrationRecorder(connection).applied_migrations()
    # the real models, not the migration state's: saving them tells the running beat scheduler
    return sum(
        ensure_schedules(global_apps, schedules)
        for migration, schedules in SCHEDULES.items()
        if ("editorial", migration) in applied
    )
