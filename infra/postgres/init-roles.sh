#!/bin/sh
# docker-entrypoint-initdb.d hook of the compose stack's PostgreSQL: runs once, on an empty data directory, as the
# image's superuser, and sets up the registry's owner and app login (infra/postgres/registry-roles.sql).
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v owner_password="$REGISTRY_OWNER_PASSWORD" -v app_password="$REGISTRY_APP_PASSWORD" \
  -f /registry/registry-roles.sql
