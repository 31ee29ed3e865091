"""The periodic tasks (django-celery-beat rows), defined here and ensured idempotently.

Editors change them in the admin (their permissions: editorial.access.role_setup); the database
scheduler reads them (`celery -A config beat -S django`). The data migrations 0004, 0021,
0022 and 0027 created them; after every migrate and flush (post_migrate) the schedules of the
applied migrations are created again where missing, so a database flushed by transactional
tests or by `manage.py flush` gets them back. An existing schedule is never touched: an
editor's change of time, arguments or `enabled` stays, and a schedule an editor renamed is
recognised by its task and arguments. To stop a schedule, disable it: a deleted one comes back
at the next migrate.
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
OPS = "0028_reports_hourly_and_heartbeat"
# The report schedules before issue 16 (once a day at 07:00): 0027 moves rows still on it.
REPORT_HOURS_BEFORE = "7"
REPORT_HOURS = "7-23"
ANCHOR = "0030_audit_anchor_schedule"
WEBHOOKS = "0033_webhook_retry_schedule"

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
    # or re-running a schedule never sends twice. Hourly from 07:00 (issue 16): a run lost to a
    # crash or an outage heals at the next hour, and the period key keeps it to one mail.
    EMAIL: [
        # Monday, hourly from 07:00 UTC, before the editors' week starts: the weekly digest.
        {
            "name": "Send the weekly staleness report",
            "task": "editorial.report_tasks.send_staleness_reports",
            "kwargs": '{"frequency": "weekly"}',
            "minute": "0",
            "hour": REPORT_HOURS,
            "day_of_week": "1",
            "description": "Stale articles, reviews due and late assignments, to weekly readers.",
        },
        # Every day, hourly from 07:00 UTC: the same report for people who chose daily.
        {
            "name": "Send the daily staleness report",
            "task": "editorial.report_tasks.send_staleness_reports",
            "kwargs": '{"frequency": "daily"}',
            "minute": "0",
            "hour": REPORT_HOURS,
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
        # and the staleness report names the first break, and every published snapshot no
        # valid signature covers (issue 20), to editors.
        {
            "name": "Verify the audit hash chains",
            "task": "editorial.audit_tasks.verify_audit_nightly",
            "minute": "15",
            "hour": "3",
            "description": (
                "Recomputes every article's audit chain, checks every published snapshot"
                " against the board's signatures, and records the outcome."
            ),
        },
    ],
    OPS: [
        # Every minute: a worker writes its heartbeat through the broker (beat -> Redis ->
        # worker -> database), which /healthz reports without talking to the broker itself.
        {
            "name": "Worker heartbeat",
            "task": "editorial.ops.tasks.worker_heartbeat",
            "minute": "*",
            "hour": "*",
            "description": "Records that a worker runs tasks (shown by /healthz).",
        },
    ],
    ANCHOR: [
        # Hourly at :05 (issue 15): a checkpoint of every chain head outside the database,
        # even when nothing changed, so a rewrite is caught within the hour after the last
        # burst checkpoint and a silent anchor sink is noticed.
        {
            "name": "Anchor the audit chain heads",
            "task": "editorial.audit_tasks.audit_anchor_hourly",
            "minute": "5",
            "hour": "*",
            "description": "An HMAC checkpoint of every audit chain head (AUDIT_ANCHOR_DIR).",
        },
    ],
    WEBHOOKS: [
        # Every minute: webhook deliveries whose retry is due (backoff WEBHOOK_RETRY_BACKOFF *
        # 2**n) and any whose first publish was lost; a delivery is claimed before it is sent.
        {
            "name": "Retry due webhook deliveries",
            "task": "editorial.webhooks.deliver_due",
            "minute": "*",
            "hour": "*",
            "description": "Sends pending webhook deliveries whose next attempt is due.",
        },
    ],
}


def reports_move_to_hourly(apps: Any, *, hours: str, from_hours: str) -> int:
    """Move the report schedules still on `from_hours` (untouched by an editor) to `hours`."""
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    moved = 0
    for task in PeriodicTask.objects.filter(
        task="editorial.report_tasks.send_staleness_reports",
        crontab__minute="0",
        crontab__hour=from_hours,
    ).select_related("crontab"):
        old = task.crontab
        when = {
            "minute": "0",
            "hour": hours,
            "day_of_week": old.day_of_week,
            "day_of_month": old.day_of_month,
            "month_of_year": old.month_of_year,
            "timezone": old.timezone,
        }
        crontab = CrontabSchedule.objects.filter(**when).order_by("pk").first()
        task.crontab = crontab or CrontabSchedule.objects.create(**when)
        task.save()
        moved += 1
    return moved


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
