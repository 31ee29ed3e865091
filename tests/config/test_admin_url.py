"""DJANGO_ADMIN_URL moves the admin; the default stays admin/."""

from __future__ import annotations

import importlib

import pytest
from django.test import override_settings
from django.urls import Resolver404, clear_url_caches, resolve

import config.urls


def _reload_urls() -> None:
    importlib.reload(config.urls)
    clear_url_caches()


def test_admin_is_served_under_the_configured_prefix():
    try:
        with override_settings(ADMIN_URL="board-room/"):
            _reload_urls()
            match = resolve("/board-room/login/")
            with pytest.raises(Resolver404):
                resolve("/admin/login/")
    finally:
        _reload_urls()

    assert match.view_name == "admin:login"


def test_admin_defaults_to_admin_prefix():
    assert resolve("/admin/login/").view_name == "admin:login"
