import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Zip, ZipDeflate } from 'fflate';
import { csvExport, fhirExport, omopExport, parquetExport, sdtmExport, sdtmXport, type ExportChunk, type ExportDataset } from '#interop';
import type { SnapshotExportFormat } from '../../../../graphql/generated/graphql.types.js';
import type { DataSource } from 'typeorm';
import { withSnapshotDataset, type PersonalFieldsAtCut } from './snapshot-export.dataset.js';
import type { EventStore } from '#event-store';
import { recordAccess } from '../audit/access-log.writer.js';
import { inProcessActor } from '../commands/command-origin.js';
import { SnapshotQueries, type FrozenSnapshot } from './snapshots.queries.js';

export interface WrittenExport {
  readonly bytes: number;
  /** Hex SHA-256 of the file (the route's checksum header). */
  readonly sha256: string;
}

/** A file being written, hashed as it goes, with the stream's back-pressure respected. */
export class Sink {
  private readonly out;
  private readonly hash = createHash('sha256');
  private length = 0;
  constructor(path: string) {
    this.out = createWriteStream(path);
  }
  async write(data: Uint8Array | string): Promise<void> {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    this.hash.update(bytes);
    this.length += bytes.length;
    if (!this.out.write(bytes)) await new Promise<void>((r) => this.out.once('drain', () => r()));
  }
  async close(): Promise<WrittenExport> {
    await new Promise<void>((resolve, reject) => this.out.end((err?: Error | null) => (err ? reject(err) : resolve())));
    return { bytes: this.length, sha256: this.hash.digest('hex') };
  }
}

const CSV_FILE: Partial<Record<SnapshotExportFormat, string>> = {
  CSV_LONG: 'measurements_long.csv',
  CSV_WIDE: 'measurements_wide.csv',
  DICTIONARY: 'data_dictionary.csv',
};

/**
 * The archive of a multi-file export (OMOP tables, SDTM datasets + define.xml): every file first to a scratch
 * directory as the builder interleaves them, then one after the other into a ZIP (fflate, deflate level 6), entries in
 * name order with the snapshot's freezing time as their time stamp, so the same snapshot gives the same bytes.
 */
async function zipChunks(chunks: AsyncIterable<ExportChunk>, sink: Sink, stamp: Date): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'registry-export-'));
  try {
    const files = new Map<string, Sink>();
    for await (const c of chunks) {
      let f = files.get(c.file);
      if (!f) files.set(c.file, (f = new Sink(join(dir, c.file))));
      await f.write(c.text);
    }
    for (const f of files.values()) await f.close();
    // DOS time stamps are local time: give fflate a Date whose local fields are the stamp's UTC fields, so the
    // archive does not depend on the machine's time zone.
    const mtime = new Date(stamp.getUTCFullYear(), stamp.getUTCMonth(), stamp.getUTCDate(), stamp.getUTCHours(), stamp.getUTCMinutes(), stamp.getUTCSeconds());
    const pending: Promise<void>[] = [];
    let failed: Error | null = null;
    const zip = new Zip((err, data) => {
      if (err) failed = err;
      else pending.push(sink.write(data));
    });
    for (const name of [...files.keys()].sort()) {
      const entry = new ZipDeflate(name, { level: 6 });
      entry.mtime = mtime;
      zip.add(entry);
      for await (const chunk of createReadStream(join(dir, name))) {
        entry.push(chunk as Uint8Array);
        await Promise.all(pending.splice(0));
      }
      entry.push(new Uint8Array(0), true);
      await Promise.all(pending.splice(0));
    }
    zip.end();
    await Promise.all(pending.splice(0));
    if (failed) throw failed;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Writes one export of the dataset to `sink`. Exhaustive over the formats of graphql/snapshots.graphql. */
export async function writeExport(dataset: ExportDataset, format: SnapshotExportFormat, sink: Sink, frozenAt: string): Promise<void> {
  switch (format) {
    case 'CSV_LONG':
    case 'CSV_WIDE':
    case 'DICTIONARY': {
      const file = CSV_FILE[format]!;
      for await (const c of csvExport(dataset)) if (c.file === file) await sink.write(c.text);
      return;
    }
    case 'PARQUET':
      for await (const c of parquetExport(dataset)) await sink.write(c.bytes);
      return;
    case 'FHIR':
      for await (const c of fhirExport(dataset)) await sink.write(c.text);
      return;
    case 'OMOP':
      return zipChunks(omopExport(dataset), sink, new Date(frozenAt));
    case 'SDTM':
      return zipChunks(sdtmExport(dataset, { createdAt: frozenAt }), sink, new Date(frozenAt));
    case 'SAS_XPORT':
      return sink.write(await sdtmXport(dataset, { createdAt: frozenAt }));
  }
}

/** The subjects as the builder takes them, counted as it takes them (an export job's progress). */
async function* counted<T>(subjects: AsyncIterable<T> | Iterable<T>, onSubject: (subjectsDone: number) => void): AsyncGenerator<T> {
  let n = 0;
  for await (const s of subjects) {
    yield s;
    onSubject(++n);
  }
}

/**
 * The export of a frozen snapshot in one format, written to `path`: built from the snapshot's kept rows only, with the
 * snapshot's own freezing time wherever a format wants a creation time, so the same snapshot gives byte-identical
 * files whenever it is exported — until an erasure: `personal` opens the sealed personal fields at the cut
 * (snapshot-export.dataset.ts), and an erased subject's are gone from every later export.
 */
export async function exportSnapshot(
  dataSource: DataSource,
  snapshot: FrozenSnapshot,
  format: SnapshotExportFormat,
  path: string,
  personal: PersonalFieldsAtCut | null = null,
  onSubject?: (subjectsDone: number) => void,
): Promise<WrittenExport> {
  const sink = new Sink(path);
  let failure: unknown = null;
  try {
    await withSnapshotDataset(
      dataSource,
      snapshot,
      (dataset) => writeExport(onSubject ? { ...dataset, subjects: counted(dataset.subjects, onSubject) } : dataset, format, sink, snapshot.frozenAt),
      personal,
    );
  } catch (err) {
    failure = err;
  }
  const written = await sink.close();
  if (failure) throw failure;
  return written;
}

/**
 * `npm run export`'s work, also used by its test: the snapshot by id, its rows made sure of, the access-log row
 * (channel `cli-export`), then the file. The operator is an admin of the registry's database, so no scope applies.
 */
export async function exportSnapshotToFile(
  store: EventStore,
  dataSource: DataSource,
  options: {
    readonly snapshotId: string;
    readonly format: SnapshotExportFormat;
    readonly out: string;
    readonly operator: string;
    readonly hashKey: Buffer;
    /** Opens the personal fields at the cut; without it they are left empty. */
    readonly personal?: PersonalFieldsAtCut;
  },
): Promise<WrittenExport & { readonly snapshot: FrozenSnapshot }> {
  const queries = new SnapshotQueries(store, dataSource);
  const snapshot = await queries.get(inProcessActor(options.operator, 'admin'), options.snapshotId);
  await recordAccess(
    (sql, params) => dataSource.query(sql, params),
    {
      actorId: options.operator,
      actorRole: 'operator',
      channel: 'cli-export',
      operationType: 'export',
      operationName: 'snapshotExport',
      rootFields: ['snapshotExport'],
      trialIds: snapshot.scope.kind === 'trial' ? [snapshot.scope.trialId] : [],
      programmeIds: snapshot.scope.kind === 'programme' ? [snapshot.scope.programmeId] : [],
      variables: { snapshotId: snapshot.id, format: options.format },
      correlationId: null,
    },
    options.hashKey,
  );
  await queries.ensureRows(snapshot);
  return { ...(await exportSnapshot(dataSource, snapshot, options.format, options.out, options.personal ?? null)), snapshot };
}
