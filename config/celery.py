"""The Celery app. Task modules are listed here (one per capability package), not discovered:
a task module nobody imports cannot go missing silently; beat schedules live in the database
(editorial/ops/beat_schedules.py) and name the tasks registered by these modules."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

TASK_MODULES = (
    "editorial.staleness.tasks",
    "editorial.notify.tasks",
    "editorial.reporting.tasks",
    "editorial.audit.tasks",
    "editorial.public.tasks",
    "editorial.ops.tasks",
    "editorial.webhooks.tasks",
)

app = Celery("imprimatur")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.imports = TASK_MODULES
