import type { CommandMeta, Decider } from '../decider.js';
import { reject } from '../domain.errors.js';
import {
  InputErrors,
  MaxLength,
  isBeforeDay,
  parseClinicalDate,
  requireArray,
  requireFiniteNumber,
  requireId,
  requireInteger,
  requireObject,
  requireOneOf,
  requireText,
  storedDate,
} from '../biomarker/input.guards.js';
import type { ProgrammeCommand } from './programme.commands.js';
import { ProgrammeErrors } from './programme.errors.js';
import { CANCER_TYPES, KPI_DIRECTIONS, KPI_SCOPES, SCREENING_KPIS, type CancerType, type KpiTarget, type ProgrammeEvent } from './programme.events.js';

export interface RoundInfo {
  readonly roundNumber: number;
  readonly status: 'open' | 'closed';
  readonly opensOn: string;
  readonly closesOn: string | null;
}

export type ProgrammeState =
  | { readonly status: 'none' }
  | {
      readonly status: 'defined';
      readonly programmeId: string;
      readonly cancerType: CancerType;
      readonly ageRange: { readonly min: number; readonly max: number };
      readonly rounds: Readonly<Record<string, RoundInfo>>;
    };

export type ProgrammeDecisionContext = CommandMeta;

/** What invitation and screening decisions need to know about the programme; derive with `programmeFacts(state)`. */
export interface ProgrammeFacts {
  readonly programmeId: string;
  readonly cancerType: CancerType;
  readonly rounds: Readonly<Record<string, RoundInfo>>;
}

export function programmeFacts(state: ProgrammeState): ProgrammeFacts | undefined {
  if (state.status === 'none') return undefined;
  return { programmeId: state.programmeId, cancerType: state.cancerType, rounds: state.rounds };
}

export function programmeStreamId(programmeId: string): string {
  return `programme-${programmeId}`;
}

function parseKpiTargets(input: unknown): KpiTarget[] {
  const list = requireArray(input, 'kpiTargets', 0, 50);
  const seen = new Set<string>();
  return list.map((item, i) => {
    const f = `kpiTargets.${i}`;
    const t = requireObject(item, f);
    const kpi = requireOneOf(t['kpi'], SCREENING_KPIS, `${f}.kpi`);
    const scope = requireOneOf(t['scope'], KPI_SCOPES, `${f}.scope`);
    if (seen.has(`${kpi}/${scope}`)) reject(ProgrammeErrors.DUPLICATE_KPI_TARGET, `${f}.kpi`, `${kpi} (${scope}) has two targets`);
    seen.add(`${kpi}/${scope}`);
    const direction = requireOneOf(t['direction'], KPI_DIRECTIONS, `${f}.direction`);
    const acceptable = requireFiniteNumber(t['acceptable'], `${f}.acceptable`);
    const desirable = requireFiniteNumber(t['desirable'], `${f}.desirable`);
    if (acceptable < 0 || desirable < 0) reject(InputErrors.OUT_OF_RANGE, `${f}.acceptable`, 'KPI targets are not negative');
    // The desirable level is the stricter one: above the acceptable for "at least", below it for "at most".
    if (direction === 'at_least' ? desirable < acceptable : desirable > acceptable) {
      reject(
        ProgrammeErrors.INCONSISTENT_KPI_TARGET,
        `${f}.desirable`,
        `For ${direction} targets the desirable level must be ${direction === 'at_least' ? '≥' : '≤'} the acceptable one`,
      );
    }
    return { kpi, scope, direction, acceptable, desirable };
  });
}

function decide(command: ProgrammeCommand, state: ProgrammeState, context: ProgrammeDecisionContext): ProgrammeEvent[] {
  if (command.type === 'DefineScreeningProgramme') {
    const programmeId = requireId(command.programmeId, 'programmeId');
    if (state.status !== 'none') reject(ProgrammeErrors.PROGRAMME_ALREADY_DEFINED, 'programmeId', `Programme ${programmeId} is already defined`);
    const range = requireObject(command.ageRange, 'ageRange');
    const min = requireInteger(range['min'], 'ageRange.min', 0, 120);
    const max = requireInteger(range['max'], 'ageRange.max', 0, 120);
    if (min > max) reject(ProgrammeErrors.INVALID_AGE_RANGE, 'ageRange', 'The age range needs min ≤ max');
    return [
      {
        type: 'ScreeningProgrammeDefined',
        data: {
          programmeId,
          name: requireText(command.name, 'name', MaxLength.name),
          cancerType: requireOneOf(command.cancerType, CANCER_TYPES, 'cancerType'),
          targetPopulation: requireText(command.targetPopulation, 'targetPopulation', 500),
          ageRange: { min, max },
          intervalMonths: requireInteger(command.intervalMonths, 'intervalMonths', 1, 240),
          kpiTargets: parseKpiTargets(command.kpiTargets),
          definedAt: context.now.toISOString(),
        },
      },
    ];
  }
  if (state.status === 'none') reject(ProgrammeErrors.PROGRAMME_NOT_FOUND, 'programmeId', 'No such screening programme');
  const programmeId = state.programmeId;
  switch (command.type) {
    case 'OpenScreeningRound': {
      const roundId = requireId(command.roundId, 'roundId');
      if (Object.hasOwn(state.rounds, roundId)) reject(ProgrammeErrors.ROUND_ALREADY_EXISTS, 'roundId', `Round ${roundId} already exists`);
      const opensOn = parseClinicalDate(command.opensOn, 'opensOn');
      return [
        {
          type: 'ScreeningRoundOpened',
          data: {
            programmeId,
            roundId,
            name: requireText(command.name, 'name', MaxLength.name),
            roundNumber: Object.keys(state.rounds).length + 1,
            opensOn: opensOn.iso,
          },
        },
      ];
    }
    case 'CloseScreeningRound': {
      const roundId = requireId(command.roundId, 'roundId');
      const round = Object.hasOwn(state.rounds, roundId) ? state.rounds[roundId] : undefined;
      if (!round) reject(ProgrammeErrors.ROUND_NOT_FOUND, 'roundId', `No round ${roundId}`);
      if (round.status !== 'open') reject(ProgrammeErrors.ROUND_NOT_OPEN, 'roundId', `Round ${roundId} is already closed`);
      const closesOn = parseClinicalDate(command.closesOn, 'closesOn');
      if (isBeforeDay(closesOn, storedDate(round.opensOn))) reject(InputErrors.INVALID_DATE, 'closesOn', 'A round cannot close before it opens');
      return [{ type: 'ScreeningRoundClosed', data: { programmeId, roundId, closesOn: closesOn.iso } }];
    }
    default:
      return reject(InputErrors.INVALID_ENUM_VALUE, 'type', `Unknown programme command ${(command as { type?: unknown }).type as string}`);
  }
}

function evolve(state: ProgrammeState, event: ProgrammeEvent): ProgrammeState {
  if (event.type === 'ScreeningProgrammeDefined') {
    const { programmeId, cancerType, ageRange } = event.data;
    return { status: 'defined', programmeId, cancerType, ageRange, rounds: {} };
  }
  if (state.status === 'none') return state;
  switch (event.type) {
    case 'ScreeningRoundOpened':
      return {
        ...state,
        rounds: { ...state.rounds, [event.data.roundId]: { roundNumber: event.data.roundNumber, status: 'open', opensOn: event.data.opensOn, closesOn: null } },
      };
    case 'ScreeningRoundClosed': {
      const round = state.rounds[event.data.roundId];
      if (!round) return state;
      return { ...state, rounds: { ...state.rounds, [event.data.roundId]: { ...round, status: 'closed', closesOn: event.data.closesOn } } };
    }
    default:
      return state;
  }
}

export const programmeDecider: Decider<ProgrammeCommand, ProgrammeEvent, ProgrammeState, ProgrammeDecisionContext> = {
  initialState: { status: 'none' },
  evolve,
  foldVersion: 'programme/1',
  decide,
};
