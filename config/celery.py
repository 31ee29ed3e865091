"""The Celery app. Tasks live in each app's tasks.py; beat schedules in the database."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("imprimatur")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# Email reports and notices (issue 7) live in editorial/report_tasks.py, beside tasks.py.
app.autodiscover_tasks(related_name="report_tasks")
