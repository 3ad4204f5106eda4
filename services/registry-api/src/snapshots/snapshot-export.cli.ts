import { userInfo } from 'node:os';
import { createEventStore } from '#event-store';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../../../migrations/data-source.js';
import { ConfigError, connectForCli, eventStoreOptions, loadConfig } from '#runtime';
import { accessLogHashKey } from '../audit/access-log.writer.js';
import { loadMasterKey } from '../privacy/master-key.js';
import { EXPORT_FORMATS, formatOfSlug } from './snapshot-export.formats.js';
import { exportSnapshotToFile } from './snapshot-export.writer.js';

const USAGE = `Usage: npm run -s export -- <snapshotId> <format> <outFile>
  format: ${Object.values(EXPORT_FORMATS)
    .map((f) => f.slug)
    .join(' | ')}
Writes a frozen analysis snapshot (freezeAnalysisSnapshot) in one export format, built from its kept rows only: the same
snapshot gives the same bytes. Prints the snapshot id, its content hash and the file's SHA-256. Recorded in the access log.
Uses DATABASE_URL, else the embedded database of a running \`npm start\`, else starts it.`;

async function main(): Promise<void> {
  const args = process.argv.slice(2).filter((a) => a !== '--');
  if (args.includes('--help') || args.includes('-h')) return console.log(USAGE);
  const [snapshotId, slug, out] = args;
  if (!snapshotId || !slug || !out || args.length !== 3) throw new ConfigError('arguments', `expected <snapshotId> <format> <outFile>\n${USAGE}`);
  const format = formatOfSlug(slug);
  if (!format) throw new ConfigError('format', `unknown format ${slug}\n${USAGE}`);
  const config = loadConfig();
  const db = await connectForCli(config, (msg) => console.error(msg));
  const ds = await new DataSource(dataSourceOptions(db.url, { extra: { max: 2 } })).initialize();
  const storeOptions = eventStoreOptions(config, db.eventStoreUrl);
  const store = createEventStore(storeOptions.adapter === 'postgres' ? { ...storeOptions, poolSize: 2 } : storeOptions);
  try {
    const started = performance.now();
    const written = await exportSnapshotToFile(store, ds, {
      snapshotId,
      format,
      out,
      operator: `os:${userInfo().username}`,
      hashKey: accessLogHashKey((await loadMasterKey(config)).key),
    });
    console.log(
      JSON.stringify({
        snapshotId: written.snapshot.id,
        contentHash: written.snapshot.manifest.contentHash,
        format: slug,
        file: out,
        bytes: written.bytes,
        sha256: written.sha256,
        seconds: Number(((performance.now() - started) / 1000).toFixed(3)),
      }),
    );
  } finally {
    await store.close();
    await ds.destroy();
    await db.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
