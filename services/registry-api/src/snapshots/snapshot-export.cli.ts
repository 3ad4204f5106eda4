import { randomUUID } from 'node:crypto';
import { userInfo } from 'node:os';
import { createEventStore } from '#event-store';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../../../migrations/data-source.js';
import { connectForCli, eventStoreOptions, loadConfig } from '#runtime';
import { accessLogHashKey } from '../audit/access-log.writer.js';
import { KeyRing, keyRingDirectory } from '../privacy/key-ring.js';
import { loadMasterKey } from '../privacy/master-key.js';
import { openPersonalAtCut } from '../privacy/personal-data-at-cut.js';
import { PersonalDataVault } from '../privacy/personal-data-vault.js';
import { EXPORT_FORMATS } from './snapshot-export.formats.js';
import type { PersonalFieldsAtCut } from './snapshot-export.dataset.js';
import { exportSnapshotToFile } from './snapshot-export.writer.js';
import { DIRECTORY_FORMATS, exportScopeToDirectory } from './snapshot-export.directory.js';
import { parseExportArgs, UsageError } from './snapshot-export.args.js';

const USAGE = `Usage:
  npm run -s export -- <${DIRECTORY_FORMATS.join('|')}> (--trial <id> | --programme <id>) [--snapshot <id>] --out <dir>
      Writes the snapshot (frozen now when no --snapshot is given) into <dir>, one file per table or resource type:
      csv: measurements_long.csv, measurements_wide.csv, data_dictionary.csv; parquet: measurements_long.parquet;
      omop: person.csv, image_feature.csv, …; sdtm: dm.csv, tu.csv, tr.csv, rs.csv, define.xml (trials only);
      fhir: Patient.ndjson, ImagingStudy.ndjson, Observation.ndjson, …. Prints the snapshot id and content hash.
  npm run -s export -- <snapshotId> <format> <outFile>
      One file of a frozen snapshot, format: ${Object.values(EXPORT_FORMATS)
        .map((f) => f.slug)
        .join(' | ')}.
The same snapshot gives the same bytes. Recorded in the access log (channel cli-export).
Uses DATABASE_URL, else the embedded database of a running \`npm start\`, else starts it.`;

async function main(): Promise<void> {
  const args = process.argv.slice(2).filter((a) => a !== '--');
  if (args.includes('--help') || args.includes('-h')) return console.log(USAGE);
  const parsed = parseExportArgs(args);
  const config = loadConfig();
  const db = await connectForCli(config, (msg) => console.error(msg));
  const ds = await new DataSource(dataSourceOptions(db.url, { extra: { max: 2 } })).initialize();
  const storeOptions = eventStoreOptions(config, db.eventStoreUrl);
  const store = createEventStore(storeOptions.adapter === 'postgres' ? { ...storeOptions, poolSize: 2 } : storeOptions);
  try {
    const started = performance.now();
    const operator = `os:${userInfo().username}`;
    const master = await loadMasterKey(config);
    const hashKey = accessLogHashKey(master.key);
    // Year of birth and sex are opened at the snapshot's cut from the sealed fields, as the API's download does: the
    // files are the same either way, and an erased subject's stay empty (its key is gone).
    const vault = new PersonalDataVault(ds, await KeyRing.open(ds, master, keyRingDirectory(config.DATA_DIR)));
    const personal: PersonalFieldsAtCut = (ids, upTo) => openPersonalAtCut(store, vault, ids, upTo);
    const seconds = () => Number(((performance.now() - started) / 1000).toFixed(3));
    if (parsed.kind === 'directory') {
      const done = await exportScopeToDirectory(store, ds, {
        format: parsed.format,
        scope: parsed.scope,
        snapshotId: parsed.snapshotId,
        outDir: parsed.out,
        operator,
        hashKey,
        commandId: `cli-export-${randomUUID()}`,
        personal,
      });
      console.log(
        JSON.stringify({
          snapshotId: done.snapshot.id,
          contentHash: done.snapshot.manifest.contentHash,
          frozenNow: done.frozen,
          format: parsed.format,
          dir: parsed.out,
          files: done.files.map((f) => ({ file: f.file, bytes: f.bytes, sha256: f.sha256 })),
          seconds: seconds(),
        }),
      );
      return;
    }
    const written = await exportSnapshotToFile(store, ds, {
      snapshotId: parsed.snapshotId,
      format: parsed.format,
      out: parsed.out,
      operator,
      hashKey,
      personal,
    });
    console.log(
      JSON.stringify({
        snapshotId: written.snapshot.id,
        contentHash: written.snapshot.manifest.contentHash,
        format: EXPORT_FORMATS[parsed.format].slug,
        file: parsed.out,
        bytes: written.bytes,
        sha256: written.sha256,
        seconds: seconds(),
      }),
    );
  } finally {
    await store.close();
    await ds.destroy();
    await db.stop();
  }
}

main().catch((err: unknown) => {
  if (err instanceof UsageError) {
    console.error(`${err.message}\n${USAGE}`);
    process.exit(2);
  }
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
