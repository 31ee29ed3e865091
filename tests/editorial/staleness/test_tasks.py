"""Staleness tasks: each takes ids, calls one service and is safe to run twice. Eager here; the
real worker on Redis is exercised by test_worker_integration.py."""

import importlib
from datetime import timedelta

import pytest
import time_machine

from articles.models import Citation, SourceVersion
from editorial.staleness.tasks import flag_overdue_reviews, poll_source, poll_sources
from tests.editorial.source_server import SourceServer
from tests.factories import ArticleFactory, SourceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast_polling(settings):
    settings.SOURCE_POLL_TIMEOUT = 0.5
    settings.SOURCE_POLL_BACKOFF = 0
    settings.SOURCE_POLL_HOST_INTERVAL = 0


@pytest.fixture
def server():
    with SourceServer() as running:
        yield running


def test_poll_sources_queues_one_poll_per_source_after_commit(
    server, django_capture_on_commit_callbacks
):
    for path in ("/a", "/b"):
        server.serve(path)
        SourceFactory(url=server.url(path))
    SourceFactory(url="")

    with django_capture_on_commit_callbacks(execute=True) as queued:
        assert poll_sources.delay().get() == 2

    assert len(queued) == 2
    assert SourceVersion.objects.count() == 2  # each source polled once: a baseline
    assert all(len(server.pages[p].requests) == 1 for p in ("/a", "/b"))


def test_poll_source_twice_flags_a_changed_source_once(server):
    server.serve("/g", body=b"version 1")
    source = SourceFactory(url=server.url("/g"), current_version="1")
    article = ArticleFactory(approved=True)
    Citation.objects.create(article=article, number=2, source=source)
    poll_source.delay(source.pk)
    server.pages["/g"].body = b"version 2"

    assert poll_source.delay(source.pk).get() == "changed"
    assert poll_source.delay(source.pk).get() == "unchanged"

    assert article.staleness_flags.count() == 1


def test_poll_source_of_a_deleted_source_is_skipped():
    assert poll_source.delay(987654).get() == "skipped"


def test_flag_overdue_reviews_flags_each_due_article_once():
    article = ArticleFactory(approved=True)

    with time_machine.travel(article.next_review_due + timedelta(days=1)):
        assert flag_overdue_reviews.delay().get() == 1
        assert flag_overdue_reviews.delay().get() == 0

    article.refresh_from_db()
    assert article.status == "stale"


def test_tasks_are_acks_late_with_time_limits():
    for task in (poll_sources, poll_source, flag_overdue_reviews):
        assert task.acks_late is True
        assert task.time_limit and task.soft_time_limit < task.time_limit


def test_beat_schedules_from_the_migration_name_registered_tasks():
    from django.apps import apps
    from django_celery_beat.models import PeriodicTask

    from config.celery import app as celery_app

    migration = importlib.import_module("editorial.migrations.0004_beat_schedules")
    migration.create_schedules(apps, None)  # idempotent: the migration already ran it
    migration.create_schedules(apps, None)

    # only this migration's schedules (the email schedules come from 0021_email_schedules)
    names = [spec["name"] for spec in migration.SCHEDULES]
    scheduled = dict(
        PeriodicTask.objects.filter(name__in=names).values_list("task", "crontab__hour")
    )
    assert scheduled == {
        "editorial.tasks.poll_sources": "2",
        "editorial.tasks.flag_overdue_reviews": "3",
    }
    assert set(scheduled) <= set(celery_app.tasks)
