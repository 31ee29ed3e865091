"""docker-compose.yml and .env.example stay in step: every variable has a default and a line."""

from __future__ import annotations

import re

from config.env import BASE_DIR

COMPOSE = (BASE_DIR / "docker-compose.yml").read_text()
ENV_EXAMPLE = (BASE_DIR / ".env.example").read_text()
# ${NAME} or ${NAME:-default}; $$NAME is the container's own shell variable, not compose's.
COMPOSE_VARIABLE = re.compile(r"(?<!\$)\$\{([A-Z0-9_]+)(:?-)?")
DOCUMENTED = set(re.findall(r"^#?\s*([A-Z0-9_]+)=", ENV_EXAMPLE, flags=re.MULTILINE))
PRODUCTION_REQUIRED = {
    "DJANGO_SECRET_KEY",
    "DJANGO_ALLOWED_HOSTS",
    "DATABASE_URL",
    "REDIS_URL",
    "EMAIL_URL",
    "AUDIT_ANCHOR_KEY",
}


def test_every_compose_variable_has_a_local_default():
    without_default = {name for name, dash in COMPOSE_VARIABLE.findall(COMPOSE) if not dash}

    assert not without_default, without_default


def test_env_example_documents_every_compose_variable():
    used = {name for name, _ in COMPOSE_VARIABLE.findall(COMPOSE)}
    undocumented = used - DOCUMENTED

    assert not undocumented, undocumented


def test_env_example_documents_the_variables_production_requires():
    undocumented = PRODUCTION_REQUIRED - DOCUMENTED

    assert not undocumented, undocumented
