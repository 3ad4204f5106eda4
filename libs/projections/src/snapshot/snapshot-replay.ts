import { comparePositions, type EventStore, type JsonObject, type Position, type RecordedEvent } from '#event-store';
import type { DataSource } from 'typeorm';
import { CatalogueProjection } from '../projections/catalogue.projection.js';
import { matchesFilter, type Projection } from '../projections/projection.js';
import { ScreeningProjection } from '../projections/screening.projection.js';
import { SubjectsProjection } from '../projections/subjects.projection.js';
import { TrialsProjection } from '../projections/trials.projection.js';
import { digestSnapshot, rowKeyOf, type SnapshotDigest, type SnapshotTable } from './canonical-snapshot.js';

export type SnapshotScopeRef = { readonly kind: 'trial'; readonly trialId: string } | { readonly kind: 'programme'; readonly programmeId: string };

/** Where the data cut lies: a settled global position, the newest settled event, or the last event recorded by a time. */
export type SnapshotCut =
  { readonly kind: 'position'; readonly position: Position } | { readonly kind: 'now' } | { readonly kind: 'asOf'; readonly asOf: Date };

export interface ComputedSnapshot extends SnapshotDigest {
  /** The last event applied (the cut), or null when the log had no event at or before it. */
  readonly position: Position | null;
  readonly readModels: readonly { readonly name: string; readonly version: number }[];
  readonly data: readonly SnapshotTable[];
  /** Whether the scope's own record (trial or programme row) exists at the cut. */
  readonly scopeFound: boolean;
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

/**
 * A snapshot's rows, computed from the log alone: the snapshot projections replay every event up to the cut into
 * temporary copies of their tables (one transaction, dropped at its end), with the same `apply` code as the live
 * projector and a rebuild, so a snapshot recomputed at any later time — after corrections, after a full rebuild of
 * the read models — is the same rows and the same hash by construction, never "the live tables filtered by
 * position" (which would need every table to be versioned). The live read models are not read or touched.
 *
 * Cost: one pass over the log up to the cut (the categories these projections read), bounded in memory by the page
 * size and the scope's rows.
 */
export async function computeSnapshot(
  store: EventStore,
  dataSource: DataSource,
  scope: SnapshotScopeRef,
  cut: SnapshotCut,
  options: { readonly pageSize?: number } = {},
): Promise<ComputedSnapshot> {
  const projections = snapshotProjections();
  const pageSize = options.pageSize ?? 5000;
  const categories = [...new Set(projections.flatMap((p) => p.filter?.streamCategories ?? []))];
  let target: Position | null = null;
  if (cut.kind === 'position') target = cut.position;
  return dataSource.transaction(async (m) => {
    // Timestamps as JSON in UTC whatever the server's zone: the text hashed must not depend on the session.
    await m.query(`SET LOCAL TimeZone = 'UTC'`);
    for (const p of projections) {
      for (const t of p.tables) {
        await m.query(`CREATE TEMP TABLE ${t} (LIKE read_model.${t} INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING INDEXES) ON COMMIT DROP`);
      }
    }
    let last: RecordedEvent | null = null;
    let reached = false;
    // Pages of the whole log (readAll is gap-safe: what it hands out, nothing can later be inserted before); the
    // cut's own event must be among them, so a position that has not settled yet is refused, not half-read.
    let after: Position | undefined;
    outer: for (;;) {
      const page = await store.readAll({ ...(after ? { after } : {}), maxCount: pageSize });
      if (page.length === 0) break;
      after = page.at(-1)!.position;
      let end = page.length;
      for (let i = 0; i < page.length; i++) {
        const e = page[i]!;
        if (target && comparePositions(e.position, target) > 0) {
          end = i;
          break;
        }
        if (cut.kind === 'asOf' && e.recordedAt.getTime() > cut.asOf.getTime()) {
          end = i;
          break;
        }
      }
      const taken = page.slice(0, end);
      if (taken.length > 0) {
        last = taken.at(-1)!;
        const relevant = taken.filter((e) => categories.length === 0 || matchesFilter({ streamCategories: categories }, e));
        for (const p of projections) {
          const mine = relevant.filter((e) => matchesFilter(p.filter, e));
          if (mine.length > 0) await p.apply(mine, m, { schema: 'pg_temp' });
        }
      }
      if (target && last && comparePositions(last.position, target) === 0) reached = true;
      if (end < page.length || reached) break outer;
    }
    if (target && !reached) throw new SnapshotCutError('not_settled');
    if (!last && cut.kind !== 'position') throw new SnapshotCutError('empty_log');
    const spec = scopeTables(scope);
    const id = scopeId(scope);
    await m.query(`CREATE TEMP TABLE snapshot_subjects ON COMMIT DROP AS ${spec.subjects}`, [id]);
    const scopeFound = ((await m.query(spec.scopeRow, [id])) as unknown[]).length > 0;
    const data: SnapshotTable[] = [];
    for (const t of spec.tables) {
      // Primary-key order in the C collation: byte order of the key text, the same on every server and locale.
      // Integer key columns (versions, positions) sort as numbers.
      const order = t.key.map((k) => (NUMERIC_KEYS.has(k) ? `t.${k}` : `t.${k} COLLATE "C"`));
      const sql = `SELECT to_jsonb(t) AS row FROM pg_temp.${t.table} t ${t.where ? `WHERE ${t.where}` : ''} ORDER BY ${order.join(', ')}`;
      const rows = (await m.query(sql, t.where?.includes('$1') ? [id] : [])) as { row: JsonObject }[];
      data.push({ table: t.table, rows: rows.map((r) => ({ key: rowKeyOf(r.row, t.key), row: r.row })) });
    }
    const digest = digestSnapshot(data);
    // Nothing of the replay stays: the temporary tables go with the transaction.
    return { ...digest, position: last?.position ?? null, readModels: projections.map((p) => ({ name: p.name, version: p.version })), data, scopeFound };
  });
}

const NUMERIC_KEYS = new Set(['version', 'position']);
