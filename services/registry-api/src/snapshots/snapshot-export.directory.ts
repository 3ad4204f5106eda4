import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { csvExport, fhirBundles, omopExport, parquetExport, sdtmExport, type ExportDataset } from '#interop';
import type { SnapshotScope } from '#domain';
import type { EventStore } from '#event-store';
import type { DataSource } from 'typeorm';
import { recordAccess } from '../audit/access-log.writer.js';
import { inProcessActor, originFor } from '../commands/command-origin.js';
import { CommandRunner } from '../commands/command-runner.js';
import { recordId } from '../commands/record-id.js';
import { FreezeAnalysisSnapshotCommand, FreezeAnalysisSnapshotHandler } from './freeze-analysis-snapshot.handler.js';
import { withSnapshotDataset, type PersonalFieldsAtCut } from './snapshot-export.dataset.js';
import { Sink, type WrittenExport } from './snapshot-export.writer.js';
import { SnapshotQueries, type FrozenSnapshot } from './snapshots.queries.js';

/** The directory form of `npm run export`: one file per table (CSV, OMOP, SDTM) or resource type (FHIR). */
export const DIRECTORY_FORMATS = ['csv', 'parquet', 'sdtm', 'omop', 'fhir'] as const;
export type DirectoryFormat = (typeof DIRECTORY_FORMATS)[number];

export interface WrittenFile extends WrittenExport {
  readonly file: string;
}

/** Every file the builder interleaves, each to its own file in `dir` (names in lower case as the builders give them). */
async function writeFiles(dir: string, chunks: AsyncIterable<{ readonly file: string; readonly text?: string; readonly bytes?: Uint8Array }>) {
  const files = new Map<string, Sink>();
  let failure: unknown = null;
  try {
    for await (const c of chunks) {
      let f = files.get(c.file);
      if (!f) files.set(c.file, (f = new Sink(join(dir, c.file))));
      await f.write(c.text ?? c.bytes!);
    }
  } catch (err) {
    failure = err;
  }
  // Every file closed whatever happened, so no handle is left open; then the failure, if any.
  const written: WrittenFile[] = [];
  for (const [file, sink] of [...files].sort(([a], [b]) => (a < b ? -1 : 1))) written.push({ file, ...(await sink.close()) });
  if (failure) throw failure;
  return written;
}

/**
 * FHIR as one NDJSON file per resource type (`Patient.ndjson`, `Observation.ndjson`, …, the FHIR Bulk Data layout):
 * the resources of the per-subject Bundles the builder makes, in Bundle order.
 */
async function* fhirByResourceType(dataset: ExportDataset): AsyncGenerator<{ file: string; text: string }> {
  for await (const bundle of fhirBundles(dataset)) {
    for (const entry of bundle.entry ?? []) {
      const resource = entry.resource;
      if (resource) yield { file: `${resource.resourceType}.ndjson`, text: `${JSON.stringify(resource)}\n` };
    }
  }
}

/** Writes the snapshot in the directory form of `format` into `dir`. */
export async function exportSnapshotToDirectory(
  dataSource: DataSource,
  snapshot: FrozenSnapshot,
  format: DirectoryFormat,
  dir: string,
  personal: PersonalFieldsAtCut | null = null,
): Promise<WrittenFile[]> {
  await mkdir(dir, { recursive: true });
  return withSnapshotDataset(
    dataSource,
    snapshot,
    async (dataset) => {
      switch (format) {
        case 'csv':
          return writeFiles(dir, csvExport(dataset));
        case 'parquet':
          return writeFiles(dir, parquetExport(dataset));
        case 'sdtm':
          return writeFiles(dir, sdtmExport(dataset, { createdAt: snapshot.frozenAt }));
        case 'omop':
          return writeFiles(dir, omopExport(dataset));
        case 'fhir':
          return writeFiles(dir, fhirByResourceType(dataset));
      }
    },
    personal,
  );
}

export interface DirectoryExportOptions {
  readonly format: DirectoryFormat;
  readonly scope: SnapshotScope;
  /** An existing snapshot of the scope; without it one is frozen now (purpose 'export'). */
  readonly snapshotId: string | null;
  readonly outDir: string;
  /** The operator, an admin of the registry's database: no scope applies. */
  readonly operator: string;
  readonly hashKey: Buffer;
  readonly commandId: string;
  /** Opens year of birth and sex at the snapshot's cut (as the download route does); without it they are left empty. */
  readonly personal?: PersonalFieldsAtCut;
}

/**
 * `npm run export -- <format> (--trial|--programme) [--snapshot] --out <dir>`: the snapshot (frozen now through the
 * same handler as the API when none is named), the access-log row (channel `cli-export`), then the files.
 */
export async function exportScopeToDirectory(
  store: EventStore,
  dataSource: DataSource,
  o: DirectoryExportOptions,
): Promise<{ readonly snapshot: FrozenSnapshot; readonly files: readonly WrittenFile[]; readonly frozen: boolean }> {
  const actor = inProcessActor(o.operator, 'admin');
  const queries = new SnapshotQueries(store, dataSource);
  let snapshotId = o.snapshotId;
  if (snapshotId === null) {
    snapshotId = recordId(o.commandId, 'snapshot');
    const handler = new FreezeAnalysisSnapshotHandler(new CommandRunner(store, () => new Date()), store, dataSource);
    const origin = { ...originFor(actor, { commandId: o.commandId }, o.commandId), reason: 'export' };
    await handler.execute(
      new FreezeAnalysisSnapshotCommand(
        { snapshotId, scope: o.scope, position: null, asOf: null, purpose: `export ${o.format}`, reason: 'export' },
        origin,
        actor,
      ),
    );
  }
  const snapshot = await queries.get(actor, snapshotId);
  const same = JSON.stringify(snapshot.scope) === JSON.stringify(o.scope);
  if (!same) throw new Error(`snapshot ${snapshot.id} is not of the ${o.scope.kind} given`);
  await recordAccess(
    (sql, params) => dataSource.query(sql, params),
    {
      actorId: o.operator,
      actorRole: 'operator',
      channel: 'cli-export',
      operationType: 'export',
      operationName: 'snapshotExport',
      rootFields: ['snapshotExport'],
      trialIds: snapshot.scope.kind === 'trial' ? [snapshot.scope.trialId] : [],
      programmeIds: snapshot.scope.kind === 'programme' ? [snapshot.scope.programmeId] : [],
      variables: { snapshotId: snapshot.id, format: o.format },
      correlationId: null,
    },
    o.hashKey,
  );
  await queries.ensureRows(snapshot);
  return { snapshot, files: await exportSnapshotToDirectory(dataSource, snapshot, o.format, o.outDir, o.personal ?? null), frozen: o.snapshotId === null };
}
