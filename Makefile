# Two commands matter: `make run` and `make test` (README). The rest are helpers.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
UV := $(BIN)/uv
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)

.PHONY: install run test test-fast lint format worker beat bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(UV): $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check "uv==0.13.9"

# Sync the venv to uv.lock (runtime + dev tools); cheap when already in sync.
$(VENV)/.synced: $(UV) pyproject.toml uv.lock
	$(UV) sync --frozen --python $(BIN)/python --quiet
	touch $@

install: $(VENV)/.synced

run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py runserver 127.0.0.1:8000

# Two test processes (pytest-xdist; TEST_WORKERS=0 runs in one): each has its own test database
# and Redis db (config/settings/test.py). `--dist load` hands out tests one by one (the
# schemathesis test repeats one node id per operation, which the per-file modes would merge).
TEST_WORKERS ?= 2
test: install
	$(BIN)/python scripts/ensure_browser.py
	$(BIN)/python scripts/ensure_axe.py
	$(BIN)/pytest -n $(TEST_WORKERS) --dist load

test-fast: install
	$(BIN)/pytest -m "not browser"

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy .
	$(BIN)/python manage.py makemigrations --check --dry-run

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

worker: install
	$(BIN)/celery -A config worker -l info

beat: install
	$(BIN)/celery -A config beat -l info -S django

# Every bench/*.py accepting --quick, at reduced sizes (< 5 min); each prints one JSON line last.
# Scratch PostgreSQL databases are named after BENCH_DATABASE_URL's (created and dropped).
bench: install
	$(BIN)/python scripts/run_benches.py

clean:
	rm -rf $(VENV) db.sqlite3 tests/artifacts
