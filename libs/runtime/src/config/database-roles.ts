import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { eventStoreExcessPrivileges } from '#event-store';
import pg from 'pg';
import { ConfigError, type AppConfig } from './app-config.js';
import { readOrCreatePrivateFile } from './private-file.js';

/** Owns the registry database and every object in it; only the migration step logs in as it. */
export const OWNER_ROLE = 'registry_owner';
/** What the API and the projector log in as: a member of `registry_app`, owning nothing. */
export const APP_LOGIN = 'registry_api';
export const APP_GROUP = 'registry_app';

export interface DatabaseLogins {
  /** Migrations only. */
  readonly ownerUrl: string;
  /** The API and the projector. */
  readonly appUrl: string;
}

interface StoredPasswords {
  readonly owner: string;
  readonly app: string;
}

const PASSWORD = /^[0-9a-f]{64}$/;

/** Passwords of the two logins, generated once and kept in DATA_DIR (mode 0600); never logged. */
async function embeddedPasswords(dataDir: string): Promise<StoredPasswords> {
  const text = await readOrCreatePrivateFile(
    join(dataDir, 'database', 'logins.json'),
    () => `${JSON.stringify({ owner: randomBytes(32).toString('hex'), app: randomBytes(32).toString('hex') })}\n`,
  );
  const parsed = JSON.parse(text) as Partial<StoredPasswords>;
  if (!PASSWORD.test(parsed.owner ?? '') || !PASSWORD.test(parsed.app ?? '')) {
    throw new Error(`${join(dataDir, 'database', 'logins.json')} is not a pair of 64-hex-digit passwords; delete it to generate new ones`);
  }
  return { owner: parsed.owner!, app: parsed.app! };
}

function withLogin(url: string, user: string, password: string): string {
  const u = new URL(url);
  u.username = user;
  u.password = password;
  return u.toString();
}

/**
 * The embedded default's roles, set up by its superuser on every start (idempotent): the owner, which also takes
 * over the database and whatever an earlier version created as the superuser (so migrations never need a
 * superuser), and the app login in `registry_app`. Passwords are set on each start, so the file is the truth.
 */
export async function ensureEmbeddedLogins(adminUrl: string, dataDir: string): Promise<DatabaseLogins> {
  const passwords = await embeddedPasswords(dataDir);
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    // A failing statement would be written to the server log with its text, passwords included.
    await client.query(`SET log_min_error_statement = panic`);
    await client.query(`SET log_statement = 'none'`);
    const database = (await client.query<{ db: string }>(`SELECT current_database() AS db`)).rows[0]!.db;
    await client.query(`DO $$ BEGIN
      IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${APP_GROUP}') THEN CREATE ROLE ${APP_GROUP} NOLOGIN; END IF;
      IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${OWNER_ROLE}') THEN CREATE ROLE ${OWNER_ROLE} LOGIN; END IF;
      IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${APP_LOGIN}') THEN CREATE ROLE ${APP_LOGIN} LOGIN; END IF;
    END $$`);
    const limits = 'NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS';
    // Hex only (checked above), so inlining the literal is safe; utility statements take no parameters.
    await client.query(`ALTER ROLE ${OWNER_ROLE} LOGIN ${limits} PASSWORD '${passwords.owner}'`);
    await client.query(`ALTER ROLE ${APP_LOGIN} LOGIN ${limits} INHERIT PASSWORD '${passwords.app}'`);
    await client.query(`GRANT ${APP_GROUP} TO ${APP_LOGIN}`);
    await client.query(`ALTER DATABASE "${database.replace(/"/g, '""')}" OWNER TO ${OWNER_ROLE}`);
    await adoptObjects(client);
  } finally {
    await client.end();
  }
  return { ownerUrl: withLogin(adminUrl, OWNER_ROLE, passwords.owner), appUrl: withLogin(adminUrl, APP_LOGIN, passwords.app) };
}

/**
 * Earlier versions migrated the embedded database as the superuser: hand those schemas, tables, sequences,
 * functions and types to the owner, so it can run later migrations and the app's grants come from one role.
 */
async function adoptObjects(client: pg.Client): Promise<void> {
  await client.query(`DO $$
    DECLARE
      r record;
      v_from oid := (SELECT oid FROM pg_roles WHERE rolname = current_user);
    BEGIN
      FOR r IN SELECT n.nspname FROM pg_namespace n
                WHERE n.nspowner = v_from AND n.nspname NOT LIKE 'pg\\_%' AND n.nspname <> 'information_schema' LOOP
        EXECUTE format('ALTER SCHEMA %I OWNER TO ${OWNER_ROLE}', r.nspname);
      END LOOP;
      -- Tables carry their indexes and identity sequences with them.
      FOR r IN SELECT c.oid::regclass AS rel FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE c.relowner = v_from AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
                  AND n.nspname NOT LIKE 'pg\\_%' AND n.nspname <> 'information_schema' LOOP
        EXECUTE format('ALTER TABLE %s OWNER TO ${OWNER_ROLE}', r.rel);
      END LOOP;
      FOR r IN SELECT c.oid::regclass AS rel FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE c.relowner = v_from AND c.relkind = 'S' AND n.nspname NOT LIKE 'pg\\_%' AND n.nspname <> 'information_schema'
                  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.classid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')) LOOP
        EXECUTE format('ALTER SEQUENCE %s OWNER TO ${OWNER_ROLE}', r.rel);
      END LOOP;
      FOR r IN SELECT p.oid::regprocedure AS fn, p.prokind FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                WHERE p.proowner = v_from AND n.nspname NOT LIKE 'pg\\_%' AND n.nspname <> 'information_schema' LOOP
        EXECUTE format('ALTER %s %s OWNER TO ${OWNER_ROLE}', CASE r.prokind WHEN 'p' THEN 'PROCEDURE' WHEN 'a' THEN 'AGGREGATE' ELSE 'FUNCTION' END, r.fn);
      END LOOP;
      FOR r IN SELECT t.oid::regtype AS typ FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
                WHERE t.typowner = v_from AND t.typtype IN ('e', 'd', 'r') AND t.typelem = 0
                  AND n.nspname NOT LIKE 'pg\\_%' AND n.nspname <> 'information_schema' LOOP
        EXECUTE format('ALTER TYPE %s OWNER TO ${OWNER_ROLE}', r.typ);
      END LOOP;
    END $$`);
}

/**
 * What a login may do that the app role must not: a superuser, the owner of the events (who can disable the
 * append-only trigger), a role that may create objects in the registry's schemas, or insert raw events.
 * Empty for a proper app login.
 */
export async function excessPrivileges(url: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    const { rows } = await client.query<{ superuser: boolean; creates: string[] }>(`
      SELECT r.rolsuper AS superuser,
             coalesce((SELECT array_agg(n.nspname::text ORDER BY n.nspname) FROM pg_namespace n
                        WHERE n.nspname IN ('public', 'read_model', 'read_model_rebuild', 'audit', 'privacy')
                          AND has_schema_privilege(current_user, n.oid, 'CREATE')), '{}'::text[]) AS creates
        FROM pg_roles r WHERE r.rolname = current_user`);
    const r = rows[0]!;
    // The event store's own objects are checked by its adapter (only libs/event-store names them).
    const store = await eventStoreExcessPrivileges(client);
    return [
      ...(r.superuser ? ['is a superuser'] : []),
      ...(r.creates.length && !r.superuser ? [`may create objects in ${r.creates.join(', ')}`] : []),
      ...store,
    ];
  } finally {
    await client.end();
  }
}

/**
 * The app must not be able to rewrite its own evidence (architecture.md §4): a login that could (superuser, owner of
 * the events, CREATE rights) is refused in production and named in a warning elsewhere.
 */
export async function assertLeastPrivilege(
  config: AppConfig,
  url: string,
  log: (msg: string) => void,
  variable: 'DATABASE_URL' | 'EVENT_STORE_URL' = 'DATABASE_URL',
): Promise<void> {
  const excess = await excessPrivileges(url);
  if (excess.length === 0) return;
  const message = `the application's ${variable === 'DATABASE_URL' ? 'database' : 'event store'} login ${excess.join('; ')}: log in as a member of registry_app (README "Database roles")`;
  if (config.NODE_ENV === 'production') throw new ConfigError(variable, message);
  log(`warning: ${message}`);
}
