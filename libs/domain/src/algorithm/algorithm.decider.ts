import type { CommandMeta, Decider } from '../decider.js';
import { reject } from '../domain.errors.js';
import {
  InputErrors,
  MaxLength,
  optionalId,
  optionalOneOf,
  optionalText,
  requireArray,
  requireFiniteNumber,
  requireId,
  requireObject,
  requireOneOf,
  requireReason,
  requireText,
  requireUnique,
} from '../biomarker/input.guards.js';
import type { AlgorithmCommand } from './algorithm.commands.js';
import { AlgorithmErrors } from './algorithm.errors.js';
import { CE_CLASSES, REGULATORY_STATUSES, type AlgorithmEvent, type ScoreRange } from './algorithm.events.js';

export type AlgorithmStatus = 'active' | 'suspended' | 'withdrawn';

export type AlgorithmState =
  | { readonly status: 'none' }
  | {
      readonly status: AlgorithmStatus;
      readonly algorithmVersionId: string;
      readonly manufacturer: string;
      readonly name: string;
      readonly version: string;
      readonly biomarkerIds: readonly string[];
      readonly scoreRange: ScoreRange | null;
    };

export interface AlgorithmFacts {
  readonly algorithmVersionId: string;
  readonly manufacturer: string;
  readonly name: string;
  readonly version: string;
  readonly status: AlgorithmStatus;
  readonly biomarkerIds: readonly string[];
  /** The declared range of its screening score (null: none declared, so it records no AI screening readings). */
  readonly scoreRange: ScoreRange | null;
}

export function algorithmFacts(state: AlgorithmState): AlgorithmFacts | undefined {
  if (state.status === 'none') return undefined;
  const { algorithmVersionId, manufacturer, name, version, status, biomarkerIds, scoreRange } = state;
  return { algorithmVersionId, manufacturer, name, version, status, biomarkerIds, scoreRange };
}

/** Optional declared score range: both bounds finite, min < max (a one-point "range" declares nothing). */
function optionalScoreRange(value: unknown, field: string): ScoreRange | null {
  if (value === undefined || value === null) return null;
  const range = requireObject(value, field);
  const min = requireFiniteNumber(range['min'], `${field}.min`);
  const max = requireFiniteNumber(range['max'], `${field}.max`);
  if (!(min < max)) reject(AlgorithmErrors.INVALID_SCORE_RANGE, field, `The score range needs min < max (got ${min}–${max})`, { min, max });
  return { min, max };
}

export function algorithmStreamId(algorithmVersionId: string): string {
  return `algorithm-${algorithmVersionId}`;
}

export interface AlgorithmDecisionContext extends CommandMeta {
  /** Facts of `predecessorVersionId` when the command names one (fold its stream; undefined when it does not exist). */
  readonly predecessor?: AlgorithmFacts;
}

/**
 * Rejects unless the algorithm version may produce a measurement or reading now: it exists, is neither suspended
 * nor withdrawn, and (when it declares its biomarkers) produces `biomarkerId`. Used by the subject decider.
 */
export function requireUsableAlgorithm(facts: AlgorithmFacts | undefined, algorithmVersionId: string, field: string, biomarkerId?: string): AlgorithmFacts {
  if (!facts) reject(AlgorithmErrors.ALGORITHM_NOT_FOUND, field, `Algorithm version ${algorithmVersionId} is not registered`);
  if (facts.algorithmVersionId !== algorithmVersionId)
    throw new Error(`Context carries algorithm ${facts.algorithmVersionId}, command names ${algorithmVersionId}`);
  if (facts.status === 'suspended') reject(AlgorithmErrors.ALGORITHM_SUSPENDED, field, `Algorithm version ${algorithmVersionId} is suspended`);
  if (facts.status === 'withdrawn') reject(AlgorithmErrors.ALGORITHM_WITHDRAWN, field, `Algorithm version ${algorithmVersionId} is withdrawn`);
  if (biomarkerId !== undefined && facts.biomarkerIds.length > 0 && !facts.biomarkerIds.includes(biomarkerId)) {
    reject(AlgorithmErrors.ALGORITHM_DOES_NOT_PRODUCE_BIOMARKER, field, `Algorithm version ${algorithmVersionId} does not produce biomarker ${biomarkerId}`);
  }
  return facts;
}

const MAX_BIOMARKERS = 200;

function decide(command: AlgorithmCommand, state: AlgorithmState, context: AlgorithmDecisionContext): AlgorithmEvent[] {
  const at = context.now.toISOString();
  switch (command.type) {
    case 'RegisterAlgorithmVersion': {
      const algorithmVersionId = requireId(command.algorithmVersionId, 'algorithmVersionId');
      if (state.status !== 'none')
        reject(AlgorithmErrors.ALGORITHM_VERSION_ALREADY_REGISTERED, 'algorithmVersionId', `${algorithmVersionId} is already registered`);
      const manufacturer = requireText(command.manufacturer, 'manufacturer', MaxLength.name);
      const name = requireText(command.name, 'name', MaxLength.name);
      const reg = requireObject(command.regulatory, 'regulatory');
      const status = requireOneOf(reg['status'], REGULATORY_STATUSES, 'regulatory.status');
      const ceClass = optionalOneOf(reg['ceClass'], CE_CLASSES, 'regulatory.ceClass');
      if (status.startsWith('ce_marked') && ceClass === null)
        reject(AlgorithmErrors.CE_CLASS_REQUIRED, 'regulatory.ceClass', 'A CE-marked device needs its MDR class');
      const biomarkerIds = requireArray(command.biomarkerIds, 'biomarkerIds', 1, MAX_BIOMARKERS).map((b, i) => requireId(b, `biomarkerIds.${i}`));
      requireUnique(biomarkerIds, 'biomarkerIds');
      const predecessorVersionId = optionalId(command.predecessorVersionId, 'predecessorVersionId');
      const scoreRange = optionalScoreRange(command.scoreRange, 'scoreRange');
      if (predecessorVersionId !== null) {
        if (predecessorVersionId === algorithmVersionId)
          reject(AlgorithmErrors.PREDECESSOR_MISMATCH, 'predecessorVersionId', 'A version cannot be its own predecessor');
        const p = context.predecessor;
        if (!p) reject(AlgorithmErrors.PREDECESSOR_NOT_FOUND, 'predecessorVersionId', `Predecessor ${predecessorVersionId} is not registered`);
        // A lineage is one product: a different manufacturer or product name is a different device, not a new version.
        if (p.manufacturer !== manufacturer || p.name !== name) {
          reject(AlgorithmErrors.PREDECESSOR_MISMATCH, 'predecessorVersionId', `Predecessor is ${p.manufacturer} ${p.name}, not ${manufacturer} ${name}`);
        }
      }
      return [
        {
          type: 'AlgorithmVersionRegistered',
          data: {
            algorithmVersionId,
            manufacturer,
            name,
            version: requireText(command.version, 'version', MaxLength.code),
            intendedUse: requireText(command.intendedUse, 'intendedUse', MaxLength.text, { multiline: true }),
            regulatory: {
              status,
              ceClass,
              udiDi: optionalText(reg['udiDi'], 'regulatory.udiDi', MaxLength.code),
              clearanceNumber: optionalText(reg['clearanceNumber'], 'regulatory.clearanceNumber', MaxLength.code),
            },
            biomarkerIds,
            predecessorVersionId,
            scoreRange,
            registeredAt: at,
          },
        },
      ];
    }
    case 'SuspendAlgorithmVersion': {
      if (state.status === 'none') reject(AlgorithmErrors.ALGORITHM_NOT_FOUND, 'algorithmVersionId', 'No such algorithm version');
      if (state.status === 'withdrawn') reject(AlgorithmErrors.ALGORITHM_WITHDRAWN, 'algorithmVersionId', 'The version is withdrawn');
      if (state.status === 'suspended') reject(AlgorithmErrors.ALGORITHM_SUSPENDED, 'algorithmVersionId', 'The version is already suspended');
      return [
        { type: 'AlgorithmVersionSuspended', data: { algorithmVersionId: state.algorithmVersionId, reason: requireReason(command.reason), suspendedAt: at } },
      ];
    }
    case 'ReinstateAlgorithmVersion': {
      if (state.status === 'none') reject(AlgorithmErrors.ALGORITHM_NOT_FOUND, 'algorithmVersionId', 'No such algorithm version');
      if (state.status === 'withdrawn') reject(AlgorithmErrors.ALGORITHM_WITHDRAWN, 'algorithmVersionId', 'A withdrawal is final');
      if (state.status !== 'suspended') reject(AlgorithmErrors.ALGORITHM_NOT_SUSPENDED, 'algorithmVersionId', 'Only a suspended version can be reinstated');
      return [
        { type: 'AlgorithmVersionReinstated', data: { algorithmVersionId: state.algorithmVersionId, reason: requireReason(command.reason), reinstatedAt: at } },
      ];
    }
    case 'WithdrawAlgorithmVersion': {
      if (state.status === 'none') reject(AlgorithmErrors.ALGORITHM_NOT_FOUND, 'algorithmVersionId', 'No such algorithm version');
      if (state.status === 'withdrawn') reject(AlgorithmErrors.ALGORITHM_WITHDRAWN, 'algorithmVersionId', 'The version is already withdrawn');
      return [
        { type: 'AlgorithmVersionWithdrawn', data: { algorithmVersionId: state.algorithmVersionId, reason: requireReason(command.reason), withdrawnAt: at } },
      ];
    }
    default:
      return reject(InputErrors.INVALID_ENUM_VALUE, 'type', `Unknown algorithm command ${(command as { type?: unknown }).type as string}`);
  }
}

function evolve(state: AlgorithmState, event: AlgorithmEvent): AlgorithmState {
  if (event.type === 'AlgorithmVersionRegistered') {
    const { algorithmVersionId, manufacturer, name, version, biomarkerIds } = event.data;
    return { status: 'active', algorithmVersionId, manufacturer, name, version, biomarkerIds, scoreRange: event.data.scoreRange ?? null };
  }
  if (state.status === 'none') return state;
  switch (event.type) {
    case 'AlgorithmVersionSuspended':
      return { ...state, status: 'suspended' };
    case 'AlgorithmVersionReinstated':
      return { ...state, status: 'active' };
    case 'AlgorithmVersionWithdrawn':
      return { ...state, status: 'withdrawn' };
    default:
      return state;
  }
}

export const algorithmDecider: Decider<AlgorithmCommand, AlgorithmEvent, AlgorithmState, AlgorithmDecisionContext> = {
  initialState: { status: 'none' },
  evolve,
  foldVersion: 'algorithm/1',
  decide,
};
