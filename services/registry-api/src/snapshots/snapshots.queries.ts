import { Inject, Injectable } from '@nestjs/common';
import {
  reject,
  SnapshotErrors,
  snapshotStreamId,
  type AnalysisSnapshotErasureRecorded,
  type AnalysisSnapshotFrozen,
  type SnapshotManifest,
  type SnapshotScope,
} from '#domain';
import { EVENT_STORE, type EventStore, type JsonObject, type RecordedEvent } from '#event-store';
import { computeSnapshot } from '#projections';
import { DataSource } from 'typeorm';
import type { Actor } from '../auth/actor.js';
import { ApiError } from '../graphql/error-mapping.js';
import { frozenCut, materialiseSnapshotRows } from './snapshot-compute.js';
import { digestKeptRows, readSnapshotRows, snapshotRowsKept } from './snapshot-rows.js';
import { assertSnapshotScope } from './snapshots.scope.js';

/** A frozen snapshot as the event recorded it. */
export interface FrozenSnapshot {
  readonly id: string;
  readonly scope: SnapshotScope;
  readonly manifest: SnapshotManifest;
  readonly purpose: string;
  readonly reason: string;
  readonly asOf: string | null;
  readonly frozenAt: string;
  readonly frozenBy: string;
  /** The freeze event's own position (the snapshot is part of the scope's audit trail from there). */
  readonly eventPosition: string;
}

export interface SnapshotVerification {
  readonly snapshotId: string;
  readonly matches: boolean;
  readonly storedHash: string;
  readonly recomputedHash: string;
  readonly differingTables: readonly string[];
  readonly storedRowsMatch: boolean;
}

const MAX_ROWS_PAGE = 5000;

function frozenOf(e: RecordedEvent): FrozenSnapshot {
  const d = e.data as unknown as AnalysisSnapshotFrozen['data'];
  const scope: SnapshotScope = d.trialId !== undefined ? { kind: 'trial', trialId: d.trialId } : { kind: 'programme', programmeId: d.programmeId! };
  const { position, commitPosition, readModels, rowCounts, contentHash, hashAlgorithm } = d;
  return {
    id: d.snapshotId,
    scope,
    manifest: { position, commitPosition, readModels, rowCounts, contentHash, hashAlgorithm },
    purpose: d.purpose,
    reason: d.reason,
    asOf: d.asOf,
    frozenAt: d.frozenAt,
    frozenBy: typeof e.metadata['actorId'] === 'string' ? e.metadata['actorId'] : 'unknown',
    eventPosition: e.position.prepare.toString(),
  };
}

/**
 * The read side of snapshots. The manifest is the freeze event itself (read from its stream: nothing to project);
 * the rows are the ones kept at freezing (read_model.analysis_snapshot_rows), re-materialised from the log if a
 * crash lost them between the event and the rows.
 */
@Injectable()
export class SnapshotQueries {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly dataSource: DataSource,
  ) {}

  /** The snapshot if the actor may read it; FORBIDDEN (confined actor) or SNAPSHOT_NOT_FOUND otherwise. */
  async get(actor: Actor, id: string): Promise<FrozenSnapshot> {
    const [e] = await this.store.readStream(snapshotStreamId(id), { maxCount: 1 });
    const found = e && e.type === 'AnalysisSnapshotFrozen' ? frozenOf(e) : undefined;
    assertSnapshotScope(actor, found?.scope);
    if (!found) return reject(SnapshotErrors.SNAPSHOT_NOT_FOUND, 'id', `No analysis snapshot ${id}`);
    return found;
  }

  /** A scope's snapshots, oldest first. */
  async list(actor: Actor, scope: SnapshotScope): Promise<FrozenSnapshot[]> {
    assertSnapshotScope(actor, scope);
    const dataContains: JsonObject = scope.kind === 'trial' ? { trialId: scope.trialId } : { programmeId: scope.programmeId };
    const out: FrozenSnapshot[] = [];
    for (let after: RecordedEvent['position'] | undefined; ;) {
      const page = await this.store.searchEvents({ eventTypes: ['AnalysisSnapshotFrozen'], dataContains, maxCount: 500, ...(after ? { after } : {}) });
      out.push(...page.map(frozenOf));
      if (page.length < 500) return out;
      after = page.at(-1)!.position;
    }
  }

  /** The kept rows, making sure they are there (re-materialised from the log and checked against the hash if not). */
  async ensureRows(snapshot: FrozenSnapshot): Promise<void> {
    if (await snapshotRowsKept(this.dataSource, snapshot.id)) return;
    const kept = await materialiseSnapshotRows(this.store, this.dataSource, snapshot.id, snapshot.scope, snapshot.manifest);
    if (!kept) throw new Error(`snapshot ${snapshot.id}: the log no longer gives the frozen hash; run verifyAnalysisSnapshot`);
  }

  async rows(snapshot: FrozenSnapshot, table: string, first: number | null | undefined, after: string | null | undefined) {
    if (!snapshot.manifest.rowCounts.some((t) => t.table === table)) {
      throw new ApiError(
        'BAD_USER_INPUT',
        `The snapshot has no table ${table}; its tables: ${snapshot.manifest.rowCounts.map((t) => t.table).join(', ')}`,
        'table',
      );
    }
    const n = first ?? 500;
    if (!Number.isInteger(n) || n < 0 || n > MAX_ROWS_PAGE) throw new ApiError('BAD_USER_INPUT', `first must be between 0 and ${MAX_ROWS_PAGE}`, 'first');
    let from = -1;
    if (after !== null && after !== undefined) {
      const m = /^o:(\d{1,9})$/.exec(Buffer.from(after, 'base64url').toString());
      if (!m) throw new ApiError('BAD_USER_INPUT', 'after is not a cursor this list gave out', 'after');
      from = Number(m[1]);
    }
    await this.ensureRows(snapshot);
    const rows = await readSnapshotRows(this.dataSource, snapshot.id, table, from, n + 1);
    const nodes = rows.slice(0, n);
    const endCursor = rows.length > n && nodes.length > 0 ? Buffer.from(`o:${nodes.at(-1)!.ordinal}`).toString('base64url') : null;
    return { nodes: nodes.map((r) => ({ key: r.key, json: r.json })), endCursor };
  }

  /**
   * Erasures after the cut of subjects the snapshot holds: the ones recorded on its stream
   * (AnalysisSnapshotErasureRecorded, written by eraseSubject), then any SubjectErased in the log not recorded there
   * (an erasure whose recording stopped half-way; repeating eraseSubject completes it), with recordedAt null.
   */
  async erasuresSince(snapshot: FrozenSnapshot): Promise<{ subjectId: string; position: string; recordedAt: string | null }[]> {
    const recorded = (await this.store.readStream(snapshotStreamId(snapshot.id)))
      .filter((e) => e.type === 'AnalysisSnapshotErasureRecorded')
      .map((e) => {
        const d = e.data as unknown as AnalysisSnapshotErasureRecorded['data'];
        return { subjectId: d.subjectId, position: d.erasurePosition, recordedAt: d.recordedAt };
      });
    const after = { commit: BigInt(snapshot.manifest.commitPosition), prepare: BigInt(snapshot.manifest.position) };
    const erased: { subjectId: string; position: string }[] = [];
    for (let from = after; ;) {
      const page = await this.store.searchEvents({ eventTypes: ['SubjectErased'], after: from, maxCount: 500 });
      for (const e of page) {
        const subjectId = e.data['subjectId'];
        if (typeof subjectId === 'string' && !recorded.some((r) => r.subjectId === subjectId))
          erased.push({ subjectId, position: e.position.prepare.toString() });
      }
      if (page.length < 500) break;
      from = page.at(-1)!.position;
    }
    if (erased.length === 0) return recorded;
    const held = (await this.dataSource.query(
      `SELECT row->>'subject_id' AS subject_id FROM read_model.analysis_snapshot_rows WHERE snapshot_id = $1 AND table_name = 'subjects' AND row->>'subject_id' = ANY($2::text[])`,
      [snapshot.id, erased.map((e) => e.subjectId)],
    )) as { subject_id: string }[];
    const inSnapshot = new Set(held.map((h) => h.subject_id));
    return [...recorded, ...erased.filter((e) => inSnapshot.has(e.subjectId)).map((e) => ({ ...e, recordedAt: null }))];
  }

  /** Recomputes the snapshot from the log at its position and compares, table by table; also re-hashes the kept rows. */
  async verify(snapshot: FrozenSnapshot): Promise<SnapshotVerification> {
    const again = await computeSnapshot(this.store, this.dataSource, snapshot.scope, frozenCut(snapshot.manifest));
    const frozen = new Map(snapshot.manifest.rowCounts.map((t) => [t.table, t]));
    const recomputed = new Map(again.tables.map((t) => [t.table, t]));
    const names = [...new Set([...frozen.keys(), ...recomputed.keys()])].sort();
    const differingTables = names.filter((n) => frozen.get(n)?.hash !== recomputed.get(n)?.hash || frozen.get(n)?.rows !== recomputed.get(n)?.rows);
    await this.ensureRows(snapshot).catch(() => undefined);
    const kept = await digestKeptRows(this.dataSource, snapshot.id, [...frozen.keys()]);
    return {
      snapshotId: snapshot.id,
      matches: again.contentHash === snapshot.manifest.contentHash && differingTables.length === 0,
      storedHash: snapshot.manifest.contentHash,
      recomputedHash: again.contentHash,
      differingTables,
      storedRowsMatch: kept.contentHash === snapshot.manifest.contentHash,
    };
  }
}
