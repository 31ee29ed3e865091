"""Personas and service switches shared by the whole suite.

Tests marked `postgres` or `redis` need those services. Locally they are skipped when
DATABASE_URL is not PostgreSQL / Redis is down; with IMPRIMATUR_REQUIRE_SERVICES=1 (CI) they
fail instead, so CI never silently skips them.
"""

from __future__ import annotations

import os

import pytest
from django.db import connection, connections

from editorial.access.roles import AUTHORS, EDITORS
from tests.factories import ArticleFactory, BoardMemberFactory, UserFactory

REQUIRE_SERVICES = os.environ.get("IMPRIMATUR_REQUIRE_SERVICES") == "1"
# Processes the tests start (worker, gunicorn, manage.py) never read a developer's .env either
# (config/env.py): a .env made for compose would point them at the compose hosts.
os.environ["IMPRIMATUR_NO_DOTENV"] = "1"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


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
    if item.get_closest_marker("browser") and not os.path.exists(CHROMIUM):
        missing.append(f"Debian's chromium at {CHROMIUM} (apt-get install chromium)")
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


@pytest.fixture
def browser_page(live_server):
    """A Playwright page in Debian's chromium (never a downloaded browser)."""
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.set_default_timeout(10_000)
        # The Content-Security-Policy (same in every settings module) must never bite: a
        # blocked inline script or style is a broken page in production.
        violations: list[str] = []
        page.on(
            "console",
            lambda message: (
                violations.append(message.text)
                if "Content Security Policy" in message.text
                else None
            ),
        )
        # tests/accessibility.py drops the violations axe-core's own checks cause
        page.csp_violations = violations
        try:
            yield page
        finally:
            browser.close()
            # While Playwright's event loop runs in this thread, Django keeps the test's own
            # ORM connection in context-local storage: close it here, inside that context, or
            # it outlives the test and blocks dropping the test database at the end.
            connections.close_all()
        assert not violations, f"CSP violations on the page: {violations}"


def browser_login(page, live_server, username: str, password: str = "pw-correct-horse") -> None:
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("input[type=submit]")


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache (the public page cache is keyed by version)."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _own_anchor_dir(settings, tmp_path):
    """Each test writes its audit anchors to its own directory: a rolled-back test's entry ids
    come again, so another test's watermarks would hide them."""
    settings.AUDIT_ANCHOR_DIR = tmp_path / "anchors"


@pytest.fixture
def runtime_role(db, settings):
    """The runtime database role (DATABASE_URL's user when DATABASE_OWNER_URL is set), for
    `SET LOCAL ROLE` inside a test. With one role configured, a scratch role with the same
    grants is created inside the test's transaction (rolled back with it)."""
    from django.db import connection

    from editorial.audit.db import protected_tables
    from editorial.audit.grants import grant_runtime

    role = settings.DATABASE_RUNTIME_ROLE
    if not role:
        role = f"{connection.settings_dict['NAME']}_runtime"[:63]
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
            if cursor.fetchone() is None:
                cursor.execute(f'CREATE ROLE "{role}" NOLOGIN')
            cursor.execute(f'GRANT "{role}" TO CURRENT_USER')
        grant_runtime(connection, role, protected_tables())
    return role
