import { join, resolve } from 'node:path';
import pg from 'pg';
import { ensureDatabase, startEmbeddedDatabase } from '../embedded-postgres/embedded-database.js';
import { runMigrations } from '../../../../migrations/data-source.js';
import { ConfigError, type AppConfig } from './app-config.js';
import { assertLeastPrivilege, ensureEmbeddedLogins } from './database-roles.js';

export interface PreparedDatabase {
  /** The application's login (a member of registry_app). */
  readonly url: string;
  readonly embedded: boolean;
  /** Embedded only: false once the supervised PostgreSQL could not be restarted (the health module's liveness). */
  readonly alive?: () => { alive: boolean; state: string; restarts: number; lastExit?: string };
  /** Stops the embedded server (no-op for an external one). */
  stop(): Promise<void>;
}

async function assertReachable(url: string, variable = 'DATABASE_URL'): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (err) {
    throw new ConfigError(variable, `cannot connect to ${redact(url)}: ${(err as Error).message}`);
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

/** Applies pending migrations as `variable`'s login; a login without DDL rights (the app role) only finds none pending. */
async function migrate(url: string, variable: 'DATABASE_URL' | 'MIGRATION_DATABASE_URL', log: (msg: string) => void): Promise<void> {
  try {
    const applied = await runMigrations(url);
    if (applied.length) log(`applied migrations: ${applied.join(', ')}`);
  } catch (err) {
    if ((err as { code?: string }).code !== '42501') throw err;
    throw new ConfigError(
      'MIGRATION_DATABASE_URL',
      `migrations are pending and ${variable}'s role may not apply them (${(err as Error).message}): ` +
        'set MIGRATION_DATABASE_URL to the owner, or run `npm run migrate` with it first',
    );
  }
}

/**
 * DATABASE_URL set → use that server (migrations as MIGRATION_DATABASE_URL when set); unset → start the embedded
 * PostgreSQL with its data under DATA_DIR (kept across restarts), with its owner and app logins. Either way, apply
 * pending migrations as the owner before anything else touches the schema; the app runs as the app login.
 */
export async function prepareDatabase(config: AppConfig, log: (msg: string) => void): Promise<PreparedDatabase> {
  if (config.DATABASE_URL) {
    await assertReachable(config.DATABASE_URL);
    if (config.MIGRATION_DATABASE_URL) await assertReachable(config.MIGRATION_DATABASE_URL, 'MIGRATION_DATABASE_URL');
    await migrate(config.MIGRATION_DATABASE_URL ?? config.DATABASE_URL, config.MIGRATION_DATABASE_URL ? 'MIGRATION_DATABASE_URL' : 'DATABASE_URL', log);
    await assertLeastPrivilege(config, config.DATABASE_URL, log);
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
    // The superuser sets up the owner and the app login (migrations/… never need it again); see database-roles.ts.
    const logins = await ensureEmbeddedLogins(await ensureDatabase(server.url, 'registry'), config.DATA_DIR);
    const applied = await runMigrations(logins.ownerUrl);
    if (applied.length) log(`applied migrations: ${applied.join(', ')}`);
    return { url: logins.appUrl, embedded: true, alive: () => server.health(), stop: () => server.stop() };
  } catch (err) {
    await server.stop();
    throw err;
  }
}
