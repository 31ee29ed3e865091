"""config.settings.production, as a deployment runs it: check --deploy, gunicorn, headers.

The gunicorn tests boot the real production settings out of process against the test
PostgreSQL database and Redis (no Docker here), and talk to them over HTTP as a TLS-terminating
proxy would (X-Forwarded-Proto: https).
"""

from __future__ import annotations

import json
import re
from http.cookies import SimpleCookie

import httpx
import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from django.db import connection

from tests.config.production_server import HOST, gunicorn, manage, postgres_url, production_env
from tests.factories import UserFactory

HTTPS = {"Host": HOST, "X-Forwarded-Proto": "https"}
PASSWORD = "a-long-editorial-passphrase"


def test_production_settings_pass_the_deployment_checks(tmp_path):
    env = production_env(
        database_url="postgres://imprimatur@127.0.0.1:5432/imprimatur",  # not connected to
        redis_url="redis://127.0.0.1:6379/0",
        static_root=tmp_path / "static",
    )

    result = manage(env, "check", "--deploy", "--fail-level", "WARNING")

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.fixture(scope="module")
def static_root(tmp_path_factory):
    """collectstatic with the production storage, as the image build runs it."""
    root = tmp_path_factory.mktemp("production") / "static"
    env = production_env(
        database_url="postgres://build@127.0.0.1:5432/build",
        redis_url="redis://127.0.0.1:6379/0",
        static_root=root,
    )
    result = manage(env, "collectstatic", "--noinput")
    assert result.returncode == 0, result.stdout + result.stderr
    return root


@pytest.fixture
def committed(django_db_setup, django_db_blocker):
    """Rows the gunicorn process can see: committed, then deleted again by hand.

    A transactional test would flush every table afterwards, taking the roles the data
    migrations created away from the tests that run after it.
    """
    usernames: list[str] = []

    def create_user(username: str, password: str) -> None:
        user = UserFactory(username=username)
        # A hash the production hashers accept (the test settings only know MD5).
        user.password = PBKDF2PasswordHasher().encode(password, "testsalt1234", iterations=1000)
        user.save(update_fields=["password"])
        usernames.append(username)

    with django_db_blocker.unblock():
        try:
            yield create_user
        finally:
            AccessAttempt.objects.filter(username__in=usernames).delete()
            AccessLog.objects.filter(username__in=usernames).delete()
            AccessFailureLog.objects.filter(username__in=usernames).delete()
            Session.objects.all().delete()
            User.objects.filter(username__in=usernames).delete()


@pytest.fixture
def server(django_db_setup, django_db_blocker, static_root):
    """gunicorn with the production settings on the test database."""
    with django_db_blocker.unblock():
        database_url = postgres_url(connection.settings_dict)
    env = production_env(
        database_url=database_url, redis_url=settings.REDIS_URL, static_root=static_root
    )
    with gunicorn(env) as running:
        yield running


def _cookies(response: httpx.Response) -> dict[str, dict]:
    """Set-Cookie headers by name: {"sessionid": {"value": ..., "header": "<lowercased>"}}."""
    parsed = {}
    for header in response.headers.get_list("set-cookie"):
        jar = SimpleCookie()
        jar.load(header)
        for name, morsel in jar.items():
            parsed[name] = {"value": morsel.value, "header": header.lower()}
    return parsed


def _login_form(server) -> tuple[str, str]:
    """(csrf cookie, csrf form token) from the admin login page."""
    page = httpx.get(f"{server.url}/admin/login/", headers=HTTPS)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    return _cookies(page)["csrftoken"]["value"], token


def _post_login(server, username: str, password: str, csrf: tuple[str, str]) -> httpx.Response:
    cookie, token = csrf
    return httpx.post(
        f"{server.url}/admin/login/?next=/admin/",
        headers={**HTTPS, "Origin": f"https://{HOST}", "Cookie": f"csrftoken={cookie}"},
        data={"username": username, "password": password, "csrfmiddlewaretoken": token},
    )


@pytest.mark.postgres
@pytest.mark.redis
def test_gunicorn_serves_health_and_pages_with_security_headers(server):
    health = httpx.get(f"{server.url}/healthz", headers={"Host": HOST})  # plain HTTP, as a probe
    plain_page = httpx.get(f"{server.url}/admin/login/", headers={"Host": HOST})
    page = httpx.get(f"{server.url}/admin/login/", headers=HTTPS)
    missing = httpx.get(f"{server.url}/no-such-page/", headers=HTTPS)

    assert health.status_code == 200
    assert health.json()["database"] == "ok"
    assert health.json()["outbox"]["pending"] >= 0

    assert plain_page.status_code == 301
    assert plain_page.headers["location"] == f"https://{HOST}/admin/login/"

    assert page.status_code == 200
    assert page.headers["strict-transport-security"] == (
        "max-age=31536000; includeSubDomains; preload"
    )
    csp = page.headers["content-security-policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert "unsafe-eval" not in csp
    assert page.headers["x-content-type-options"] == "nosniff"
    assert page.headers["x-frame-options"] == "DENY"
    assert page.headers["referrer-policy"] == "same-origin"
    assert "; secure" in _cookies(page)["csrftoken"]["header"]

    # Static files: collected with hashed names and served by whitenoise, cached for good.
    stylesheet = re.search(r'href="(/static/admin/css/base\.[0-9a-f]{12}\.css)"', page.text)
    assert stylesheet, "the admin stylesheet is not served under a hashed name"
    css = httpx.get(f"{server.url}{stylesheet.group(1)}", headers=HTTPS)
    assert css.status_code == 200
    assert "immutable" in css.headers["cache-control"]

    assert missing.status_code == 404
    server.process.terminate()
    server.process.wait(timeout=30)
    logged = [json.loads(line) for line in server.stdout]  # every stdout line is JSON
    assert any(
        entry["logger"] == "django.request" and "/no-such-page/" in entry["message"]
        for entry in logged
    ), server.stdout
    assert any(
        entry["logger"] == "gunicorn.access" and "GET /healthz" in entry["message"]
        for entry in logged
    ), server.stdout


@pytest.mark.postgres
@pytest.mark.redis
def test_gunicorn_login_sets_secure_expiring_session_and_locks_out_guessing(server, committed):
    committed("prod-editor", PASSWORD)
    committed("guessed-editor", PASSWORD)
    csrf = _login_form(server)

    login = _post_login(server, "prod-editor", PASSWORD, csrf)
    guesses = [_post_login(server, "guessed-editor", "guess", csrf).status_code for _ in range(5)]

    assert login.status_code == 302, login.text
    session = _cookies(login)["sessionid"]["header"]
    assert "; secure" in session
    assert "; httponly" in session
    assert "expires=" not in session  # ends with the browser; the server expires it too
    assert "max-age=" not in session
    assert guesses == [200, 200, 200, 200, 429]  # AXES_FAILURE_LIMIT defaults to 5
