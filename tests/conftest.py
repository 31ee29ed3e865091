"""Personas and service switches shared by the whole suite.

Tests marked `postgres` or `redis` need those services. Locally they are skipped when
DATABASE_URL is not PostgreSQL / Redis is down; with IMPRIMATUR_REQUIRE_SERVICES=1 (CI) they
fail instead, so CI never silently skips them.
"""

from __future__ import annotations

import os

import pytest
from django.db import connection

from editorial.roles import AUTHORS, EDITORS
from tests.factories import ArticleFactory, BoardMemberFactory, UserFactory

REQUIRE_SERVICES = os.environ.get("IMPRIMATUR_REQUIRE_SERVICES") == "1"


def _redis_up() -> bool:
    from django.conf import settings

    try:
        import redis

        redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1).ping()
    except Exception:
        return False
    return True


def pytest_runtest_setup(item: pytest.Item) -> None:
    missing = []
    if item.get_closest_marker("postgres") and connection.vendor != "postgresql":
        missing.append("PostgreSQL (set DATABASE_URL=postgres://...)")
    if item.get_closest_marker("redis") and not _redis_up():
        missing.append("Redis (set REDIS_URL)")
    if missing:
        message = f"needs {', '.join(missing)}"
        if REQUIRE_SERVICES:
            pytest.fail(message + " — IMPRIMATUR_REQUIRE_SERVICES=1 forbids skipping")
        pytest.skip(message)


@pytest.fixture
def author(db):
    return UserFactory(username="author-persona", groups=[AUTHORS])


@pytest.fixture
def other_author(db):
    return UserFactory(username="other-author", groups=[AUTHORS])


@pytest.fixture
def editor(db):
    return UserFactory(username="editor-persona", groups=[EDITORS])


@pytest.fixture
def reviewer(db):
    return BoardMemberFactory(user__username="reviewer-persona", credentials="MD")


@pytest.fixture
def other_reviewer(db):
    return BoardMemberFactory(user__username="reviewer-two", credentials="DO")


@pytest.fixture
def draft(author):
    return ArticleFactory(author=author)
