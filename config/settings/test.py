"""pytest: fast, deterministic, eager Celery, in-memory mail. DATABASE_URL still selects the DB."""

import tempfile

from config.settings.base import *  # noqa: F403

DEBUG = False
ENVIRONMENT = "test"
CELERY_TASK_ALWAYS_EAGER = True  # a test that needs the real worker opts in
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Login throttling would make unrelated tests that log in flaky; the axes tests enable it.
AXES_ENABLED = False
# Registry lookups never leave the machine in tests: the resolver tests switch them on and
# point them at a local server (tests/registry_server.py).
CITATION_RESOLVERS_ENABLED = False

# Audit trail (issue 9): the history tables refuse TRUNCATE on PostgreSQL unless the session
# allows it. pytest-django empties the tables between transactional tests with TRUNCATE
# (flush -> sql_flush), so test sessions allow it; the audit tests switch it off to check.
if DATABASES["default"]["ENGINE"].endswith("postgresql"):  # noqa: F405
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = (  # noqa: F405
        "-c imprimatur.allow_truncate=on"
    )

# A file cache as in the embedded mode (shared between processes, pickled), one per test run.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": tempfile.mkdtemp(prefix="imprimatur-test-cache-"),
    }
}
