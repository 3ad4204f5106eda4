import { describe, expect, it } from '@jest/globals';
import { fold } from '../decider.js';
import type { FreezeAnalysisSnapshot, SnapshotCommand } from './snapshot.commands.js';
import { snapshotDecider, snapshotStreamId } from './snapshot.decider.js';
import type { SnapshotEvent } from './snapshot.events.js';
import { rejection } from '../testing/decider-testing.js';

const ctx = { commandId: 'c-1', actor: { id: 'u-1', role: 'biostatistician' }, now: new Date('2026-12-01T10:00:00Z') };
const run = (given: readonly SnapshotEvent[], command: SnapshotCommand) => snapshotDecider.decide(command, fold(snapshotDecider, given), ctx);
const HASH = 'a'.repeat(64);
const freeze: FreezeAnalysisSnapshot = {
  type: 'FreezeAnalysisSnapshot',
  snapshotId: 'snap-1',
  scope: { kind: 'trial', trialId: 'T1' },
  purpose: 'Primary analysis, SAP v2.1',
  reason: 'Database lock',
  asOf: null,
  manifest: {
    position: '42',
    commitPosition: '1007',
    readModels: [{ name: 'subjects', version: 1 }],
    rowCounts: [
      { table: 'measurements', rows: 3, hash: 'b'.repeat(64) },
      { table: 'trials', rows: 1, hash: 'c'.repeat(64) },
    ],
    contentHash: HASH,
    hashAlgorithm: 'sha256/analysis-snapshot-v1',
  },
};

describe('snapshot decider', () => {
  it('freezes once: one AnalysisSnapshotFrozen naming its trial at the top level (audit membership) with the manifest', () => {
    const [event, ...rest] = run([], freeze);
    expect(rest).toEqual([]);
    expect(event).toEqual({
      type: 'AnalysisSnapshotFrozen',
      data: {
        snapshotId: 'snap-1',
        trialId: 'T1',
        purpose: 'Primary analysis, SAP v2.1',
        reason: 'Database lock',
        asOf: null,
        frozenAt: '2026-12-01T10:00:00.000Z',
        ...freeze.manifest,
      },
    });
    expect(snapshotStreamId('snap-1')).toBe('snapshot-snap-1');
  });

  it('names a programme scope as programmeId', () => {
    const [event] = run([], { ...freeze, scope: { kind: 'programme', programmeId: 'P1' } });
    expect(event!.data.programmeId).toBe('P1');
    expect(event!.data.trialId).toBeUndefined();
  });

  it('refuses a second freeze of the same snapshot: snapshots are immutable', () => {
    const given = run([], freeze);
    expect(rejection(() => run(given, freeze))).toMatchObject({ code: 'SNAPSHOT_ALREADY_FROZEN', field: 'snapshotId' });
    expect(fold(snapshotDecider, given)).toMatchObject({ status: 'frozen', scope: { kind: 'trial', trialId: 'T1' }, manifest: freeze.manifest });
  });

  it('refuses a missing purpose or reason, and a malformed manifest', () => {
    expect(rejection(() => run([], { ...freeze, purpose: ' ' }))).toMatchObject({ field: 'purpose' });
    expect(rejection(() => run([], { ...freeze, reason: '' }))).toMatchObject({ field: 'reason' });
    expect(rejection(() => run([], { ...freeze, manifest: { ...freeze.manifest, contentHash: 'xyz' } }))).toMatchObject({ field: 'manifest.contentHash' });
    expect(rejection(() => run([], { ...freeze, manifest: { ...freeze.manifest, position: '-1' } }))).toMatchObject({ field: 'position' });
    const unordered = [...freeze.manifest.rowCounts].reverse();
    expect(rejection(() => run([], { ...freeze, manifest: { ...freeze.manifest, rowCounts: unordered } }))).toMatchObject({ field: 'manifest.rowCounts' });
  });

  it('records an erasure of one of its subjects after the cut once, naming the scope at the top level; none before a freeze', () => {
    const frozen = run([], freeze);
    const erase = { type: 'RecordSnapshotErasure', snapshotId: 'snap-1', subjectId: 'S-7', erasurePosition: '99' } as const;
    const recorded = run(frozen, erase);
    expect(recorded).toEqual([
      {
        type: 'AnalysisSnapshotErasureRecorded',
        data: { snapshotId: 'snap-1', trialId: 'T1', subjectId: 'S-7', erasurePosition: '99', recordedAt: '2026-12-01T10:00:00.000Z' },
      },
    ]);
    expect(run([...frozen, ...recorded], erase)).toEqual([]);
    expect(fold(snapshotDecider, [...frozen, ...recorded])).toMatchObject({ status: 'frozen', manifest: freeze.manifest, erasedSubjects: ['S-7'] });
    expect(rejection(() => run([], erase))).toMatchObject({ code: 'SNAPSHOT_NOT_FOUND', field: 'snapshotId' });
    expect(rejection(() => run(frozen, { ...erase, erasurePosition: 'x' }))).toMatchObject({ field: 'erasurePosition' });
  });
});
