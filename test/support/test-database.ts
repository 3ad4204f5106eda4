import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { runMigrations } from '../../migrations/data-source.js';
import { migrations } from '../../migrations/index.js';

export interface TestDatabase {
  readonly url: string;
  readonly name: string;
  /** Drops the database (terminating leftover connections). */
  drop(): Promise<void>;
}

const TEMPLATE = 'registry_template';

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
    name,
    drop: () => withAdmin((c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).then(() => undefined),
  };
}
