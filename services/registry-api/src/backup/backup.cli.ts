import { parseArgs } from 'node:util';
import { createEventStore } from '#event-store';
import { ConfigError, eventStoreOptions, loadConfig } from '../config/app-config.js';
import { connectForCli } from '../config/cli-database.js';
import { redact } from '../config/database.js';
import { openBackupFile, progressLine } from './backup-file.js';
import { writeEventLogBackup } from './event-log-backup.js';

const USAGE = `Usage: npm run -s backup -- --out registry-backup.ndjson.gz
Writes every event of the registry with its hash (JSON lines; gzip when the name ends in .gz), then a trailer with
counts and a SHA-256 digest. Works while the registry runs. Restore with \`npm run restore -- --in <file>\`.
Uses EVENT_STORE / DATABASE_URL, else the embedded database of a running \`npm start\`, else starts it.
Personal fields are in the events only as envelopes sealed with per-subject keys; see the privacy README for the keys.`;

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { out: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, strict: true });
  if (values.help) return console.log(USAGE);
  if (!values.out) throw new ConfigError('--out', `is required\n${USAGE}`);
  const config = loadConfig();
  const db = await connectForCli(config, (msg) => console.error(msg));
  const store = createEventStore(eventStoreOptions(config, db.eventStoreUrl));
  const file = openBackupFile(values.out);
  try {
    const started = performance.now();
    const progress = progressLine();
    const summary = await writeEventLogBackup(store, (line) => file.write(line), {
      source: config.EVENT_STORE === 'eventstoredb' ? 'eventstoredb' : redact(db.eventStoreUrl),
      onProgress: (p) => progress.report(p),
    });
    await file.finish();
    progress.end();
    const seconds = (performance.now() - started) / 1000;
    console.log(`backup: ${summary.events} events in ${summary.streams} streams to ${values.out} in ${seconds.toFixed(1)} s (sha256 ${summary.sha256})`);
  } finally {
    await store.close();
    await db.stop();
  }
}

main().catch((err: unknown) => {
  console.error(`backup failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
