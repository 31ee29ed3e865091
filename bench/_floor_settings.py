"""Bench-only settings (bench/public_pages.py): the local settings with the floor URL added.

Same middleware, same apps, same database: only ROOT_URLCONF differs, so the floor view goes
through everything a public page goes through except the page's own work. Never used outside
bench/ (production runs config.settings.production, whose URL conf has no floor).
"""

from config.settings.local import *  # noqa: F403

ROOT_URLCONF = "bench._floor_urls"
