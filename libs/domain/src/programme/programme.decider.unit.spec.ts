import { describe, expect, it } from '@jest/globals';
import { fold } from '../decider.js';
import type { DefineScreeningProgramme, ProgrammeCommand } from './programme.commands.js';
import { programmeDecider, programmeFacts } from './programme.decider.js';
import type { ProgrammeEvent } from './programme.events.js';
import { rejection } from '../testing/decider-testing.js';

const ctx = { commandId: 'c-1', actor: { id: 'u-1', role: 'programme_manager' }, now: new Date('2025-06-01T10:00:00Z') };
const run = (given: readonly ProgrammeEvent[], command: ProgrammeCommand) => programmeDecider.decide(command, fold(programmeDecider, given), ctx);

const define: DefineScreeningProgramme = {
  type: 'DefineScreeningProgramme',
  programmeId: 'bcs-nl',
  name: 'Breast cancer screening NL',
  cancerType: 'breast',
  targetPopulation: 'Women 50–75 resident in the region',
  ageRange: { min: 50, max: 75 },
  intervalMonths: 24,
  kpiTargets: [
    { kpi: 'participation_rate', scope: 'all_rounds', direction: 'at_least', acceptable: 0.7, desirable: 0.75 },
    { kpi: 'recall_rate', scope: 'first_round', direction: 'at_most', acceptable: 0.07, desirable: 0.05 },
    { kpi: 'recall_rate', scope: 'subsequent_rounds', direction: 'at_most', acceptable: 0.05, desirable: 0.03 },
  ],
};
const defined = run([], define);
const openRound: ProgrammeCommand = { type: 'OpenScreeningRound', programmeId: 'bcs-nl', roundId: 'r2025', name: 'Round 2025', opensOn: '2025-01-06' };

describe('screening programme decider', () => {
  it('defines a programme with per-KPI acceptable and desirable targets', () => {
    const { type: _type, ...fields } = define;
    expect(defined).toStrictEqual([{ type: 'ScreeningProgrammeDefined', data: { ...fields, definedAt: '2025-06-01T10:00:00.000Z' } }]);
    expect(rejection(() => run(defined, define))).toMatchObject({ code: 'PROGRAMME_ALREADY_DEFINED' });
  });

  it('rejects an inverted age range, a non-integer interval and contradictory or duplicate KPI targets', () => {
    expect(rejection(() => run([], { ...define, ageRange: { min: 75, max: 50 } }))).toMatchObject({ code: 'INVALID_AGE_RANGE', field: 'ageRange' });
    expect(rejection(() => run([], { ...define, intervalMonths: Number.NaN }))).toMatchObject({ code: 'NOT_FINITE', field: 'intervalMonths' });
    const inverted = [{ kpi: 'recall_rate', scope: 'first_round', direction: 'at_most', acceptable: 0.05, desirable: 0.07 }] as const;
    expect(rejection(() => run([], { ...define, kpiTargets: inverted }))).toMatchObject({ code: 'INCONSISTENT_KPI_TARGET', field: 'kpiTargets.0.desirable' });
    const dup = [define.kpiTargets[0]!, define.kpiTargets[0]!];
    expect(rejection(() => run([], { ...define, kpiTargets: dup }))).toMatchObject({ code: 'DUPLICATE_KPI_TARGET', field: 'kpiTargets.1.kpi' });
  });

  it('opens numbered rounds with unique ids and closes an open round once', () => {
    const opened = [...defined, ...run(defined, openRound)];
    expect(opened.at(-1)).toStrictEqual({
      type: 'ScreeningRoundOpened',
      data: { programmeId: 'bcs-nl', roundId: 'r2025', name: 'Round 2025', roundNumber: 1, opensOn: '2025-01-06' },
    });
    expect(rejection(() => run(opened, openRound))).toMatchObject({ code: 'ROUND_ALREADY_EXISTS', field: 'roundId' });
    const close: ProgrammeCommand = { type: 'CloseScreeningRound', programmeId: 'bcs-nl', roundId: 'r2025', closesOn: '2025-12-19' };
    const closed = [...opened, ...run(opened, close)];
    expect(programmeFacts(fold(programmeDecider, closed))?.rounds['r2025']).toStrictEqual({
      roundNumber: 1,
      status: 'closed',
      opensOn: '2025-01-06',
      closesOn: '2025-12-19',
    });
    expect(rejection(() => run(closed, close))).toMatchObject({ code: 'ROUND_NOT_OPEN' });
    expect(rejection(() => run(opened, { ...close, closesOn: '2024-12-31' }))).toMatchObject({ code: 'INVALID_DATE', field: 'closesOn' });
    expect(rejection(() => run(opened, { ...close, roundId: 'r1999' }))).toMatchObject({ code: 'ROUND_NOT_FOUND' });
    expect(rejection(() => run([], openRound))).toMatchObject({ code: 'PROGRAMME_NOT_FOUND' });
  });
});
