import { describe, expect, it } from '@jest/globals';
import { fold } from '../decider.js';
import type { AlgorithmCommand, RegisterAlgorithmVersion } from './algorithm.commands.js';
import { algorithmDecider, algorithmFacts, requireUsableAlgorithm, type AlgorithmDecisionContext } from './algorithm.decider.js';
import type { AlgorithmEvent } from './algorithm.events.js';
import { rejection } from '../testing/decider-testing.js';

const ctx: AlgorithmDecisionContext = { commandId: 'c-1', actor: { id: 'u-1', role: 'admin' }, now: new Date('2025-06-01T10:00:00Z') };
const run = (given: readonly AlgorithmEvent[], command: AlgorithmCommand, context = ctx) =>
  algorithmDecider.decide(command, fold(algorithmDecider, given), context);

const register: RegisterAlgorithmVersion = {
  type: 'RegisterAlgorithmVersion',
  algorithmVersionId: 'lungai-2.1.0',
  manufacturer: 'Acme Imaging',
  name: 'LungAI',
  version: '2.1.0',
  intendedUse: 'Detection and volumetry of pulmonary nodules on low-dose CT',
  regulatory: { status: 'ce_marked', ceClass: 'IIb', udiDi: '08712345678906' },
  biomarkerIds: ['nodule-volume', 'malignancy-score'],
  predecessorVersionId: null,
};
const registered = run([], register);
const suspend = { type: 'SuspendAlgorithmVersion', algorithmVersionId: 'lungai-2.1.0', reason: 'Drift alarm at site 3' } as const;

describe('algorithm decider', () => {
  it('registers a version with nulls for absent regulatory fields', () => {
    expect(registered).toStrictEqual([
      {
        type: 'AlgorithmVersionRegistered',
        data: {
          algorithmVersionId: 'lungai-2.1.0',
          manufacturer: 'Acme Imaging',
          name: 'LungAI',
          version: '2.1.0',
          intendedUse: 'Detection and volumetry of pulmonary nodules on low-dose CT',
          regulatory: { status: 'ce_marked', ceClass: 'IIb', udiDi: '08712345678906', clearanceNumber: null },
          biomarkerIds: ['nodule-volume', 'malignancy-score'],
          predecessorVersionId: null,
          scoreRange: null,
          registeredAt: '2025-06-01T10:00:00.000Z',
        },
      },
    ]);
  });

  it('rejects a duplicate registration, a CE mark without class and a duplicate biomarker', () => {
    expect(rejection(() => run(registered, register))).toMatchObject({ code: 'ALGORITHM_VERSION_ALREADY_REGISTERED' });
    expect(rejection(() => run([], { ...register, regulatory: { status: 'ce_marked' } }))).toMatchObject({
      code: 'CE_CLASS_REQUIRED',
      field: 'regulatory.ceClass',
    });
    expect(rejection(() => run([], { ...register, biomarkerIds: ['a', 'a'] }))).toMatchObject({ code: 'DUPLICATE_VALUE', field: 'biomarkerIds.1' });
  });

  it('given a declared score range, then it is stored in the event and carried in the facts the subject decider uses', () => {
    const withRange = run([], { ...register, scoreRange: { min: 0, max: 100 } });
    expect(withRange).toMatchObject([{ data: { scoreRange: { min: 0, max: 100 } } }]);
    expect(algorithmFacts(fold(algorithmDecider, withRange))).toMatchObject({ scoreRange: { min: 0, max: 100 } });
    expect(algorithmFacts(fold(algorithmDecider, registered))).toMatchObject({ scoreRange: null });
  });

  it('reads a registration recorded before score ranges existed as declaring none', () => {
    const { scoreRange: _dropped, ...legacyData } = registered[0]!.data as Extract<AlgorithmEvent, { type: 'AlgorithmVersionRegistered' }>['data'];
    expect(algorithmFacts(fold(algorithmDecider, [{ type: 'AlgorithmVersionRegistered', data: legacyData }]))).toMatchObject({ scoreRange: null });
  });

  it.each([
    [{ min: 1, max: 1 }, 'INVALID_SCORE_RANGE', 'scoreRange'],
    [{ min: 10, max: 1 }, 'INVALID_SCORE_RANGE', 'scoreRange'],
    [{ min: Number.NaN, max: 1 }, 'NOT_FINITE', 'scoreRange.min'],
    [{ min: 0, max: Number.POSITIVE_INFINITY }, 'NOT_FINITE', 'scoreRange.max'],
    [{ min: 0 }, 'FIELD_REQUIRED', 'scoreRange.max'],
    [{ min: '0', max: 1 }, 'INVALID_TYPE', 'scoreRange.min'],
    [[0, 1], 'INVALID_TYPE', 'scoreRange'],
  ])('refuses the score range %j', (scoreRange, code, field) => {
    expect(rejection(() => run([], { ...register, scoreRange } as unknown as RegisterAlgorithmVersion))).toMatchObject({ code, field });
  });

  it('requires the predecessor to exist and to be the same product', () => {
    const next = { ...register, algorithmVersionId: 'lungai-2.2.0', version: '2.2.0', predecessorVersionId: 'lungai-2.1.0' };
    expect(rejection(() => run([], next))).toMatchObject({ code: 'PREDECESSOR_NOT_FOUND', field: 'predecessorVersionId' });
    const predecessor = algorithmFacts(fold(algorithmDecider, registered))!;
    expect(run([], next, { ...ctx, predecessor })).toMatchObject([{ data: { predecessorVersionId: 'lungai-2.1.0' } }]);
    expect(rejection(() => run([], { ...next, name: 'OtherAI' }, { ...ctx, predecessor }))).toMatchObject({ code: 'PREDECESSOR_MISMATCH' });
  });

  it('suspends, reinstates and withdraws with reasons; withdrawal is final', () => {
    const suspended = run(registered, suspend);
    expect(suspended).toMatchObject([{ type: 'AlgorithmVersionSuspended', data: { reason: 'Drift alarm at site 3' } }]);
    expect(rejection(() => run([...registered, ...suspended], suspend))).toMatchObject({ code: 'ALGORITHM_SUSPENDED' });
    const reinstated = run([...registered, ...suspended], {
      type: 'ReinstateAlgorithmVersion',
      algorithmVersionId: 'lungai-2.1.0',
      reason: 'Root cause fixed',
    });
    expect(algorithmFacts(fold(algorithmDecider, [...registered, ...suspended, ...reinstated]))?.status).toBe('active');
    const withdrawn = run(registered, { type: 'WithdrawAlgorithmVersion', algorithmVersionId: 'lungai-2.1.0', reason: 'Field safety notice' });
    const history = [...registered, ...withdrawn];
    expect(rejection(() => run(history, { type: 'ReinstateAlgorithmVersion', algorithmVersionId: 'lungai-2.1.0', reason: 'x' }))).toMatchObject({
      code: 'ALGORITHM_WITHDRAWN',
    });
    expect(rejection(() => run(history, suspend))).toMatchObject({ code: 'ALGORITHM_WITHDRAWN' });
  });

  it('rejects state changes without a reason and reinstating an active version', () => {
    expect(rejection(() => run(registered, { ...suspend, reason: ' ' }))).toMatchObject({ code: 'REASON_REQUIRED', field: 'reason' });
    expect(rejection(() => run(registered, { type: 'ReinstateAlgorithmVersion', algorithmVersionId: 'lungai-2.1.0', reason: 'x' }))).toMatchObject({
      code: 'ALGORITHM_NOT_SUSPENDED',
    });
    expect(rejection(() => run([], suspend))).toMatchObject({ code: 'ALGORITHM_NOT_FOUND' });
  });

  it('tells measurement decisions whether a version may be used', () => {
    const active = algorithmFacts(fold(algorithmDecider, registered));
    expect(requireUsableAlgorithm(active, 'lungai-2.1.0', 'method.algorithmVersionId', 'nodule-volume').status).toBe('active');
    expect(rejection(() => requireUsableAlgorithm(active, 'lungai-2.1.0', 'f', 'sma-l3'))).toMatchObject({ code: 'ALGORITHM_DOES_NOT_PRODUCE_BIOMARKER' });
    expect(rejection(() => requireUsableAlgorithm(undefined, 'x', 'f'))).toMatchObject({ code: 'ALGORITHM_NOT_FOUND', field: 'f' });
  });
});
