import { join, resolve } from 'node:path';
import pg from 'pg';
import { ensureDatabase, startEmbeddedDatabase } from '../../../../migrations/embedded-database.js';
import { runMigrations } from '../../../../migrations/data-source.js';
import { ConfigError, type AppConfig } from './app-config.js';

export interface PreparedDatabase {
  readonly url: string;
  readonly embedded: boolean;
  /** Embedded only: false once the supervised PostgreSQL could not be restarted (the health module's liveness). */
  readonly alive?: () => { alive: boolean; state: string; restarts: number; lastExit?: string };
  /** Stops the embedded server (no-op for an external one). */
  stop(): Promise<void>;
}

async function assertReachable(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (err) {
    throw new ConfigError('DATABASE_URL', `cannot connect to ${redact(url)}: ${(err as Error).message}`);
  } finally {
    await client.end().catch(() => undefined);
  }
}

export function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '<unparseable url>';
  }
}

/**
 * DATABASE_URL set → use that server; unset → start the embedded PostgreSQL with its data under DATA_DIR
 * (kept across restarts). Either way, apply pending migrations before anything else touches the schema.
 */
export async function prepareDatabase(config: AppConfig, log: (msg: string) => void): Promise<PreparedDatabase> {
  if (config.DATABASE_URL) {
    await assertReachable(config.DATABASE_URL);
    const applied = await runMigrations(config.DATABASE_URL);
    if (applied.length) log(`applied migrations: ${applied.join(', ')}`);
    return { url: config.DATABASE_URL, embedded: false, stop: async () => undefined };
  }
  const dataDir = resolve(join(config.DATA_DIR, 'postgres'));
  let server;
  try {
    server = await startEmbeddedDatabase({ dataDir, port: config.EMBEDDED_PG_PORT, persistent: true, onEvent: log });
  } catch (err) {
    throw new ConfigError('EMBEDDED_PG_PORT', `embedded PostgreSQL did not start: ${(err as Error).message}`);
  }
  log(`embedded PostgreSQL running on port ${server.port}, data in ${dataDir}`);
  try {
    const url = await ensureDatabase(server.url, 'registry');
    const applied = await runMigrations(url);
    if (applied.length) log(`applied migrations: ${applied.join(', ')}`);
    return { url, embedded: true, alive: () => server.health(), stop: () => server.stop() };
  } catch (err) {
    await server.stop();
    throw err;
  }
}
