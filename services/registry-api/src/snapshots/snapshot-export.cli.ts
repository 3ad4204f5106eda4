import { randomUUID } from 'node:crypto';
import { userInfo } from 'node:os';
import type { SnapshotScope } from '#domain';
import { createEventStore } from '#event-store';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../../../migrations/data-source.js';
import { connectForCli, eventStoreOptions, loadConfig } from '#runtime';
import { accessLogHashKey } from '../audit/access-log.writer.js';
import { loadMasterKey } from '../privacy/master-key.js';
import type { SnapshotExportFormat } from '../../../../graphql/generated/graphql.types.js';
import { EXPORT_FORMATS, formatOfSlug } from './snapshot-export.formats.js';
import { exportSnapshotToFile } from './snapshot-export.writer.js';
import { DIRECTORY_FORMATS, exportScopeToDirectory, type DirectoryFormat } from './snapshot-export.directory.js';

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

/** A usage error: printed with the usage, exit code 2 (nothing was done). */
class UsageError extends Error {}

type Parsed =
  | { kind: 'file'; snapshotId: string; format: SnapshotExportFormat; out: string }
  | { kind: 'directory'; format: DirectoryFormat; scope: SnapshotScope; snapshotId: string | null; out: string };

function parseExportArgs(args: readonly string[]): Parsed {
  const [first] = args;
  if (first !== undefined && (DIRECTORY_FORMATS as readonly string[]).includes(first)) {
    const flags = new Map<string, string>();
    for (let i = 1; i < args.length; i += 2) {
      const flag = args[i]!;
      const value = args[i + 1];
      if (!['--trial', '--programme', '--snapshot', '--out'].includes(flag)) throw new UsageError(`unknown argument ${flag}`);
      if (value === undefined || value.startsWith('--')) throw new UsageError(`${flag} needs a value`);
      if (flags.has(flag)) throw new UsageError(`${flag} given twice`);
      flags.set(flag, value);
    }
    const trial = flags.get('--trial');
    const programme = flags.get('--programme');
    if ((trial === undefined) === (programme === undefined)) throw new UsageError('give exactly one of --trial <id> and --programme <id>');
    const out = flags.get('--out');
    if (out === undefined) throw new UsageError('--out <dir> is required');
    if (first === 'sdtm' && programme !== undefined) throw new UsageError('sdtm describes a trial; a programme has no SDTM export');
    return {
      kind: 'directory',
      format: first as DirectoryFormat,
      scope: trial !== undefined ? { kind: 'trial', trialId: trial } : { kind: 'programme', programmeId: programme! },
      snapshotId: flags.get('--snapshot') ?? null,
      out,
    };
  }
  const [snapshotId, slug, out] = args;
  if (!snapshotId || !slug || !out || args.length !== 3)
    throw new UsageError('expected <format> (--trial|--programme) … --out <dir>, or <snapshotId> <format> <outFile>');
  const format = formatOfSlug(slug);
  if (!format) throw new UsageError(`unknown format ${slug}`);
  return { kind: 'file', snapshotId, format, out };
}

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
    const hashKey = accessLogHashKey((await loadMasterKey(config)).key);
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
    const written = await exportSnapshotToFile(store, ds, { snapshotId: parsed.snapshotId, format: parsed.format, out: parsed.out, operator, hashKey });
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
