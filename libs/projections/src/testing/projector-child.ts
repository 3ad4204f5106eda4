import 'reflect-metadata';
import { PostgresEventStore } from '#event-store';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../../../migrations/data-source.js';
import { projections } from '../projector.module.js';
import { ProjectionRunner } from '../subscription/projection-runner.js';

/**
 * The projector's runners and nothing else, as a process a test can SIGKILL at any instant
 * (DATABASE_URL, PROJECTOR_BATCH). SIGTERM stops it cleanly.
 */
async function main(): Promise<void> {
  const url = process.env['DATABASE_URL'];
  if (!url) throw new Error('DATABASE_URL is required');
  const ds = await new DataSource(dataSourceOptions(url, { extra: { max: 8 } })).initialize();
  // The events may live in a database of their own (EVENT_STORE_URL), as in the registry.
  const store = new PostgresEventStore({ connectionString: process.env['EVENT_STORE_URL'] ?? url });
  const logger = { log: () => undefined, error: (m: string) => process.stderr.write(`${m}\n`) };
  const runners = projections().map((p) => new ProjectionRunner(p, store, ds, logger, { maxBatch: Number(process.env['PROJECTOR_BATCH'] ?? 500) }));
  runners.forEach((r) => r.start());
  process.stdout.write('projector started\n');
  process.once('SIGTERM', () => {
    void Promise.all(runners.map((r) => r.stop()))
      .then(() => store.close())
      .then(() => ds.destroy())
      .then(() => process.exit(0));
  });
}

main().catch((err: unknown) => {
  process.stderr.write(`projector child failed: ${String(err)}\n`);
  process.exit(1);
});
