"""The one place that reads the environment. Defaults give the embedded mode."""

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# A local .env is optional and never required (README: the embedded mode needs nothing).
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

EMBEDDED_DATABASE_URL = f"sqlite:///{BASE_DIR / 'db.sqlite3'}"
EMBEDDED_REDIS_URL = "redis://127.0.0.1:6379/0"
