import { parseArgs } from 'node:util';
import { createEventStore } from '#event-store';
import { ConfigError, connectForCli, eventStoreOptions, loadConfig, redact } from '#runtime';
import { openBackupFile, progressLine } from './backup-file.js';
import { writeEventLogBackup } from './event-log-backup.js';
import { writeKeyBackupFile } from './key-backup-file.js';

const USAGE = `Usage: npm run -s backup -- --out registry-backup.ndjson.gz [--keys registry-keys.json]
Writes every event of the registry with its hash (JSON lines; gzip when the name ends in .gz), then a trailer with
counts and a SHA-256 digest. Works while the registry runs. Restore with \`npm run restore -- --in <file>\`.
Uses EVENT_STORE / DATABASE_URL, else the embedded database of a running \`npm start\`, else starts it.
Personal fields are in the events only as envelopes sealed with per-subject keys, and pseudonyms are derived with
per-study keys: --keys also writes those keys (taken first, so an erasure during the backup is in the event log)
to a file of their own (mode 0600). That file opens every subject it lists: keep ONE, apart from the event-log
backups, replace it after every erasure and destroy the older ones (services/registry-api/src/privacy/README.md).`;

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { out: { type: 'string' }, keys: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, strict: true });
  if (values.help) return console.log(USAGE);
  if (!values.out) throw new ConfigError('--out', `is required\n${USAGE}`);
  const config = loadConfig();
  const db = await connectForCli(config, (msg) => console.error(msg));
  const store = createEventStore(eventStoreOptions(config, db.eventStoreUrl));
  const file = openBackupFile(values.out);
  try {
    const started = performance.now();
    if (values.keys) {
      const keys = await writeKeyBackupFile(config, db.url, values.keys);
      console.log(`backup: keys of ${keys.subjectKeys} subjects and ${keys.pseudonymKeys} studies (${keys.erased} erased subjects) to ${values.keys}`);
    }
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
