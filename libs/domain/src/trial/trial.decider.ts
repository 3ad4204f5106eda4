import type { CommandMeta, Decider } from '../decider.js';
import { reject } from '../domain.errors.js';
import {
  InputErrors,
  MaxLength,
  optionalId,
  optionalText,
  parseClinicalDate,
  requireArray,
  requireId,
  requireInteger,
  requireNotInFuture,
  requireObject,
  requireOneOf,
  requireReason,
  requireText,
} from '../biomarker/input.guards.js';
import type { TrialCommand } from './trial.commands.js';
import { TrialErrors } from './trial.errors.js';
import {
  ARM_TYPES,
  TRIAL_IDENTIFIER_SYSTEMS,
  TRIAL_PHASES,
  UNBLINDING_SCOPES,
  type ArmType,
  type TimePoint,
  type TrialEvent,
  type TrialIdentifier,
  type TrialIdentifierSystem,
} from './trial.events.js';

export type EnrolmentStatus = 'not_opened' | 'open' | 'closed';

export type TrialState =
  | { readonly status: 'none' }
  | {
      readonly status: 'registered';
      readonly trialId: string;
      readonly identifiers: readonly TrialIdentifier[];
      readonly locked: boolean;
      readonly enrolment: EnrolmentStatus;
      readonly arms: Readonly<Record<string, ArmType>>;
      readonly sites: Readonly<Record<string, 'active' | 'closed'>>;
      readonly scheduleVersion: number;
      readonly timePoints: readonly TimePoint[] | null;
      readonly unblinded: boolean;
    };

export type TrialDecisionContext = CommandMeta;

/** What subject decisions need to know about their trial; derive with `trialFacts(state)`. */
export interface TrialFacts {
  readonly trialId: string;
  readonly locked: boolean;
  readonly enrolmentOpen: boolean;
  readonly activeSiteIds: readonly string[];
  readonly armCodes: readonly string[];
  /** null while no visit schedule is defined (then any time point code is accepted). */
  readonly timePointCodes: readonly string[] | null;
}

export function trialFacts(state: TrialState): TrialFacts | undefined {
  if (state.status === 'none') return undefined;
  return {
    trialId: state.trialId,
    locked: state.locked,
    enrolmentOpen: state.enrolment === 'open',
    activeSiteIds: Object.keys(state.sites).filter((s) => state.sites[s] === 'active'),
    armCodes: Object.keys(state.arms),
    timePointCodes: state.timePoints ? state.timePoints.map((t) => t.code) : null,
  };
}

export function trialStreamId(trialId: string): string {
  return `trial-${trialId}`;
}

/** Rejects TRIAL_NOT_FOUND / TRIAL_LOCKED: the guard every clinical write of a trial subject passes first. */
export function requireWritableTrial(facts: TrialFacts | undefined, trialId: string, field = 'trialId'): TrialFacts {
  if (!facts) reject(TrialErrors.TRIAL_NOT_FOUND, field, `Trial ${trialId} is not registered`);
  if (facts.trialId !== trialId) throw new Error(`Context carries trial ${facts.trialId}, the subject belongs to ${trialId}`);
  if (facts.locked) reject(TrialErrors.TRIAL_LOCKED, field, `Trial ${trialId} is locked; unlock it (with a reason) before writing`);
  return facts;
}

/** Time point codes that are always accepted, whatever the schedule says. */
export const UNSCHEDULED_TIME_POINT = 'UNSCHEDULED';

// Registry identifier formats: ClinicalTrials.gov, EU CTR (CTIS), EudraCT, ISRCTN.
const IDENTIFIER_PATTERNS: Record<TrialIdentifierSystem, RegExp> = {
  NCT: /^NCT\d{8}$/,
  EU_CT: /^\d{4}-\d{6}-\d{2}-\d{2}$/,
  EUDRACT: /^\d{4}-\d{6}-\d{2}$/,
  ISRCTN: /^ISRCTN\d{8}$/,
  // No "/" or spaces: the value becomes part of a stream name (see trialIdentifierStreamId).
  OTHER: /^[A-Z0-9][A-Z0-9._-]{1,63}$/,
};

function normaliseIdentifierValue(value: string): string {
  return value.replace(/\s+/g, '').toUpperCase();
}

function detectSystem(value: string): TrialIdentifierSystem {
  for (const system of ['NCT', 'EU_CT', 'EUDRACT', 'ISRCTN'] as const) if (IDENTIFIER_PATTERNS[system].test(value)) return system;
  return 'OTHER';
}

/** Validates and normalises one registry identifier (`nct 0123 4567` → `NCT01234567`). */
export function normaliseTrialIdentifier(input: { system?: unknown; value: unknown } | string, field = 'identifier'): TrialIdentifier {
  const raw = typeof input === 'string' ? input : input.value;
  const value = normaliseIdentifierValue(requireText(raw, `${field}.value`, MaxLength.code));
  const system =
    typeof input === 'string' || input.system === undefined ? detectSystem(value) : requireOneOf(input.system, TRIAL_IDENTIFIER_SYSTEMS, `${field}.system`);
  if (!IDENTIFIER_PATTERNS[system].test(value)) reject(TrialErrors.INVALID_TRIAL_IDENTIFIER, `${field}.value`, `${value} is not a valid ${system} identifier`);
  return { system, value };
}

/**
 * The reservation stream of a trial identifier: the handler appends to it with `no_stream` when registering a
 * trial, so a second trial with the same identifier fails (DUPLICATE_TRIAL_IDENTIFIER).
 */
export function trialIdentifierStreamId(identifier: string | { system?: TrialIdentifierSystem; value: string }): string {
  const { system, value } = normaliseTrialIdentifier(identifier);
  return `trialidentifier-${system}.${value}`;
}

const ARM_CODE = /^[A-Za-z0-9_]{1,20}$/;
const TIME_POINT_CODE = /^[A-Za-z0-9_-]{1,32}$/;
const MAX_TIME_POINTS = 200;

function parseTimePoints(input: unknown): TimePoint[] {
  const list = requireArray(input, 'timePoints', 1, MAX_TIME_POINTS);
  const seen = new Set<string>();
  return list.map((item, i) => {
    const f = `timePoints.${i}`;
    const tp = requireObject(item, f);
    const code = requireText(tp['code'], `${f}.code`, 32);
    if (!TIME_POINT_CODE.test(code)) reject(TrialErrors.INVALID_TIME_POINT_CODE, `${f}.code`, 'A time point code is letters, digits, _ and -');
    if (seen.has(code)) reject(TrialErrors.DUPLICATE_TIME_POINT, `${f}.code`, `Time point ${code} appears twice`);
    seen.add(code);
    return {
      code,
      label: requireText(tp['label'], `${f}.label`, MaxLength.name),
      targetDay: requireInteger(tp['targetDay'], `${f}.targetDay`, -3650, 36500),
      windowBeforeDays: requireInteger(tp['windowBeforeDays'], `${f}.windowBeforeDays`, 0, 3650),
      windowAfterDays: requireInteger(tp['windowAfterDays'], `${f}.windowAfterDays`, 0, 3650),
    };
  });
}

function decide(command: TrialCommand, state: TrialState, context: TrialDecisionContext): TrialEvent[] {
  const at = context.now.toISOString();
  if (command.type === 'RegisterTrial') {
    const trialId = requireId(command.trialId, 'trialId');
    if (state.status !== 'none') reject(TrialErrors.TRIAL_ALREADY_REGISTERED, 'trialId', `Trial ${trialId} is already registered`);
    const identifiers = requireArray(command.identifiers, 'identifiers', 1, 10).map((item, i) =>
      normaliseTrialIdentifier(requireObject(item, `identifiers.${i}`) as { system?: unknown; value: unknown }, `identifiers.${i}`),
    );
    identifiers.forEach((id, i) => {
      if (identifiers.findIndex((o) => o.system === id.system && o.value === id.value) !== i) {
        reject(TrialErrors.DUPLICATE_TRIAL_IDENTIFIER, `identifiers.${i}`, `${id.system} ${id.value} is listed twice`);
      }
    });
    return [
      {
        type: 'TrialRegistered',
        data: {
          trialId,
          identifiers,
          title: requireText(command.title, 'title', 500),
          phase: requireOneOf(command.phase, TRIAL_PHASES, 'phase'),
          sponsor: requireText(command.sponsor, 'sponsor', MaxLength.name),
          primaryEndpoint: requireText(command.primaryEndpoint, 'primaryEndpoint', 500),
          registeredAt: at,
        },
      },
    ];
  }

  if (state.status === 'none') reject(TrialErrors.TRIAL_NOT_FOUND, 'trialId', 'No such trial');
  const trialId = state.trialId;
  // After database lock the trial's record is frozen; only an unlock (with a reason) reopens it.
  if (state.locked && command.type !== 'UnlockTrial') reject(TrialErrors.TRIAL_LOCKED, 'trialId', `Trial ${trialId} is locked`);

  switch (command.type) {
    case 'AddTrialArm': {
      const armCode = requireText(command.armCode, 'armCode', 20);
      if (!ARM_CODE.test(armCode)) reject(TrialErrors.INVALID_ARM_CODE, 'armCode', 'An arm code is letters, digits and _ (at most 20)');
      if (Object.hasOwn(state.arms, armCode)) reject(TrialErrors.DUPLICATE_ARM_CODE, 'armCode', `Arm ${armCode} already exists`);
      return [
        {
          type: 'TrialArmAdded',
          data: {
            trialId,
            armCode,
            name: requireText(command.name, 'name', MaxLength.name),
            armType: requireOneOf(command.armType, ARM_TYPES, 'armType'),
            plannedSize: requireInteger(command.plannedSize, 'plannedSize', 1, 1_000_000),
          },
        },
      ];
    }
    case 'ActivateTrialSite': {
      const siteId = requireId(command.siteId, 'siteId');
      if (state.sites[siteId] === 'active') reject(TrialErrors.SITE_ALREADY_ACTIVE, 'siteId', `Site ${siteId} is already active`);
      return [
        {
          type: 'TrialSiteActivated',
          data: {
            trialId,
            siteId,
            name: requireText(command.name, 'name', MaxLength.name),
            country: optionalText(command.country, 'country', 64),
            activatedAt: at,
          },
        },
      ];
    }
    case 'CloseTrialSite': {
      const siteId = requireId(command.siteId, 'siteId');
      if (state.sites[siteId] !== 'active') reject(TrialErrors.SITE_NOT_ACTIVE, 'siteId', `Site ${siteId} is not active`);
      return [
        {
          type: 'TrialSiteClosed',
          data: { trialId, siteId, reason: optionalText(command.reason, 'reason', MaxLength.reason, { multiline: true }), closedAt: at },
        },
      ];
    }
    case 'DefineVisitSchedule': {
      const timePoints = parseTimePoints(command.timePoints);
      // Replacing a schedule changes how every later visit is interpreted: say why.
      const reason = state.timePoints ? requireReason(command.reason) : optionalText(command.reason, 'reason', MaxLength.reason, { multiline: true });
      return [{ type: 'VisitScheduleDefined', data: { trialId, scheduleVersion: state.scheduleVersion + 1, timePoints, reason } }];
    }
    case 'OpenEnrolment': {
      if (state.enrolment === 'open') reject(TrialErrors.ENROLMENT_ALREADY_OPEN, 'trialId', 'Enrolment is already open');
      if (Object.keys(state.arms).length === 0) reject(TrialErrors.TRIAL_HAS_NO_ARMS, 'trialId', 'Add at least one arm before opening enrolment');
      if (!Object.values(state.sites).includes('active')) reject(TrialErrors.NO_ACTIVE_SITE, 'trialId', 'Activate at least one site before opening enrolment');
      return [{ type: 'EnrolmentOpened', data: { trialId, openedAt: at } }];
    }
    case 'CloseEnrolment': {
      if (state.enrolment !== 'open') reject(TrialErrors.ENROLMENT_NOT_OPEN, 'trialId', 'Enrolment is not open');
      return [
        { type: 'EnrolmentClosed', data: { trialId, closedAt: at, reason: optionalText(command.reason, 'reason', MaxLength.reason, { multiline: true }) } },
      ];
    }
    case 'RecordUnblinding': {
      const scope = requireOneOf(command.scope, UNBLINDING_SCOPES, 'scope');
      const subjectId = optionalId(command.subjectId, 'subjectId');
      if (scope === 'subject' && subjectId === null)
        reject(TrialErrors.SUBJECT_REQUIRED_FOR_SUBJECT_UNBLINDING, 'subjectId', 'Name the subject being unblinded');
      if (scope === 'trial' && state.unblinded) reject(TrialErrors.TRIAL_ALREADY_UNBLINDED, 'scope', 'The trial is already unblinded');
      const reason = requireReason(command.reason);
      const occurredAt = requireNotInFuture(parseClinicalDate(command.occurredAt, 'occurredAt', { allowDateTime: true }), context.now, 'occurredAt');
      return [{ type: 'UnblindingRecorded', data: { trialId, scope, subjectId: scope === 'trial' ? null : subjectId, reason, occurredAt: occurredAt.iso } }];
    }
    case 'LockTrial':
      return [{ type: 'TrialLocked', data: { trialId, reason: requireReason(command.reason), lockedAt: at } }];
    case 'UnlockTrial': {
      if (!state.locked) reject(TrialErrors.TRIAL_NOT_LOCKED, 'trialId', 'The trial is not locked');
      return [{ type: 'TrialUnlocked', data: { trialId, reason: requireReason(command.reason), unlockedAt: at } }];
    }
    default:
      return reject(InputErrors.INVALID_ENUM_VALUE, 'type', `Unknown trial command ${(command as { type?: unknown }).type as string}`);
  }
}

function evolve(state: TrialState, event: TrialEvent): TrialState {
  if (event.type === 'TrialRegistered') {
    return {
      status: 'registered',
      trialId: event.data.trialId,
      identifiers: event.data.identifiers,
      locked: false,
      enrolment: 'not_opened',
      arms: {},
      sites: {},
      scheduleVersion: 0,
      timePoints: null,
      unblinded: false,
    };
  }
  if (state.status === 'none') return state;
  switch (event.type) {
    case 'TrialArmAdded':
      return { ...state, arms: { ...state.arms, [event.data.armCode]: event.data.armType } };
    case 'TrialSiteActivated':
      return { ...state, sites: { ...state.sites, [event.data.siteId]: 'active' } };
    case 'TrialSiteClosed':
      return { ...state, sites: { ...state.sites, [event.data.siteId]: 'closed' } };
    case 'VisitScheduleDefined':
      return { ...state, scheduleVersion: event.data.scheduleVersion, timePoints: event.data.timePoints };
    case 'EnrolmentOpened':
      return { ...state, enrolment: 'open' };
    case 'EnrolmentClosed':
      return { ...state, enrolment: 'closed' };
    case 'UnblindingRecorded':
      return event.data.scope === 'trial' ? { ...state, unblinded: true } : state;
    case 'TrialLocked':
      return { ...state, locked: true };
    case 'TrialUnlocked':
      return { ...state, locked: false };
    default:
      return state;
  }
}

export const trialDecider: Decider<TrialCommand, TrialEvent, TrialState, TrialDecisionContext> = {
  initialState: { status: 'none' },
  evolve,
  foldVersion: 'trial/1',
  decide,
};
