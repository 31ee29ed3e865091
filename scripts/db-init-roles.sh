#!/bin/sh
# PostgreSQL container first start (docker-entrypoint-initdb.d): the two roles of issue 15.
# `imprimatur` owns the database and its tables (the migrate job logs in as it);
# `imprimatur_app` is what web, worker and beat log in as: it owns nothing, and `migrate`
# grants it exactly what the application needs (editorial.audit.grants).
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
  -v owner_pw="$IMPRIMATUR_OWNER_PASSWORD" -v app_pw="$IMPRIMATUR_APP_PASSWORD" <<'SQL'
CREATE ROLE imprimatur LOGIN PASSWORD :'owner_pw';
CREATE ROLE imprimatur_app LOGIN PASSWORD :'app_pw';
CREATE DATABASE imprimatur OWNER imprimatur;
SQL
