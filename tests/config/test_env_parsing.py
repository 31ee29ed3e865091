"""The documented forms of the map settings parse; a bad value names the variable; the tests
never read .env."""

from __future__ import annotations

import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.env import BASE_DIR, env_int_map

DEFAULT = {"standard": 1, "high": 2}


@pytest.mark.parametrize(
    "raw",
    ["standard=1,high=2", "standard=1;high=2", " standard = 1 , high = 2 ", "high=2,standard=1,"],
)
def test_the_documented_form_parses(monkeypatch, raw):
    monkeypatch.setenv("REVIEW_QUORUM", raw)

    assert env_int_map("REVIEW_QUORUM", default=DEFAULT) == {"standard": 1, "high": 2}


def test_unset_gives_the_default(monkeypatch):
    monkeypatch.delenv("REVIEW_QUORUM", raising=False)

    assert env_int_map("REVIEW_QUORUM", default=DEFAULT) == DEFAULT


@pytest.mark.parametrize("raw", ["standard=one,high=2", "standard:1,high:2", "standard=1"])
def test_a_bad_value_names_the_variable_and_the_form(monkeypatch, raw):
    monkeypatch.setenv("REVIEW_QUORUM", raw)

    with pytest.raises(
        ImproperlyConfigured, match=r"REVIEW_QUORUM=.*standard=1,high=2|REVIEW_QUORUM=.*high"
    ):
        env_int_map("REVIEW_QUORUM", default=DEFAULT)


def test_settings_import_with_the_readme_form_and_tests_ignore_dotenv(tmp_path):
    """A fresh interpreter, as manage.py starts: the README's REVIEW_QUORUM form loads, and a
    .env in the project is not read under the test settings."""
    code = (
        "import django, os; django.setup(); from django.conf import settings; "
        "print(settings.REVIEW_QUORUM, settings.REVIEW_INTERVAL_DAYS, settings.SITE_URL)"
    )
    env = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "REVIEW_QUORUM": "standard=1,high=2",
        "REVIEW_INTERVAL_DAYS": "standard=365,high=180",
    }
    dotenv = BASE_DIR / ".env"
    created = not dotenv.exists()
    if created:  # a developer's .env, as the README suggests copying it
        dotenv.write_text("SITE_URL=http://from-dotenv.invalid\nREVIEW_QUORUM=broken\n")
    try:
        result = subprocess.run(
            [sys.executable, "-c", code], cwd=BASE_DIR, env=env, capture_output=True, text=True
        )
    finally:
        if created:
            dotenv.unlink()

    assert result.returncode == 0, result.stderr
    assert "{'standard': 1, 'high': 2} {'standard': 365, 'high': 180}" in result.stdout
    assert "from-dotenv" not in result.stdout
