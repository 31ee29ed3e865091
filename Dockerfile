# syntax=docker/dockerfile:1
# One image for web (gunicorn), worker and beat (Celery). Dependencies come from uv.lock only.
# Not built on the development machines, which have no Docker engine: see README.

ARG PYTHON_IMAGE=python:3.11-slim-bookworm

# --- build: resolve nothing, install exactly what uv.lock pins (runtime group only) ---
FROM ${PYTHON_IMAGE} AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    UV_PYTHON_DOWNLOADS=never \
    UV_PROJECT_ENVIRONMENT=/opt/venv \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy
# Same uv as the Makefile pins.
RUN pip install "uv==0.13.9"
WORKDIR /app
COPY pyproject.toml uv.lock ./
RUN uv sync --frozen --no-dev --no-install-project --python /usr/local/bin/python3.11

# --- runtime: no compilers, no uv, no root ---
FROM ${PYTHON_IMAGE} AS runtime
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PATH=/opt/venv/bin:$PATH \
    DJANGO_SETTINGS_MODULE=config.settings.production
RUN groupadd --system --gid 10001 imprimatur \
 && useradd --system --uid 10001 --gid imprimatur --home-dir /app --no-create-home \
      --shell /usr/sbin/nologin imprimatur
WORKDIR /app
COPY --from=build /opt/venv /opt/venv
# Code stays owned by root: the process user can read it, not change it.
COPY . .
# collectstatic imports the production settings, which refuse to load without these; the values
# are placeholders that are never used to connect or sign anything, and are not kept in the image.
RUN DJANGO_SECRET_KEY=collectstatic-build-placeholder \
    DJANGO_ALLOWED_HOSTS=localhost \
    DATABASE_URL=postgres://build@localhost:5432/build \
    REDIS_URL=redis://localhost:6379/0 \
    EMAIL_URL=consolemail:// \
    AUDIT_ANCHOR_KEY=collectstatic-build-placeholder \
    python manage.py collectstatic --noinput
# The audit anchors' directory (AUDIT_ANCHOR_DIR; compose mounts a volume here, which starts
# with this ownership): the only place the process user writes.
RUN mkdir -p /var/lib/imprimatur/audit-anchors \
 && chown imprimatur:imprimatur /var/lib/imprimatur/audit-anchors
USER imprimatur
EXPOSE 8000
# gunicorn reads WEB_CONCURRENCY (worker processes) and FORWARDED_ALLOW_IPS from the environment.
# --no-control-socket: gunicorn 27 would otherwise create one under $HOME, which is read-only.
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--no-control-socket", \
     "--access-logfile", "-", "--timeout", "30", "--graceful-timeout", "30"]
