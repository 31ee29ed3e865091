"""The stack boots as shipped: each service of docker-compose.yml, with the environment compose
would give it (defaults, no .env), imports its settings, and web, migrate, worker, beat and the
relay start and connect (PostgreSQL and Redis of this machine stand in for compose's)."""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import psycopg
import pytest
from django.conf import settings
from django.db import connection

from config.env import BASE_DIR
from tests.config.compose import command, compose_services, in_checkout, service_env
from tests.config.production_server import manage, postgres_url

SERVICES = compose_services()
APP_SERVICES = ("migrate", "web", "worker", "beat", "relay")
# Read by config.settings but deliberately not passed by compose: production.py forces them
# (eager tasks, debug), the image sets them (static root), or only tests use them.
NOT_IN_COMPOSE = {
    "CELERY_TASK_ALWAYS_EAGER",
    "CELERY_TASK_DEFAULT_QUEUE",
    "DJANGO_DEBUG",
    "DJANGO_STATIC_ROOT",
}
SETTING = re.compile(r"env(?:\.[a-z_]+|_int_map)\(\s*\"([A-Z0-9_]+)\"")
BOOT_SECONDS = 90


def test_every_setting_the_app_reads_reaches_every_app_container():
    read = set()
    for module in (BASE_DIR / "config" / "settings").glob("*.py"):
        read |= set(SETTING.findall(module.read_text()))
    assert {"REVIEW_QUORUM", "CITATION_RESOLVERS_ENABLED", "PUBLIC_SHOWS_PENDING"} <= read

    for name in APP_SERVICES:
        # the owner's login goes to the migrate job alone (issue 15): the app runs as runtime
        owner_only = set() if name == "migrate" else {"DATABASE_OWNER_URL"}
        missing = read - NOT_IN_COMPOSE - owner_only - set(SERVICES[name]["environment"])
        assert not missing, f"{name} does not get {sorted(missing)}"


def test_the_relay_runs_as_exactly_one_service_of_its_own():
    relays = [n for n, s in SERVICES.items() if "outbox_relay" in " ".join(command(s))]

    assert relays == ["relay"]
    assert "deploy" not in SERVICES["relay"]  # no replicas


@pytest.fixture(scope="module")
def fresh_database(django_db_setup, django_db_blocker) -> Iterator[str]:
    """An empty PostgreSQL database, as the compose `db` service starts."""
    with django_db_blocker.unblock():
        if connection.vendor != "postgresql":
            pytest.skip("needs PostgreSQL")
        admin_url = postgres_url({**connection.settings_dict, "NAME": "postgres"})
    name = f"imprimatur_compose_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield postgres_url({**connection.settings_dict, "NAME": name})
    finally:
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def envs(fresh_database, tmp_path_factory) -> dict[str, dict[str, str]]:
    home = tmp_path_factory.mktemp("compose")
    local = {
        "DATABASE_URL": fresh_database,
        "REDIS_URL": settings.REDIS_URL,
        "EMAIL_URL": f"smtp://127.0.0.1:{_free_port()}",
        # the image's collectstatic output (below); a queue of its own on the shared Redis
        "DJANGO_STATIC_ROOT": str(home / "static"),
        "CELERY_TASK_DEFAULT_QUEUE": f"compose-boot-{uuid.uuid4().hex[:8]}",
    }
    built = {name: service_env(SERVICES[name], local=local, home=home) for name in APP_SERVICES}
    result = manage(built["web"], "collectstatic", "--noinput")  # as the image build does
    assert result.returncode == 0, result.stderr
    return built


@pytest.fixture(scope="module")
def migrated(envs) -> dict[str, dict[str, str]]:
    """The migrate job's own command, on the fresh database."""
    argv = in_checkout(command(SERVICES["migrate"]))
    argv = [a.replace("python ", f"{in_checkout(['python'])[0]} ") for a in argv]
    result = subprocess.run(
        argv, cwd=BASE_DIR, env=envs["migrate"], capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return envs


@pytest.mark.postgres
def test_each_service_imports_its_settings(envs):
    code = "from django.conf import settings as s; print(s.REVIEW_QUORUM, s.PUBLIC_SHOWS_PENDING)"
    started = {  # at once: five interpreters one after the other cost the suite ~20 s
        name: subprocess.Popen(
            [sys.executable, "manage.py", "shell", "-c", code],
            cwd=BASE_DIR,
            env=envs[name],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in APP_SERVICES
    }
    for name, process in started.items():
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0, f"{name}: {err[-3000:]}"
        assert "{'standard': 1, 'high': 2} True" in out, name


@pytest.mark.postgres
def test_web_passes_the_deployment_checks(envs):
    result = manage(envs["web"], "check", "--deploy")

    assert result.returncode == 0, result.stdout + result.stderr
    # compose's local default has no TLS proxy in front (DJANGO_SECURE_SSL_REDIRECT=false)
    warnings = set(re.findall(r"\(security\.(W\d+)\)", result.stdout + result.stderr))
    assert warnings <= {"W008"}, result.stdout + result.stderr


@contextmanager
def running(argv: list[str], env: dict[str, str]) -> Iterator[tuple[subprocess.Popen, list[str]]]:
    process = subprocess.Popen(
        argv, cwd=BASE_DIR, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(process.stdout), daemon=True)
    reader.start()
    try:
        yield process, lines
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_for(predicate, what: str, lines: list[str]) -> None:
    deadline = time.monotonic() + BOOT_SECONDS
    while not predicate():
        if time.monotonic() > deadline:
            pytest.fail(f"{what} within {BOOT_SECONDS} s:\n" + "".join(lines[-60:]))
        time.sleep(0.2)  # another process's start-up


@pytest.mark.postgres
@pytest.mark.redis
def test_web_serves_health_and_the_index(migrated):
    port = _free_port()
    argv = [a.replace("0.0.0.0:8000", f"127.0.0.1:{port}") for a in command(SERVICES["web"])]
    host = migrated["web"]["DJANGO_ALLOWED_HOSTS"].split(",")[0]

    def get(path: str) -> httpx.Response | None:
        try:
            return httpx.get(f"http://127.0.0.1:{port}{path}", headers={"Host": host}, timeout=5)
        except httpx.TransportError:
            return None

    with running(in_checkout(argv), migrated["web"]) as (_, lines):
        wait_for(lambda: get("/healthz") is not None, "gunicorn did not answer", lines)
        health, index = get("/healthz"), get("/")

    assert health.status_code == 200, health.text
    assert health.json()["database"] == "ok"
    assert index.status_code == 200


@pytest.mark.postgres
@pytest.mark.redis
def test_worker_beat_and_relay_start_and_connect(migrated):
    worker = in_checkout(command(SERVICES["worker"]))
    beat = [
        a.replace("/tmp/celerybeat.pid", str(Path(migrated["beat"]["HOME"]) / "beat.pid"))
        for a in in_checkout(command(SERVICES["beat"]))
    ]
    relay = in_checkout(command(SERVICES["relay"]))
    with (
        running(worker, migrated["worker"]) as (_, worker_lines),
        running(beat, migrated["beat"]) as (_, beat_lines),
        running(relay, migrated["relay"]) as (relay_process, relay_lines),
    ):
        wait_for(lambda: any("ready." in line for line in worker_lines), "no worker", worker_lines)
        assert any("Connected to redis://" in line for line in worker_lines)
        wait_for(lambda: any("Starting..." in line for line in beat_lines), "no beat", beat_lines)
        with psycopg.connect(migrated["relay"]["DATABASE_URL"]) as db:
            wait_for(
                lambda: (
                    db.execute(
                        "SELECT 1 FROM editorial_serviceheartbeat WHERE name = 'relay'"
                    ).fetchone()
                    is not None
                ),
                "no relay heartbeat",
                relay_lines,
            )
        assert relay_process.poll() is None
