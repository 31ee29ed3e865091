"""Settings shared by every environment. Domain numbers live here, not in code."""

from csp.constants import NONE, SELF

from config.env import (
    BASE_DIR,
    EMBEDDED_DATABASE_URL,
    EMBEDDED_REDIS_URL,
    env,
    env_int_map,
    with_reused_clients,
)

ENVIRONMENT = "local"
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="embedded-mode-insecure-key-not-for-production")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])

INSTALLED_APPS = [
    "editorial.admin_config.ImprimaturAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_fsm",
    "simple_history",
    "django_celery_beat",
    "django_htmx",
    "ninja",  # the API docs' static files (served locally: the CSP allows no CDN)
    "articles",
    "reviewers",
    "editorial",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

# Content-Security-Policy (django-csp 4): own origin only, no inline script or style. The same
# policy in every settings module, so development and the browser tests meet what production
# enforces (tests/conftest.py fails a browser test on any CSP violation).
INSTALLED_APPS += ["csp"]
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
    "csp.middleware.CSPMiddleware",
)
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

POSTGRESQL_ENGINE = "config.postgresql"
DATABASES = {"default": env.db("DATABASE_URL", default=EMBEDDED_DATABASE_URL)}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=0)
# A database that does not answer fails a connection in this many seconds (libpq's minimum is 2)
# instead of hanging a request, a task or /healthz.
DATABASE_CONNECT_TIMEOUT = env.int("DATABASE_CONNECT_TIMEOUT", default=3)
# Before a request's first query, check that a kept connection still works (production turns it
# on): the PostgreSQL backend below checks without a round trip when the socket shows no drop.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = env.bool("DATABASE_CONN_HEALTH_CHECKS", default=False)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Django's backend, with a health check that polls the socket first (config/postgresql)
    DATABASES["default"]["ENGINE"] = POSTGRESQL_ENGINE
# Statements bound on the server and, from their 5th run on a connection, prepared: PostgreSQL
# plans them once per connection instead of on every run (issue 22: the write path's reads took
# half the time, the whole path 0.82x; bench/workflow.py --prepared-toggle). Off for a
# transaction-mode pooler that cannot keep prepared statements (PgBouncer before 1.21) or to
# compare; the cost of it: a migration that changes a selected column's type fails that
# statement in one request on each kept connection (config/postgresql then drops them).
DATABASE_PREPARED_STATEMENTS = env.bool("DATABASE_PREPARED_STATEMENTS", default=True)
PREPARE_THRESHOLD = 5  # psycopg's default: one-off statements are never prepared


def postgresql_options(options: dict) -> dict:
    """The PostgreSQL connection's OPTIONS (production.py calls it on its own DATABASES)."""
    options["connect_timeout"] = DATABASE_CONNECT_TIMEOUT
    if DATABASE_PREPARED_STATEMENTS:
        options.update(server_side_binding=True, prepare_threshold=PREPARE_THRESHOLD)
    return options


if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    postgresql_options(DATABASES["default"].setdefault("OPTIONS", {}))
# Two database roles (issue 15). DATABASE_URL is the runtime role: web, workers, beat and every
# command but `migrate`. DATABASE_OWNER_URL (optional) is the role that owns the tables: only
# `migrate` uses it (editorial/management/commands/migrate.py), and then grants the runtime
# role exactly what it needs (editorial.audit.grants). Without it both are one role and the
# database cannot stop the application's own login from rewriting history (README "Audit").
DATABASE_OWNER = env.db("DATABASE_OWNER_URL") if env.str("DATABASE_OWNER_URL", default="") else None
DATABASE_RUNTIME_ROLE = (
    DATABASES["default"].get("USER", "")
    if DATABASE_OWNER and DATABASE_OWNER.get("USER") != DATABASES["default"].get("USER")
    else ""
)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "admin:login"

LANGUAGE_CODE = "en-us"
TIME_ZONE = env.str("DJANGO_TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Email: console in the embedded mode; production sets EMAIL_URL (smtp://...).
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Imprimatur <editorial@localhost>")

# Celery: Redis broker; the embedded mode runs tasks eagerly (no Redis needed).
REDIS_URL = env.str("REDIS_URL", default=EMBEDDED_REDIS_URL)
CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
# Every task is safe to run twice (see each task's docstring): acknowledged after it ran, and a
# pool process killed mid-task (OOM, kill -9) puts its message back instead of dropping it
# (acks_late alone acks it: STACK-NOTES).
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Short broker timeouts everywhere (relay, beat, worker): a Redis that refuses answers in well
# under a second and one that hangs (paused) times out in BROKER_SOCKET_TIMEOUT seconds, instead
# of blocking forever. kombu's own reconnect loop is cut to one quick retry; the relay and the
# worker retry on their own schedule. A whole worker killed leaves its unacknowledged message
# invisible for visibility_timeout (then redelivered): longer than any task's time limit and
# any retry countdown (EMAIL retries back off to at most 30 minutes).
BROKER_SOCKET_TIMEOUT = env.float("BROKER_SOCKET_TIMEOUT", default=5.0)
CELERY_BROKER_CONNECTION_TIMEOUT = 2.0
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_timeout": BROKER_SOCKET_TIMEOUT,
    "socket_connect_timeout": 2.0,
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
    "visibility_timeout": 3600,
}
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}
# The worker keeps reconnecting to a broker that went away (and at start-up).
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TIMEZONE = TIME_ZONE

# simple-history: the history admin never reverts (STACK-NOTES: a revert POST bypasses the FSM).
SIMPLE_HISTORY_REVERT_DISABLED = True
# The audit keeps the whole "why": change reasons are text, not cut at 100 characters.
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

# --- Editorial rules (the editorial policy page prints these) ---
# Approvals needed in one review round, by the article's risk.
# Form: REVIEW_QUORUM=standard=1,high=2 (config.env.env_int_map; a bad value names itself).
REVIEW_QUORUM = env_int_map("REVIEW_QUORUM", default={"standard": 1, "high": 2})
# Days from approval until the next periodic review, by risk.
REVIEW_INTERVAL_DAYS = env_int_map("REVIEW_INTERVAL_DAYS", default={"standard": 365, "high": 180})
# Which risk the workflow proposes to the editor at assignment (editorial.workflow.risk): the
# first matching rule wins, else "standard". A rule matches when the article cites a source of
# one of `cites_kinds`, or when its text matches `text_pattern` (a dose: "10 mg", "2.5 mL").
# The author only proposes a risk; an editor sets it (workflow.article_set_risk).
REVIEW_RISK_RULES = [
    {"risk": "high", "cites_kinds": ["drug_label"], "why": "cites an FDA drug label"},
    {
        "risk": "high",
        "text_pattern": r"\b\d+(?:[.,]\d+)?\s?(?:mg|mcg|µg|microgram|g|ml|mL|units?|IU|mmol)"
        r"(?:/(?:kg|m2|day|dose|h))?\b",
        "why": "states a dose",
    },
]
# Days a reviewer has to decide once assigned.
REVIEW_DUE_DAYS = env.int("REVIEW_DUE_DAYS", default=7)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "INFO"},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# --- Production hardening (issue 10): admin URL, login throttling (django-axes) ---
# The admin lives at a configurable prefix so a deployment can move it off the guessable path.
ADMIN_URL = env.str("DJANGO_ADMIN_URL", default="admin/")
INSTALLED_APPS += ["axes"]
# Axes must come first: it refuses a locked-out login before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
MIDDLEWARE += ["axes.middleware.AxesMiddleware"]  # last, as axes requires
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=1.0)  # hours
# Lock a username per client address: a username-only lock would let anyone lock an editor out
# of the board from anywhere; an address-only lock would, behind a proxy where all clients share
# one address, lock out everybody at once.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# The client address: REMOTE_ADDR, or behind N reverse proxies the address the outermost one saw
# (the N-th X-Forwarded-For entry from the right; editorial.access.client_address). Without it,
# behind
# a proxy every client shares the proxy's address and the lock is per username only.
TRUSTED_PROXY_COUNT = env.int("DJANGO_TRUSTED_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "editorial.access.client_address.client_address"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False  # no start-up banner in every manage.py command and worker

# --- Citation validation: source registry resolvers (issues 3, 17) ---
# Off in the embedded mode and in tests: "verify against registry" then says so and the
# poller asks nothing online. Compose and .env.example switch it on.
CITATION_RESOLVERS_ENABLED = env.bool("CITATION_RESOLVERS_ENABLED", default=False)
# Dotted paths, in priority order (the first resolver's title is compared first). Comma-separated
# in the environment.
CITATION_RESOLVERS = env.list(
    "CITATION_RESOLVERS",
    default=[
        "articles.resolvers.crossref.CrossrefResolver",
        "articles.resolvers.pubmed.PubMedResolver",
        "articles.resolvers.pubmed.PmcResolver",
        "articles.resolvers.clinicaltrials.ClinicalTrialsResolver",
        "articles.resolvers.dailymed.DailyMedResolver",
        "articles.resolvers.isbn.IsbnResolver",
    ],
)
CROSSREF_API_URL = env.str("CROSSREF_API_URL", default="https://api.crossref.org")
NCBI_EUTILS_URL = env.str(
    "NCBI_EUTILS_URL", default="https://eutils.ncbi.nlm.nih.gov/entrez/eutils"
)
CLINICALTRIALS_API_URL = env.str(
    "CLINICALTRIALS_API_URL", default="https://clinicaltrials.gov/api/v2"
)
DAILYMED_API_URL = env.str(
    "DAILYMED_API_URL", default="https://dailymed.nlm.nih.gov/dailymed/services/v2"
)
OPENLIBRARY_API_URL = env.str("OPENLIBRARY_API_URL", default="https://openlibrary.org")
# Seconds to wait for a registry (connect and read), and for the hosts listed per host
# ("host=seconds;host=seconds").
CITATION_RESOLVER_TIMEOUT = env.float("CITATION_RESOLVER_TIMEOUT", default=5.0)
CITATION_RESOLVER_HOST_TIMEOUTS = env.dict(
    "CITATION_RESOLVER_HOST_TIMEOUTS", cast={"value": float}, default={"clinicaltrials.gov": 10.0}
)
# Rate limits: the least number of seconds between two requests to one host. NCBI allows 3
# requests a second without an API key; Crossref's public pool 5; ClinicalTrials.gov asks for
# about 50 a minute; Open Library for 1 a second.
CITATION_RESOLVER_INTERVAL = env.float("CITATION_RESOLVER_INTERVAL", default=0.5)
CITATION_RESOLVER_HOST_INTERVALS = env.dict(
    "CITATION_RESOLVER_HOST_INTERVALS",
    cast={"value": float},
    default={
        "api.crossref.org": 0.2,
        "eutils.ncbi.nlm.nih.gov": 0.34,
        "clinicaltrials.gov": 1.2,
        "dailymed.nlm.nih.gov": 0.5,
        "openlibrary.org": 1.0,
    },
)
# Extra attempts after a timeout, a connection error, a 429 (its Retry-After wins) or a 5xx.
CITATION_RESOLVER_RETRIES = env.int("CITATION_RESOLVER_RETRIES", default=2)
CITATION_RESOLVER_BACKOFF = env.float("CITATION_RESOLVER_BACKOFF", default=0.5)  # seconds
# Sent to Crossref (polite pool) and NCBI so they can reach us before blocking.
CITATION_RESOLVER_CONTACT_EMAIL = env.str("CITATION_RESOLVER_CONTACT_EMAIL", default="")

# --- Author web UI (issue 5): sign-in for the author pages (the admin keeps its own login) ---
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/author/"
LOGOUT_REDIRECT_URL = "/accounts/login/"

# --- Public article pages (issue 8) ---
# Show articles submitted or under review for the first time, with a "pending review" caution
# and no reviewed-by badge (the editorial policy page states which way this is set).
PUBLIC_SHOWS_PENDING = env.bool("PUBLIC_SHOWS_PENDING", default=True)
# A rendered article page is cached per version (its ETag); this bounds what the version probe
# cannot see (e.g. a board member's name edited). 0 turns the cache off.
PUBLIC_PAGE_CACHE_SECONDS = env.int("PUBLIC_PAGE_CACHE_SECONDS", default=300)
# Each process keeps the board's digest (part of every article page's ETag) this long instead
# of reading it from the shared cache on every view: another worker's board change (a name, a
# disclosure) reaches this worker's pages at most this much later. 0: read it every time.
PUBLIC_BOARD_DIGEST_MEMO_SECONDS = env.int("PUBLIC_BOARD_DIGEST_MEMO_SECONDS", default=2)
# Each process also keeps the last pages it served (editorial.public.page_cache), this long after
# reading them: a page's key names its version, so no copy outlives an unapproval or a change of
# the article; what the key does not name (the board) reaches this worker's pages that much later
# than the shared cache's bound. 0: read the shared cache every time.
PUBLIC_PAGE_LOCAL_SECONDS = env.int("PUBLIC_PAGE_LOCAL_SECONDS", default=5)
# The page cache is shared by every worker (issue 22): a page one worker rendered costs any other
# one cache read. Embedded: a file cache on this machine; production: Redis (production.py).
# CACHE_URL overrides it (redis://..., filecache:///path, dbcache://table, locmemcache://).
CACHES = {
    "default": with_reused_clients(
        env.cache("CACHE_URL", default=f"filecache://{BASE_DIR / 'var' / 'cache'}")
    )
}

# --- Medical Advisory Board (issue 4) ---
# REVIEW_QUORUM counts physician (MD/DO) approvals; an article citing a drug label also needs
# one pharmacist (PharmD) approval while this is on.
REVIEW_PHARMACIST_FOR_LABELS = env.bool("REVIEW_PHARMACIST_FOR_LABELS", default=True)
# A board member's licence verified longer ago than this is shown as due in the admin.
LICENCE_REVERIFY_DAYS = env.int("LICENCE_REVERIFY_DAYS", default=730)

# --- Staleness (issue 6): the source poller ---
# Seconds before a publisher's server is given up on (connect and read).
SOURCE_POLL_TIMEOUT = env.float("SOURCE_POLL_TIMEOUT", default=15.0)
# Extra attempts after a timeout, a connection error, a 429 or a 5xx; then a logged failure.
SOURCE_POLL_RETRIES = env.int("SOURCE_POLL_RETRIES", default=2)
# Wait before retry n: SOURCE_POLL_BACKOFF * 2**(n-1) seconds (a Retry-After header wins).
SOURCE_POLL_BACKOFF = env.float("SOURCE_POLL_BACKOFF", default=2.0)
# Politeness per host: requests to one host start this many seconds apart.
SOURCE_POLL_HOST_INTERVAL = env.float("SOURCE_POLL_HOST_INTERVAL", default=1.0)
# Bodies larger than this are not hashed (a guideline PDF is a few MB).
SOURCE_POLL_MAX_BYTES = env.int("SOURCE_POLL_MAX_BYTES", default=50 * 1024 * 1024)
SOURCE_POLL_USER_AGENT = env.str(
    "SOURCE_POLL_USER_AGENT", default="Imprimatur source checker (editorial review)"
)
# The queue tasks go to by default; a test or a CI job can run an isolated worker on its own.
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_TASK_DEFAULT_QUEUE", default="celery")

# --- Email reports and notifications (issue 7) ---
# Absolute links in emails point here (no request to build them from in a task).
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
# The staleness report lists periodic reviews due within this many days...
REPORT_REVIEW_DUE_WITHIN_DAYS = env.int("REPORT_REVIEW_DUE_WITHIN_DAYS", default=30)
# ...and review assignments overdue or due within this many days (also the reminder window).
REPORT_ASSIGNMENT_DUE_WITHIN_DAYS = env.int("REPORT_ASSIGNMENT_DUE_WITHIN_DAYS", default=2)
# A failed send is retried this many times, waiting EMAIL_RETRY_BACKOFF * 2**n seconds.
EMAIL_RETRY_MAX = env.int("EMAIL_RETRY_MAX", default=5)
EMAIL_RETRY_BACKOFF = env.int("EMAIL_RETRY_BACKOFF", default=60)
# A delivery row left "sending" (its worker killed between claim and send) is taken over by a
# later run after this many seconds: longer than any task's time limit (600 s).
DELIVERY_RECLAIM_AFTER = env.int("DELIVERY_RECLAIM_AFTER", default=900)

# --- Transactional outbox and crash-safe tasks (issue 16) ---
# A failed publish of one outbox row waits OUTBOX_RETRY_BACKOFF * 2**(n-1) seconds (at most
# OUTBOX_RETRY_BACKOFF_MAX) before try n+1; after OUTBOX_MAX_ATTEMPTS it is dead-lettered for an
# editor (admin: Outbox messages, "Requeue"). A broker outage does not count as an attempt.
OUTBOX_RETRY_BACKOFF = env.int("OUTBOX_RETRY_BACKOFF", default=5)
OUTBOX_RETRY_BACKOFF_MAX = env.int("OUTBOX_RETRY_BACKOFF_MAX", default=600)
OUTBOX_MAX_ATTEMPTS = env.int("OUTBOX_MAX_ATTEMPTS", default=10)
# Seconds the relay sleeps when nothing is due (the latency of an owed notice).
OUTBOX_RELAY_INTERVAL = env.float("OUTBOX_RELAY_INTERVAL", default=1.0)
# Sent rows are kept this many days (what was published, for an inspector), then deleted.
OUTBOX_KEEP_SENT_DAYS = env.int("OUTBOX_KEEP_SENT_DAYS", default=7)
# /healthz is 503 when an owed row has waited longer than this many seconds (relay or broker
# down): a stuck outbox is an outage of everything the site owes, not a detail.
HEALTH_OUTBOX_MAX_AGE = env.int("HEALTH_OUTBOX_MAX_AGE", default=300)

# --- Big articles (issue 16) ---
# The author editor shows every section and citation as form fields while a list has at most
# this many rows. A longer list is shown as text, each row with its own "Edit": a 300-section
# article rendered 1,800 inputs (over a second per page load) and posted them all on every save.
# Opened one at a time, a save posts that row and the question (~30 fields) whatever the size.
EDITOR_INLINE_MAX_ROWS = 40
# The author editor now posts at most ~40 x 4 + 40 x 2 + 30 fields. The admin's article page
# still posts every section and citation inline (~6 fields each): under Django's default of
# 1,000 fields an article of 200 sections would be refused there with a bare 400. 10,000
# fields is 2,000 sections plus 2,000 citations, far beyond any review article, and still
# bounds the parsing work per request; the body limit below bounds its size (300 sections of
# 5,000 characters is ~1.5 MB).
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# --- Audit anchors (issue 15): chain heads checkpointed outside the database ---
# HMAC-SHA-256 key of the checkpoints: a secret the database never sees. The embedded default
# is public (README): production requires AUDIT_ANCHOR_KEY.
AUDIT_ANCHOR_KEY = env.str("AUDIT_ANCHOR_KEY", default="embedded-mode-public-anchor-key")
# The append-only directory of checkpoints (one JSON line each, one file per month). Mount it
# on storage the database's administrators cannot rewrite (WORM bucket, another host).
AUDIT_ANCHOR_DIR = env.path("AUDIT_ANCHOR_DIR", default=BASE_DIR / "var" / "audit-anchors")
# Each checkpoint is also mailed here when set (another sink the database cannot reach).
AUDIT_ANCHOR_EMAIL = env.str("AUDIT_ANCHOR_EMAIL", default="")
# A write burst is checkpointed this many seconds after its first commit (one checkpoint for
# everything committed meanwhile); beat writes one hourly whatever happens.
AUDIT_ANCHOR_DEBOUNCE_SECONDS = env.int("AUDIT_ANCHOR_DEBOUNCE_SECONDS", default=30)

# --- The API and webhooks (issue 18) ---
# Larger request bodies are refused with 413 before they are parsed.
API_MAX_BODY_BYTES = env.int("API_MAX_BODY_BYTES", default=1_000_000)
# Page size of GET /api/v1/articles (and its maximum ?limit=).
API_PAGE_SIZE = env.int("API_PAGE_SIZE", default=50)
# Webhook receivers: seconds before one is given up on; attempts per delivery (waiting
# WEBHOOK_RETRY_BACKOFF * 2**n seconds between them, at most 6 h); failed attempts in a row
# after which a subscription is disabled and the editors are told.
WEBHOOK_TIMEOUT = env.float("WEBHOOK_TIMEOUT", default=10.0)
WEBHOOK_MAX_ATTEMPTS = env.int("WEBHOOK_MAX_ATTEMPTS", default=8)
WEBHOOK_RETRY_BACKOFF = env.int("WEBHOOK_RETRY_BACKOFF", default=30)
WEBHOOK_DISABLE_AFTER = env.int("WEBHOOK_DISABLE_AFTER", default=20)
# Only https receivers (production turns this on); no private or loopback receivers unless
# this is set (the tests' local receiver).
WEBHOOK_REQUIRE_HTTPS = env.bool("WEBHOOK_REQUIRE_HTTPS", default=False)
WEBHOOK_ALLOW_PRIVATE = env.bool("WEBHOOK_ALLOW_PRIVATE", default=False)

# --- Reader feedback (issue 21) ---
# Posts per sender address per hour, and from everyone per hour: beyond either, a 429.
FEEDBACK_PER_ADDRESS_PER_HOUR = env.int("FEEDBACK_PER_ADDRESS_PER_HOUR", default=5)
FEEDBACK_GLOBAL_PER_HOUR = env.int("FEEDBACK_GLOBAL_PER_HOUR", default=300)
FEEDBACK_MESSAGE_MAX = 4000
