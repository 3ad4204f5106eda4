import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { runMigrations, type MigrationSet } from '../../migrations/data-source.js';
import { migrations } from '../../migrations/index.js';

export interface TestDatabase {
  /** As the server's admin, who owns every object: fixtures, tampering, DDL. */
  readonly url: string;
  /** As a login that is only a member of `registry_app` (no DDL, appends through the function only): what the app uses. */
  readonly appUrl: string;
  /** The event store's database as the admin: `url` itself, or with TEST_SEPARATE_EVENT_STORE=1 a database of its own. */
  readonly eventStoreUrl: string;
  /** The event store's database as the app login (`appUrl`, or that of the separate database). */
  readonly eventStoreAppUrl: string;
  /**
   * Configuration for booting the registry on this database as the app role, migrations as the owner, and without
   * the background sealer (its events would land between the ones a test counts; seal tests seal on demand or set
   * AUDIT_SEAL_INTERVAL_SECONDS after this).
   */
  readonly appEnv: {
    readonly DATABASE_URL: string;
    readonly MIGRATION_DATABASE_URL: string;
    readonly AUDIT_SEAL_INTERVAL_SECONDS: string;
    readonly EVENT_STORE_URL?: string;
    readonly MIGRATION_EVENT_STORE_URL?: string;
  };
  /** DATABASE_URL (and EVENT_STORE_URL in the separate mode) as the admin, for tests that boot the registry as a superuser. */
  readonly adminEnv: { readonly DATABASE_URL: string; readonly EVENT_STORE_URL?: string };
  /** EVENT_STORE_URL as the app login in the separate mode, else nothing: spread beside a DATABASE_URL of the app login. */
  readonly eventStoreEnv: { readonly EVENT_STORE_URL?: string; readonly MIGRATION_EVENT_STORE_URL?: string };
  readonly name: string;
  /** Drops the database (terminating leftover connections). */
  drop(): Promise<void>;
}

/**
 * TEST_SEPARATE_EVENT_STORE=1: every test database is two, the events in one and the read models in the other (the
 * registry's EVENT_STORE_URL configuration). A query that joins the two cannot work then: `.ci/run` runs the int and
 * e2e tiers in this mode too.
 */
export const separateEventStore = process.env['TEST_SEPARATE_EVENT_STORE'] === '1';

/** Which migrations the read models' test database holds. */
export const readModelMigrationSet: MigrationSet = separateEventStore ? 'read-models' : 'all';

const TEMPLATE = 'registry_template';
const ONE: Template = { name: TEMPLATE, set: 'all' };
const READ_MODELS: Template = { name: 'registry_template_read_models', set: 'read-models' };
const EVENTS: Template = { name: 'registry_template_events', set: 'event-store' };
interface Template {
  readonly name: string;
  readonly set: MigrationSet;
}
const TEMPLATES: readonly Template[] = separateEventStore ? [READ_MODELS, EVENTS, ONE] : [ONE];
/** The app's login in the test cluster (roles are cluster-wide); throwaway cluster, so a fixed password. */
export const TEST_APP_ROLE = 'registry_test_app';

function appUrl(database: string): string {
  const u = new URL(adminUrl(database));
  u.username = TEST_APP_ROLE;
  u.password = TEST_APP_ROLE;
  return u.toString();
}

function adminUrl(database = 'postgres'): string {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) throw new Error('TEST_DATABASE_URL is not set: run tests through `npm test` (Jest global setup starts PostgreSQL)');
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

async function withAdmin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl() });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/**
 * The first test file of a run migrates the template (under an advisory lock, so parallel workers wait
 * for it); every file then clones it, which takes milliseconds.
 */
async function ensureTemplate(c: pg.Client): Promise<void> {
  // The newest migration's name marks the template as current, so an external server's template is migrated again after a new migration lands.
  const marker = migrations.at(-1)!.name;
  await c.query('SELECT pg_advisory_lock(424242)');
  try {
    // The app's login: a member of registry_app and nothing else, as infra/ and the embedded default set it up.
    await c.query(`DO $$ BEGIN
      IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'registry_app') THEN CREATE ROLE registry_app NOLOGIN; END IF;
      IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${TEST_APP_ROLE}') THEN
        CREATE ROLE ${TEST_APP_ROLE} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD '${TEST_APP_ROLE}' IN ROLE registry_app;
      END IF;
    END $$`);
    for (const template of TEMPLATES) {
      const { rows } = await c.query<{ description: string | null }>(
        `SELECT shobj_description(oid, 'pg_database') AS description FROM pg_database WHERE datname = $1`,
        [template.name],
      );
      if (rows[0]?.description === marker) continue;
      if (rows.length === 0) await c.query(`CREATE DATABASE ${template.name}`);
      await runMigrations(adminUrl(template.name), template.set);
      await c.query(`COMMENT ON DATABASE ${template.name} IS '${marker}'`);
    }
  } finally {
    await c.query('SELECT pg_advisory_unlock(424242)');
  }
}

async function cloneTemplate(c: pg.Client, name: string, template: string): Promise<void> {
  // Cloning needs the template to be idle; a concurrent clone may briefly hold it, so retry.
  for (let attempt = 0; ; attempt++) {
    try {
      await c.query(`CREATE DATABASE "${name}" TEMPLATE ${template}`);
      return;
    } catch (err) {
      if (attempt > 100 || !/being accessed by other users/.test(String(err))) throw err;
      await new Promise((r) => setTimeout(r, 20 + Math.random() * 80));
    }
  }
}

/**
 * A fresh, fully migrated database of its own for one test file (two with TEST_SEPARATE_EVENT_STORE=1).
 * `oneDatabase`: always one, for tests of what only ever has one (the embedded default's logins).
 */
export async function createTestDatabase(options: { readonly oneDatabase?: boolean } = {}): Promise<TestDatabase> {
  const separate = separateEventStore && !options.oneDatabase;
  const name = `test_${randomBytes(6).toString('hex')}`;
  const events = separate ? `${name}_events` : name;
  await withAdmin(async (c) => {
    await ensureTemplate(c);
    await cloneTemplate(c, name, separate ? READ_MODELS.name : ONE.name);
    if (separate) await cloneTemplate(c, events, EVENTS.name);
  });
  return {
    url: adminUrl(name),
    appUrl: appUrl(name),
    eventStoreUrl: adminUrl(events),
    eventStoreAppUrl: appUrl(events),
    appEnv: {
      DATABASE_URL: appUrl(name),
      MIGRATION_DATABASE_URL: adminUrl(name),
      AUDIT_SEAL_INTERVAL_SECONDS: '0',
      ...(separate ? { EVENT_STORE_URL: appUrl(events), MIGRATION_EVENT_STORE_URL: adminUrl(events) } : {}),
    },
    adminEnv: { DATABASE_URL: adminUrl(name), ...(separate ? { EVENT_STORE_URL: adminUrl(events) } : {}) },
    eventStoreEnv: separate ? { EVENT_STORE_URL: appUrl(events), MIGRATION_EVENT_STORE_URL: adminUrl(events) } : {},
    name,
    drop: () =>
      withAdmin(async (c) => {
        for (const db of new Set([name, events])) await c.query(`DROP DATABASE IF EXISTS "${db}" WITH (FORCE)`);
      }),
  };
}
