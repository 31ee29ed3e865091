"""The one place that reads the environment. Defaults give the embedded mode."""

import os
from pathlib import Path
from typing import Any

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# A local .env is optional and never required (README: the embedded mode needs nothing). The
# tests never read it (a .env made for compose would point them at the compose hosts): not
# under the test settings, nor in processes the tests start (IMPRIMATUR_NO_DOTENV=1,
# tests/conftest.py).
if (
    os.environ.get("DJANGO_SETTINGS_MODULE") != "config.settings.test"
    and os.environ.get("IMPRIMATUR_NO_DOTENV") != "1"
):
    environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

EMBEDDED_DATABASE_URL = f"sqlite:///{BASE_DIR / 'db.sqlite3'}"
EMBEDDED_REDIS_URL = "redis://127.0.0.1:6379/0"


def env_int_map(name: str, *, default: dict[str, int]) -> dict[str, int]:
    """A `name=number` map such as REVIEW_QUORUM=standard=1,high=2 (the documented form; `;`
    separates too). A bad value stops the start-up with a message naming the variable."""
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return dict(default)
    parsed: dict[str, int] = {}
    for item in raw.replace(";", ",").split(","):
        key, sep, value = item.partition("=")
        key, value = key.strip(), value.strip()
        if not item.strip():
            continue
        if not sep or not key or not value.lstrip("-").isdigit():
            raise ImproperlyConfigured(
                f"{name}={raw!r} is not valid: expected name=number pairs separated by commas, "
                f"e.g. {name}={','.join(f'{k}={v}' for k, v in default.items())} "
                f"(the item {item.strip()!r} is not)."
            )
        parsed[key] = int(value)
    missing = set(default) - set(parsed)
    if missing:
        raise ImproperlyConfigured(
            f"{name}={raw!r} is not valid: it must give a number for {', '.join(sorted(missing))}."
        )
    return parsed


DJANGO_REDIS_BACKEND = "django.core.cache.backends.redis.RedisCache"


def with_reused_clients(cache: dict[str, Any]) -> dict[str, Any]:
    """A CACHES entry (e.g. from env.cache) with Django's Redis backend swapped for
    config.redis_cache's (one Redis client per pool instead of one per call)."""
    if cache.get("BACKEND") == DJANGO_REDIS_BACKEND:
        return {**cache, "BACKEND": "config.redis_cache.RedisCache"}
    return cache
