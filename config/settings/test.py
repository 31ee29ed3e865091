"""pytest: fast, deterministic, eager Celery, in-memory mail. DATABASE_URL still selects the DB."""

import os
import tempfile
from pathlib import Path

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
# The webhook tests run a receiver on 127.0.0.1.
WEBHOOK_ALLOW_PRIVATE = True
# Registry lookups never leave the machine in tests: the resolver tests switch them on and
# point them at a local server (tests/registry_server.py).
CITATION_RESOLVERS_ENABLED = False

# Two roles (issue 15): with DATABASE_OWNER_URL set, the suite connects as the owner, which
# creates the test database, migrates it (granting DATABASE_URL's role its runtime rights) and
# may TRUNCATE between transactional tests; tests of the runtime role `SET ROLE` to it (the
# owner is a member of it: .ci/run). Without it, DATABASE_URL's role is both.
if DATABASE_OWNER:  # noqa: F405
    OWNER_LOGIN = {k: DATABASE_OWNER[k] for k in ("USER", "PASSWORD", "HOST", "PORT")}  # noqa: F405
    DATABASES["default"] = {**DATABASES["default"], **OWNER_LOGIN}  # noqa: F405
# Anchors of the test run go to a scratch directory (tests that read them use their own).
AUDIT_ANCHOR_DIR = Path(tempfile.gettempdir()) / f"imprimatur-test-anchors-{os.getpid()}"
AUDIT_ANCHOR_KEY = "test-anchor-key"

# Tests play several workers in one process: every page view reads the board's digest (the
# memo has a test of its own).
PUBLIC_BOARD_DIGEST_MEMO_SECONDS = 0
# A file cache as in the embedded mode (shared between processes, pickled), one per test run.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": tempfile.mkdtemp(prefix="imprimatur-test-cache-"),
    }
}
