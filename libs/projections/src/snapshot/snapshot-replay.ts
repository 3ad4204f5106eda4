import { comparePositions, type EventStore, type JsonObject, type Position, type RecordedEvent } from '#event-store';
import type { DataSource, EntityManager } from 'typeorm';
import { CatalogueProjection } from '../projections/catalogue.projection.js';
import { matchesFilter, type Projection } from '../projections/projection.js';
import { ScreeningProjection } from '../projections/screening.projection.js';
import { SubjectsProjection } from '../projections/subjects.projection.js';
import { TrialsProjection } from '../projections/trials.projection.js';
import { compareTableNames, rowKeyOf, SnapshotDigester, type SnapshotDigest } from './canonical-snapshot.js';

export type SnapshotScopeRef = { readonly kind: 'trial'; readonly trialId: string } | { readonly kind: 'programme'; readonly programmeId: string };

/** Where the data cut lies: a settled global position, the newest settled event, or the last event recorded by a time. */
export type SnapshotCut =
  { readonly kind: 'position'; readonly position: Position } | { readonly kind: 'now' } | { readonly kind: 'asOf'; readonly asOf: Date };

export interface ComputedSnapshot extends SnapshotDigest {
  /** The last event applied (the cut), or null when the log had no event at or before it. */
  readonly position: Position | null;
  readonly readModels: readonly { readonly name: string; readonly version: number }[];
  /** Whether the scope's own record (trial or programme row) exists at the cut. */
  readonly scopeFound: boolean;
}

/** One page of a table's rows in snapshot order; `ordinal` is the first row's 0-based place in its table. */
export interface SnapshotRowPage {
  readonly table: string;
  readonly ordinal: number;
  readonly rows: readonly { readonly key: string; readonly row: JsonObject }[];
}

/** A computed snapshot whose rows are still in the replay's scratch tables (until the `withSnapshot` callback returns). */
export interface SnapshotComputation extends ComputedSnapshot {
  /**
   * Streams every row, tables in name order and rows in key order, in pages, to `write`, inside one transaction on the
   * replay's connection (`manager`): what `write` inserts commits with it, all or nothing.
   */
  copyRows(write: (manager: EntityManager, page: SnapshotRowPage) => Promise<void>, pageSize?: number): Promise<void>;
  /**
   * The same rows without a round trip through the client: for each table in name order, `insert` gets a SELECT of
   * `(ordinal int, row_key text, row jsonb)` over the scratch table (the same order, keys and rows as `copyRows`
   * gives) to run as `INSERT … SELECT` in one transaction on the replay's connection; `before` runs first in it and
   * may answer false to write nothing (the rows are kept already).
   */
  insertRows(
    before: (manager: EntityManager) => Promise<boolean>,
    insert: (manager: EntityManager, table: string, select: string, params: readonly unknown[]) => Promise<void>,
  ): Promise<boolean>;
}

/** Why a cut cannot be taken: the position is not in the log, or it is but has not settled (readAll does not hand it out yet). */
export class SnapshotCutError extends Error {
  constructor(readonly reason: 'unknown_position' | 'not_settled' | 'empty_log') {
    super(`snapshot cut: ${reason}`);
  }
}

/** The projections whose tables a snapshot holds (not the audit or status ones). */
export const snapshotProjections = (): Projection[] => [new CatalogueProjection(), new TrialsProjection(), new SubjectsProjection(), new ScreeningProjection()];

interface TableSpec {
  readonly table: string;
  readonly key: readonly string[];
  /** SQL condition over alias `t`, with $1 the scope id; subjects in scope are in temp table `snapshot_subjects`. */
  readonly where: string | null;
}

const BY_SUBJECT = `t.subject_id IN (SELECT subject_id FROM snapshot_subjects)`;
// The reference data an analysis reads (which biomarker, which algorithm version) as it stood at the cut: all of it.
const CATALOGUE: readonly TableSpec[] = [
  { table: 'algorithm_versions', key: ['algorithm_version_id'], where: null },
  { table: 'biomarker_versions', key: ['biomarker_id', 'version'], where: null },
  { table: 'biomarkers', key: ['biomarker_id'], where: null },
];
const SUBJECT_DATA: readonly TableSpec[] = [
  { table: 'imaging_studies', key: ['study_instance_uid'], where: BY_SUBJECT },
  { table: 'measurements', key: ['measurement_id', 'version'], where: BY_SUBJECT },
  { table: 'outcomes', key: ['outcome_id', 'version'], where: BY_SUBJECT },
  { table: 'subject_milestones', key: ['position'], where: BY_SUBJECT },
];

/** The in-scope tables: what a trial's or a programme's analysis dataset is made of. */
export function scopeTables(scope: SnapshotScopeRef): { readonly subjects: string; readonly scopeRow: string; readonly tables: readonly TableSpec[] } {
  switch (scope.kind) {
    case 'trial':
      return {
        subjects: `SELECT subject_id FROM pg_temp.subjects WHERE trial_id = $1`,
        scopeRow: `SELECT 1 FROM pg_temp.trials WHERE trial_id = $1`,
        tables: [
          ...CATALOGUE,
          ...SUBJECT_DATA,
          { table: 'subjects', key: ['subject_id'], where: 't.trial_id = $1' },
          { table: 'trial_arms', key: ['trial_id', 'arm_code'], where: 't.trial_id = $1' },
          { table: 'trial_sites', key: ['trial_id', 'site_id'], where: 't.trial_id = $1' },
          { table: 'trials', key: ['trial_id'], where: 't.trial_id = $1' },
        ],
      };
    case 'programme':
      return {
        subjects: `SELECT subject_id FROM pg_temp.subjects WHERE programme_id = $1`,
        scopeRow: `SELECT 1 FROM pg_temp.screening_programmes WHERE programme_id = $1`,
        tables: [
          ...CATALOGUE,
          ...SUBJECT_DATA,
          { table: 'screening_programmes', key: ['programme_id'], where: 't.programme_id = $1' },
          { table: 'screening_rounds', key: ['round_id'], where: 't.programme_id = $1' },
          { table: 'screenings', key: ['screening_id'], where: 't.programme_id = $1' },
          { table: 'subjects', key: ['subject_id'], where: 't.programme_id = $1' },
        ],
      };
  }
}

const scopeId = (scope: SnapshotScopeRef): string => (scope.kind === 'trial' ? scope.trialId : scope.programmeId);

export interface ComputeOptions {
  /** Events read from the log per page (one short transaction applies each page). */
  readonly pageSize?: number;
  /** Called between pages, outside any transaction, with the events the page applied (progress; tests). */
  readonly onPage?: (applied: number) => Promise<void> | void;
}

/**
 * A snapshot's rows, computed from the log alone: the snapshot projections replay every event up to the cut into
 * temporary copies of their tables, with the same `apply` code as the live projector and a rebuild, so a snapshot
 * recomputed at any later time — after corrections, after a full rebuild of the read models — is the same rows and
 * the same hash by construction, never "the live tables filtered by position" (which would need every table to be
 * versioned). The live read models are not read or touched.
 *
 * Why one dedicated connection and many short transactions: readAll and the subscriptions hand out only events of
 * transactions older than the oldest transaction id still running anywhere in the cluster (the gap-safe head). A
 * replay inside one transaction would hold an id (writing even a temporary table takes one) for its whole run and
 * stall every projector and reader of the log meanwhile. So the events are read in pages through the port with no
 * transaction open, each page is applied to session-lived temporary tables in its own short transaction, the rows are
 * hashed through a cursor in a read-only transaction (no id), and `copyRows` writes them out in one transaction at
 * the end. Memory holds one page of events or rows, never the dataset. The temporary tables are dropped and the
 * session reset before the connection goes back to the pool.
 */
export async function withSnapshot<T>(
  store: EventStore,
  dataSource: DataSource,
  scope: SnapshotScopeRef,
  cut: SnapshotCut,
  options: ComputeOptions,
  use: (computed: SnapshotComputation) => Promise<T>,
): Promise<T> {
  const projections = snapshotProjections();
  const pageSize = options.pageSize ?? 5000;
  const categories = [...new Set(projections.flatMap((p) => p.filter?.streamCategories ?? []))];
  const target: Position | null = cut.kind === 'position' ? cut.position : null;
  const qr = dataSource.createQueryRunner();
  await qr.connect();
  try {
    // Timestamps as JSON in UTC whatever the server's zone: the text hashed must not depend on the session.
    await qr.query(`SET TimeZone = 'UTC'`);
    for (const p of projections) {
      for (const t of p.tables) {
        await qr.query(`CREATE TEMP TABLE ${t} (LIKE read_model.${t} INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING INDEXES)`);
      }
    }
    let last: RecordedEvent | null = null;
    let reached = false;
    // Pages of the whole log (readAll is gap-safe: what it hands out, nothing can later be inserted before); the
    // cut's own event must be among them, so a position that has not settled yet is refused, not half-read.
    let after: Position | undefined;
    for (;;) {
      const page = await store.readAll({ ...(after ? { after } : {}), maxCount: pageSize });
      if (page.length === 0) break;
      after = page.at(-1)!.position;
      let end = page.length;
      for (let i = 0; i < page.length; i++) {
        const e = page[i]!;
        if ((target && comparePositions(e.position, target) > 0) || (cut.kind === 'asOf' && e.recordedAt.getTime() > cut.asOf.getTime())) {
          end = i;
          break;
        }
      }
      const taken = page.slice(0, end);
      if (taken.length > 0) {
        last = taken.at(-1)!;
        const relevant = taken.filter((e) => categories.length === 0 || matchesFilter({ streamCategories: categories }, e));
        if (relevant.length > 0) {
          await qr.startTransaction();
          try {
            for (const p of projections) {
              const mine = relevant.filter((e) => matchesFilter(p.filter, e));
              // The scratch tables start empty and each event is applied once, as in a rebuild: the bulk path (COPY
              // for rows new by construction, set-based carry-overs once at the end) makes the same rows faster.
              if (mine.length > 0) await p.apply(mine, qr.manager, { schema: 'pg_temp', bulk: true });
            }
            await qr.commitTransaction();
          } catch (err) {
            await qr.rollbackTransaction();
            throw err;
          }
        }
      }
      await options.onPage?.(taken.length);
      if (target && last && comparePositions(last.position, target) === 0) reached = true;
      if (end < page.length || reached) break;
    }
    if (target && !reached) throw new SnapshotCutError('not_settled');
    if (!last && cut.kind !== 'position') throw new SnapshotCutError('empty_log');
    await qr.startTransaction();
    try {
      for (const p of projections) await p.afterBulkLoad?.(qr.manager, 'pg_temp');
      await qr.commitTransaction();
    } catch (err) {
      await qr.rollbackTransaction();
      throw err;
    }
    const spec = scopeTables(scope);
    const id = scopeId(scope);
    await qr.query(`CREATE TEMP TABLE snapshot_subjects AS ${spec.subjects}`, [id]);
    // Temporary tables are never analysed by autovacuum: without statistics the row cursors below are planned blind.
    for (const t of [...projections.flatMap((p) => p.tables), 'snapshot_subjects']) await qr.query(`ANALYZE pg_temp.${t}`);
    const scopeFound = ((await qr.query(spec.scopeRow, [id])) as unknown[]).length > 0;
    const tables = [...spec.tables].sort((a, b) => compareTableNames(a.table, b.table));
    const readModels = projections.map((p) => ({ name: p.name, version: p.version }));

    const streamRows = async (rowPageSize: number, each: (page: SnapshotRowPage) => Promise<void>): Promise<void> => {
      for (const t of tables) {
        // Primary-key order in the C collation: byte order of the key text, the same on every server and locale.
        // Integer key columns (versions, positions) sort as numbers.
        const sql = `SELECT to_jsonb(t) AS row FROM pg_temp.${t.table} t ${t.where ? `WHERE ${t.where}` : ''} ORDER BY ${orderOf(t).join(', ')}`;
        await qr.query(`DECLARE snapshot_rows NO SCROLL CURSOR FOR ${sql}`, t.where?.includes('$1') ? [id] : []);
        // Every table yields at least one page (perhaps empty): a table without rows still counts in the digest.
        for (let ordinal = 0; ;) {
          const rows = (await qr.query(`FETCH FORWARD ${rowPageSize} FROM snapshot_rows`)) as { row: JsonObject }[];
          if (rows.length === 0 && ordinal > 0) break;
          await each({ table: t.table, ordinal, rows: rows.map((r) => ({ key: rowKeyOf(r.row, t.key), row: r.row })) });
          if (rows.length === 0) break;
          ordinal += rows.length;
        }
        await qr.query(`CLOSE snapshot_rows`);
      }
    };

    // The hash, streamed through a cursor in a read-only transaction: it reads temporary tables only, so it never
    // takes a transaction id and holds back no reader of the log.
    const digester = new SnapshotDigester();
    await qr.startTransaction();
    try {
      await qr.query(`SET TRANSACTION READ ONLY`);
      let current: string | null = null;
      await streamRows(ROW_PAGE, async (page) => {
        if (page.table !== current) digester.startTable((current = page.table));
        for (const r of page.rows) digester.row(r.key, r.row);
      });
      await qr.commitTransaction();
    } catch (err) {
      await qr.rollbackTransaction();
      throw err;
    }
    const digest = digester.finish();
    const computation: SnapshotComputation = {
      ...digest,
      position: last?.position ?? null,
      readModels,
      scopeFound,
      insertRows: async (before, insert) => {
        await qr.startTransaction();
        try {
          if (!(await before(qr.manager))) {
            await qr.commitTransaction();
            return false;
          }
          for (const t of tables) {
            // The key as rowKeyOf writes it (canonical JSON of the key values: ids are text, versions and positions
            // integers, never null), so the kept rows hash as the streamed ones do (verifyAnalysisSnapshot checks it).
            const key = `'[' || concat_ws(',', ${t.key.map((k) => `to_json(t.${k})::text`).join(', ')}) || ']'`;
            const select = `SELECT (row_number() OVER (ORDER BY ${orderOf(t).join(', ')}) - 1)::int AS ordinal, ${key} AS row_key, to_jsonb(t) AS row
              FROM pg_temp.${t.table} t ${t.where ? `WHERE ${t.where}` : ''}`;
            await insert(qr.manager, t.table, select, t.where?.includes('$1') ? [id] : []);
          }
          await qr.commitTransaction();
          return true;
        } catch (err) {
          await qr.rollbackTransaction();
          throw err;
        }
      },
      copyRows: async (write, rowPageSize = ROW_PAGE) => {
        await qr.startTransaction();
        try {
          await streamRows(rowPageSize, (page) => write(qr.manager, page));
          await qr.commitTransaction();
        } catch (err) {
          await qr.rollbackTransaction();
          throw err;
        }
      },
    };
    return await use(computation);
  } finally {
    // Back to the pool as it came: no scratch table, the server's time zone.
    try {
      if (qr.isTransactionActive) await qr.rollbackTransaction();
      await qr.query(`DISCARD TEMP`);
      await qr.query(`RESET TimeZone`);
    } finally {
      await qr.release();
    }
  }
}

/** The digest of a snapshot computed from the log (the rows themselves are dropped with the scratch tables). */
export async function computeSnapshot(
  store: EventStore,
  dataSource: DataSource,
  scope: SnapshotScopeRef,
  cut: SnapshotCut,
  options: ComputeOptions = {},
): Promise<ComputedSnapshot> {
  return withSnapshot(store, dataSource, scope, cut, options, async ({ contentHash, tables, position, readModels, scopeFound }) => ({
    contentHash,
    tables,
    position,
    readModels,
    scopeFound,
  }));
}

const ROW_PAGE = 2000;

/** Primary-key order in the C collation (byte order of the key text, the same on every server); integer keys as numbers. */
const orderOf = (t: TableSpec): string[] => t.key.map((k) => (NUMERIC_KEYS.has(k) ? `t.${k}` : `t.${k} COLLATE "C"`));
const NUMERIC_KEYS = new Set(['version', 'position']);
