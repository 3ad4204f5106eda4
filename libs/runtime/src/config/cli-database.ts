import pg from 'pg';
import type { AppConfig } from './app-config.js';
import { prepareDatabase, type PreparedDatabase } from './database.js';

/**
 * The database an operator's command-line tool works on: DATABASE_URL; else the embedded server a running
 * `npm start` holds (one server per data directory, so the tool joins it rather than starting a second);
 * else the embedded server, started here for the tool's run.
 */
export async function connectForCli(config: AppConfig, log: (msg: string) => void): Promise<Pick<PreparedDatabase, 'url' | 'eventStoreUrl' | 'stop'>> {
  if (!config.DATABASE_URL) {
    const url = `postgres://postgres:postgres@127.0.0.1:${config.EMBEDDED_PG_PORT}/registry`;
    const probe = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
    const running = await probe.connect().then(
      () => true,
      () => false,
    );
    await probe.end().catch(() => undefined);
    if (running) return { url, eventStoreUrl: url, stop: async () => undefined };
  }
  return prepareDatabase(config, log);
}
