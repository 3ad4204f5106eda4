-- The registry's database roles (README "Database roles"), run ONCE by the server's admin before the first
-- migration, with psql variables for the passwords:
--
--   psql "$ADMIN_URL" -v ON_ERROR_STOP=1 -v owner_password=… -v app_password=… -f infra/postgres/registry-roles.sql
--
-- registry_owner owns the database and every object in it; only the migration step logs in as it
-- (MIGRATION_DATABASE_URL). registry_api is what the API and the projector log in as (DATABASE_URL): a member of
-- registry_app, owning nothing, so it can neither run DDL nor disable the event store's append-only trigger, and
-- it appends only through event_store.append (the migrations grant exactly that).
CREATE ROLE registry_owner LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION PASSWORD :'owner_password';
CREATE ROLE registry_app NOLOGIN;
CREATE ROLE registry_api LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION INHERIT IN ROLE registry_app PASSWORD :'app_password';
ALTER DATABASE registry OWNER TO registry_owner;
-- PostgreSQL 15+ already does this; older servers let everyone create objects in public.
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
