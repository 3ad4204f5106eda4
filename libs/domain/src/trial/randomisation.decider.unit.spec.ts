import { describe, expect, it } from '@jest/globals';
import { fold } from '../decider.js';
import { allocate, type AllocationScheme } from './randomisation.js';
import { randomisationDecider, type RandomisationCommand, type RandomisationEvent } from './randomisation.decider.js';

const draw = (label: string) => {
  let h = 2166136261;
  for (let i = 0; i < label.length; i++) h = Math.imul(h ^ label.charCodeAt(i), 16777619);
  return (h >>> 0) / 2 ** 32;
};
const ctx = {
  commandId: 'c',
  actor: { id: 'u', role: 'coordinator' },
  now: new Date('2026-01-01T00:00:00Z'),
  armCodes: ['A', 'B'],
  subjectEligible: true,
  draw,
};
const scheme: AllocationScheme = {
  kind: 'permuted_blocks',
  arms: [
    { armCode: 'A', ratio: 2 },
    { armCode: 'B', ratio: 1 },
  ],
  blockMultiples: [1, 2],
  stratifyBy: ['site'],
};
const run = (given: readonly RandomisationEvent[], command: RandomisationCommand, c = ctx) =>
  randomisationDecider.decide(command, fold(randomisationDecider, given), c);
const defined: RandomisationEvent = { type: 'AllocationSchemeDefined', data: { trialId: 'T', scheme } };

describe('randomisation decider', () => {
  it('given a scheme, when a subject is allocated, then SubjectAllocated carries the arm the scheme gives for slot 1', () => {
    const events = run([defined], { type: 'AllocateSubject', trialId: 'T', subjectId: 'S1', factors: { site: 'L' } });
    expect(events).toEqual([{ type: 'SubjectAllocated', data: { trialId: 'T', ...allocate(scheme, [], 'S1', { site: 'L' }, draw) } }]);
    expect(events[0]!.data).toMatchObject({ sequenceNumber: 1, stratum: 'site=L' });
  });

  it('given an allocated subject, allocating it again appends nothing (a retried request gets its first arm)', () => {
    const first = run([defined], { type: 'AllocateSubject', trialId: 'T', subjectId: 'S1', factors: { site: 'L' } });
    expect(run([defined, ...first], { type: 'AllocateSubject', trialId: 'T', subjectId: 'S1', factors: { site: 'L' } })).toEqual([]);
  });

  it('each allocation takes the next slot: replaying the events reproduces every arm from the same draws', () => {
    let events: RandomisationEvent[] = [defined];
    for (let i = 0; i < 30; i++)
      events = [...events, ...run(events, { type: 'AllocateSubject', trialId: 'T', subjectId: `S${i}`, factors: { site: i % 2 ? 'L' : 'M' } })];
    const state = fold(randomisationDecider, events);
    expect(state.allocations.map((a) => a.sequenceNumber)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    const replay = state.allocations.reduce<ReturnType<typeof allocate>[]>((h, a) => [...h, allocate(scheme, h, a.subjectId, a.factors, draw)], []);
    expect(replay.map((a) => a.armCode)).toEqual(state.allocations.map((a) => a.armCode));
  });

  it('refuses a second scheme, an allocation without a scheme, and a subject that is not eligible', () => {
    expect(() => run([defined], { type: 'DefineAllocationScheme', trialId: 'T', scheme })).toThrow(expect.objectContaining({ code: 'SCHEME_ALREADY_DEFINED' }));
    expect(() => run([], { type: 'AllocateSubject', trialId: 'T', subjectId: 'S1', factors: {} })).toThrow(
      expect.objectContaining({ code: 'NO_ALLOCATION_SCHEME' }),
    );
    expect(() =>
      run([defined], { type: 'AllocateSubject', trialId: 'T', subjectId: 'S1', factors: { site: 'L' } }, { ...ctx, subjectEligible: false }),
    ).toThrow(expect.objectContaining({ code: 'SUBJECT_NOT_ELIGIBLE', field: 'subjectId' }));
    expect(() =>
      run([], {
        type: 'DefineAllocationScheme',
        trialId: 'T',
        scheme: {
          ...scheme,
          arms: [
            { armCode: 'A', ratio: 1 },
            { armCode: 'Z', ratio: 1 },
          ],
        },
      }),
    ).toThrow(expect.objectContaining({ code: 'ARM_NOT_FOUND' }));
  });
});
