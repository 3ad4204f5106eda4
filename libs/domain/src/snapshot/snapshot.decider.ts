import type { CommandMeta, Decider } from '../decider.js';
import { reject } from '../domain.errors.js';
import { InputErrors, MaxLength, requireId, requireReason, requireText } from '../biomarker/input.guards.js';
import type { SnapshotCommand } from './snapshot.commands.js';
import { SnapshotErrors } from './snapshot.errors.js';
import type { SnapshotEvent, SnapshotManifest, SnapshotScope } from './snapshot.events.js';

export type SnapshotState =
  | { readonly status: 'none' }
  | {
      readonly status: 'frozen';
      readonly snapshotId: string;
      readonly scope: SnapshotScope;
      readonly manifest: SnapshotManifest;
      /** Subjects recorded as erased after the cut (AnalysisSnapshotErasureRecorded), each once. */
      readonly erasedSubjects: readonly string[];
    };

/** One stream per snapshot: `snapshot-<id>`: its freeze, then the erasures of its subjects recorded after the cut. */
export function snapshotStreamId(snapshotId: string): string {
  return `snapshot-${snapshotId}`;
}

const HEX64 = /^[0-9a-f]{64}$/;
const INTEGER = /^(0|[1-9][0-9]*)$/;

function requireManifest(m: SnapshotManifest): SnapshotManifest {
  if (!INTEGER.test(m.position)) reject(InputErrors.INVALID_TYPE, 'position', 'position must be a non-negative integer');
  if (!HEX64.test(m.contentHash)) reject(InputErrors.INVALID_TYPE, 'manifest.contentHash', 'contentHash must be 64 hex digits (SHA-256)');
  const tables = m.rowCounts.map((r) => r.table);
  // The manifest lists tables in name order, each once: the same manifest for the same data, whoever computed it.
  if (tables.some((t, i) => i > 0 && tables[i - 1]! >= t))
    reject(InputErrors.INVALID_TYPE, 'manifest.rowCounts', 'row counts must be in table name order, each once');
  if (m.rowCounts.some((r) => !Number.isInteger(r.rows) || r.rows < 0))
    reject(InputErrors.INVALID_TYPE, 'manifest.rowCounts', 'row counts are non-negative integers');
  return m;
}

function decide(command: SnapshotCommand, state: SnapshotState, meta: CommandMeta): SnapshotEvent[] {
  switch (command.type) {
    case 'FreezeAnalysisSnapshot': {
      const snapshotId = requireId(command.snapshotId, 'snapshotId');
      if (state.status !== 'none') reject(SnapshotErrors.SNAPSHOT_ALREADY_FROZEN, 'snapshotId', `Snapshot ${snapshotId} is frozen already; freeze a new one`);
      const purpose = requireText(command.purpose, 'purpose', MaxLength.name);
      const reason = requireReason(command.reason);
      const manifest = requireManifest(command.manifest);
      const scope: { trialId: string } | { programmeId: string } =
        command.scope.kind === 'trial'
          ? { trialId: requireId(command.scope.trialId, 'trialId') }
          : { programmeId: requireId(command.scope.programmeId, 'programmeId') };
      return [
        { type: 'AnalysisSnapshotFrozen', data: { snapshotId, ...scope, purpose, reason, asOf: command.asOf, frozenAt: meta.now.toISOString(), ...manifest } },
      ];
    }
    case 'RecordSnapshotErasure': {
      if (state.status !== 'frozen') reject(SnapshotErrors.SNAPSHOT_NOT_FOUND, 'snapshotId', `No analysis snapshot ${command.snapshotId}`);
      const subjectId = requireId(command.subjectId, 'subjectId');
      if (!INTEGER.test(command.erasurePosition)) reject(InputErrors.INVALID_TYPE, 'erasurePosition', 'erasurePosition must be a non-negative integer');
      // Once per subject: a repeated erasure command (completing one that crashed) records nothing new.
      if (state.erasedSubjects.includes(subjectId)) return [];
      const scope = state.scope.kind === 'trial' ? { trialId: state.scope.trialId } : { programmeId: state.scope.programmeId };
      return [
        {
          type: 'AnalysisSnapshotErasureRecorded',
          data: { snapshotId: state.snapshotId, ...scope, subjectId, erasurePosition: command.erasurePosition, recordedAt: meta.now.toISOString() },
        },
      ];
    }
  }
}

function evolve(state: SnapshotState, event: SnapshotEvent): SnapshotState {
  switch (event.type) {
    case 'AnalysisSnapshotFrozen': {
      const { snapshotId, trialId, programmeId, position, commitPosition, readModels, rowCounts, contentHash, hashAlgorithm } = event.data;
      const scope: SnapshotScope = trialId !== undefined ? { kind: 'trial', trialId } : { kind: 'programme', programmeId: programmeId! };
      return {
        status: 'frozen',
        snapshotId,
        scope,
        manifest: { position, commitPosition, readModels, rowCounts, contentHash, hashAlgorithm },
        erasedSubjects: [],
      };
    }
    case 'AnalysisSnapshotErasureRecorded':
      return state.status === 'frozen' ? { ...state, erasedSubjects: [...state.erasedSubjects, event.data.subjectId] } : state;
  }
}

/** Snapshots are immutable facts: a stream takes one freeze; later only the erasures that touched its subjects. */
export const snapshotDecider: Decider<SnapshotCommand, SnapshotEvent, SnapshotState> = {
  initialState: { status: 'none' },
  foldVersion: 'snapshot/2',
  evolve,
  decide,
};
