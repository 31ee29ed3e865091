"""Production: secrets come from the environment with no default; nothing insecure.

Needs only DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS, DATABASE_URL (PostgreSQL), REDIS_URL,
EMAIL_URL and AUDIT_ANCHOR_KEY; DATABASE_OWNER_URL is for the migrate job only; everything
else has a safe default (README "Running in production").
"""

from django.core.exceptions import ImproperlyConfigured

from config.env import BASE_DIR, env, with_reused_clients
from config.settings.base import *  # noqa: F403

DEBUG = False
ENVIRONMENT = "production"
SECRET_KEY = env.str("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
DATABASES = {"default": env.db("DATABASE_URL")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
# a restarted PostgreSQL costs one retry, not an error page (config/postgresql: no round trip
# while the connection's socket shows no drop)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = env.bool("DATABASE_CONN_HEALTH_CHECKS", default=True)
postgresql_options(DATABASES["default"].setdefault("OPTIONS", {}))  # noqa: F405
if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured("Production needs PostgreSQL: DATABASE_URL must be postgres://...")
DATABASES["default"]["ENGINE"] = POSTGRESQL_ENGINE  # noqa: F405
if env.str("DATABASE_OWNER_URL", default=""):
    DATABASE_OWNER = env.db("DATABASE_OWNER_URL")
REDIS_URL = env.str("REDIS_URL")
# the anchors' key has no default here: a public key would let anyone re-sign a checkpoint
AUDIT_ANCHOR_KEY = env.str("AUDIT_ANCHOR_KEY")
AUDIT_ANCHOR_DIR = env.path("AUDIT_ANCHOR_DIR", default="/var/lib/imprimatur/audit-anchors")
CELERY_BROKER_URL = REDIS_URL
# Rendered public pages, shared by every worker and machine (editorial/public/page_cache.py).
# Give CACHE_URL its own Redis database (e.g. redis://redis:6379/1): a cache clear() is FLUSHDB.
CACHES = {"default": with_reused_clients(env.cache("CACHE_URL", default=REDIS_URL))}
CACHES["default"].setdefault("KEY_PREFIX", "imprimatur")
CELERY_TASK_ALWAYS_EAGER = False
# Keep the worker's logs in the JSON format below instead of Celery's own.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
vars().update(env.email_url("EMAIL_URL"))

# Static files: collected at image build, served by whitenoise with hashed names.
STATIC_ROOT = env.path("DJANGO_STATIC_ROOT", default=BASE_DIR / "staticfiles")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# HTTPS is terminated by the proxy in front of gunicorn, which must set X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
# A load balancer probes /healthz over plain HTTP; a redirect would read as "down".
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_SECURE = True
# Sessions expire: after SESSION_COOKIE_AGE on the server, and with the browser on the client.
SESSION_COOKIE_AGE = env.int("DJANGO_SESSION_COOKIE_AGE", default=8 * 60 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# JSON logs, one object a line on stdout, for the log collector.
LOG_LEVEL = env.str("DJANGO_LOG_LEVEL", default="INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(process)d %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "json",
        },
    },
    "root": {"handlers": ["stdout"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # gunicorn's worker-side logs (access lines, worker errors) in the same JSON stream; only
        # the master's start/stop lines stay plain, on stderr.
        "gunicorn.error": {"handlers": ["stdout"], "level": "INFO", "propagate": False},
        "gunicorn.access": {"handlers": ["stdout"], "level": "INFO", "propagate": False},
    },
}

# Webhooks go out over https only, never to a private or loopback address (issue 18).
WEBHOOK_REQUIRE_HTTPS = True
WEBHOOK_ALLOW_PRIVATE = False
