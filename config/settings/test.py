"""pytest: fast, deterministic, eager Celery, in-memory mail. DATABASE_URL still selects the DB."""

import os
import tempfile
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from config.settings.base import *  # noqa: F403
from config.settings.base import REDIS_URL

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
PUBLIC_PAGE_LOCAL_SECONDS = 0  # tests/editorial/public/test_page_cache.py turns it on
# A file cache as in the embedded mode (shared between processes, pickled), one per test run.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": tempfile.mkdtemp(prefix="imprimatur-test-cache-"),
    }
}

# pytest-xdist: each worker process gets its own Redis database (gw0 → the configured one, gw1 →
# the one below it, ...), so the real Celery workers two test processes start never take each
# other's messages. Exported, so the processes a test starts (worker, relay, manage.py) agree
# and do not shift it again.
_XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
if _XDIST_WORKER.startswith("gw") and not os.environ.get("IMPRIMATUR_TEST_REDIS_SHIFTED"):
    _url = urlsplit(REDIS_URL)
    _db = _url.path.strip("/")
    _index = (int(_db) if _db.isdigit() else 0) - int(_XDIST_WORKER[2:])
    REDIS_URL = urlunsplit(_url._replace(path=f"/{_index % 16}"))
    CELERY_BROKER_URL = REDIS_URL
    os.environ["REDIS_URL"] = REDIS_URL
    os.environ["IMPRIMATUR_TEST_REDIS_SHIFTED"] = "1"
