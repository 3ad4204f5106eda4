import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { runMigrations } from '../../migrations/data-source.js';
import { migrations } from '../../migrations/index.js';

export interface TestDatabase {
  /** As the server's admin, who owns every object: fixtures, tampering, DDL. */
  readonly url: string;
  /** As a login that is only a member of `registry_app` (no DDL, appends through the function only): what the app uses. */
  readonly appUrl: string;
  /**
   * Configuration for booting the registry on this database as the app role, migrations as the owner, and without
   * the background sealer (its events would land between the ones a test counts; seal tests seal on demand or set
   * AUDIT_SEAL_INTERVAL_SECONDS after this).
   */
  readonly appEnv: { readonly DATABASE_URL: string; readonly MIGRATION_DATABASE_URL: string; readonly AUDIT_SEAL_INTERVAL_SECONDS: string };
  readonly name: string;
  /** Drops the database (terminating leftover connections). */
  drop(): Promise<void>;
}

const TEMPLATE = 'registry_template';
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
    const { rows } = await c.query<{ description: string | null }>(
      `SELECT shobj_description(oid, 'pg_database') AS description FROM pg_database WHERE datname = $1`,
      [TEMPLATE],
    );
    // The app's login: a member of registry_app and nothing else, as infra/ and the embedded default set it up.
    await c.query(`DO $$ BEGIN
      IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'registry_app') THEN CREATE ROLE registry_app NOLOGIN; END IF;
      IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${TEST_APP_ROLE}') THEN
        CREATE ROLE ${TEST_APP_ROLE} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD '${TEST_APP_ROLE}' IN ROLE registry_app;
      END IF;
    END $$`);
    if (rows[0]?.description === marker) return;
    if (rows.length === 0) await c.query(`CREATE DATABASE ${TEMPLATE}`);
    await runMigrations(adminUrl(TEMPLATE));
    await c.query(`COMMENT ON DATABASE ${TEMPLATE} IS '${marker}'`);
  } finally {
    await c.query('SELECT pg_advisory_unlock(424242)');
  }
}

/** A fresh, fully migrated database of its own for one test file. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `test_${randomBytes(6).toString('hex')}`;
  await withAdmin(async (c) => {
    await ensureTemplate(c);
    // Cloning needs the template to be idle; a concurrent clone may briefly hold it, so retry.
    for (let attempt = 0; ; attempt++) {
      try {
        await c.query(`CREATE DATABASE "${name}" TEMPLATE ${TEMPLATE}`);
        return;
      } catch (err) {
        if (attempt > 100 || !/being accessed by other users/.test(String(err))) throw err;
        await new Promise((r) => setTimeout(r, 20 + Math.random() * 80));
      }
    }
  });
  return {
    url: adminUrl(name),
    appUrl: appUrl(name),
    appEnv: { DATABASE_URL: appUrl(name), MIGRATION_DATABASE_URL: adminUrl(name), AUDIT_SEAL_INTERVAL_SECONDS: '0' },
    name,
    drop: () => withAdmin((c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).then(() => undefined),
  };
}
