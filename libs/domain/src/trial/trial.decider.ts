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
  LOCK_LEVELS,
  LOCK_SCOPES,
  TRIAL_PHASES,
  UNBLINDING_SCOPES,
  type ArmType,
  type LockLevel,
  type LockScope,
  type TimePoint,
  type TrialEvent,
  type TrialIdentifier,
  type TrialIdentifierSystem,
} from './trial.events.js';

export type EnrolmentStatus = 'not_opened' | 'open' | 'closed';

/** The locks in force: of the trial as a whole, and of single sites and subjects (issue 18). */
export interface TrialLocks {
  readonly trial: LockLevel | null;
  readonly sites: Readonly<Record<string, LockLevel>>;
  readonly subjects: Readonly<Record<string, LockLevel>>;
}

export const NO_LOCKS: TrialLocks = Object.freeze({ trial: null, sites: Object.freeze({}), subjects: Object.freeze({}) });

export type TrialState =
  | { readonly status: 'none' }
  | {
      readonly status: 'registered';
      readonly trialId: string;
      readonly identifiers: readonly TrialIdentifier[];
      readonly locks: TrialLocks;
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
  readonly locks: TrialLocks;
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
    locks: state.locks,
    enrolmentOpen: state.enrolment === 'open',
    activeSiteIds: Object.keys(state.sites).filter((s) => state.sites[s] === 'active'),
    armCodes: Object.keys(state.arms),
    timePointCodes: state.timePoints ? state.timePoints.map((t) => t.code) : null,
  };
}

export function trialStreamId(trialId: string): string {
  return `trial-${trialId}`;
}

/** Where a write lands inside its trial, so that site and subject locks apply as well as the trial's. */
export interface WritePlace {
  readonly siteId?: string | null;
  readonly subjectId?: string | null;
  /**
   * A correction or retraction of data already entered (how data queries are answered): still accepted under a soft
   * lock. Everything else is new data entry, refused by a soft lock.
   */
  readonly correction?: boolean;
}

const LEVEL_RANK: Record<LockLevel, number> = { soft: 1, hard: 2 };
const stronger = (a: LockLevel | null | undefined, b: LockLevel | null | undefined): LockLevel | null =>
  !a ? (b ?? null) : !b ? a : LEVEL_RANK[a] >= LEVEL_RANK[b] ? a : b;

/** The strongest lock that covers a place: the trial's, its site's or its subject's. */
export function lockLevelAt(locks: TrialLocks, place: WritePlace = {}): LockLevel | null {
  const site = place.siteId && Object.hasOwn(locks.sites, place.siteId) ? locks.sites[place.siteId] : null;
  const subject = place.subjectId && Object.hasOwn(locks.subjects, place.subjectId) ? locks.subjects[place.subjectId] : null;
  return stronger(stronger(locks.trial, site), subject);
}

/**
 * Rejects TRIAL_NOT_FOUND / TRIAL_LOCKED: the guard every clinical write of a trial subject passes first. A hard lock
 * (of the trial, the subject's site or the subject) refuses every write; a soft lock refuses new data entry only.
 */
export function requireWritableTrial(facts: TrialFacts | undefined, trialId: string, field = 'trialId', place: WritePlace = {}): TrialFacts {
  if (!facts) reject(TrialErrors.TRIAL_NOT_FOUND, field, `Trial ${trialId} is not registered`);
  if (facts.trialId !== trialId) throw new Error(`Context carries trial ${facts.trialId}, the subject belongs to ${trialId}`);
  const level = lockLevelAt(facts.locks, place);
  if (level === 'hard')
    reject(TrialErrors.TRIAL_LOCKED, field, `Trial ${trialId} is hard-locked here; unlock it (with a reason and a signature) before writing`);
  if (level === 'soft' && !place.correction) {
    reject(TrialErrors.TRIAL_LOCKED, field, `Trial ${trialId} is soft-locked here: no new data entry (corrections with a reason are still accepted)`);
  }
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
  // A lock of the whole trial freezes its set-up too (arms, sites, schedule, enrolment); a hard lock also refuses
  // further locks, and only an unlock (with a reason and a signature) reopens it.
  if (state.locks.trial === 'hard' && command.type !== 'UnlockTrial') reject(TrialErrors.TRIAL_LOCKED, 'trialId', `Trial ${trialId} is locked`);
  if (state.locks.trial === 'soft' && command.type !== 'UnlockTrial' && command.type !== 'LockTrial') {
    reject(TrialErrors.TRIAL_LOCKED, 'trialId', `Trial ${trialId} is soft-locked`);
  }

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
    case 'LockTrial': {
      const level = command.level === undefined || command.level === null ? 'hard' : requireOneOf(command.level, LOCK_LEVELS, 'level');
      const { scope, ids } = lockTargets(command, state);
      const reason = requireReason(command.reason);
      const current = scope === 'trial' ? [state.locks.trial] : ids.map((id) => levelOf(state.locks, scope, id));
      current.forEach((c, i) => {
        const field = scope === 'trial' ? 'trialId' : `ids.${i}`;
        if (c === 'hard') reject(TrialErrors.TRIAL_LOCKED, field, 'Already hard-locked; unlock it (with a reason and a signature) first');
        if (c === level) reject(TrialErrors.LOCK_ALREADY_APPLIED, field, `Already ${level}-locked`);
      });
      return [{ type: 'TrialLocked', data: { trialId, reason, lockedAt: at, level, scope, ids } }];
    }
    case 'UnlockTrial': {
      const { scope, ids } = lockTargets(command, state);
      if (scope === 'trial' && state.locks.trial === null) reject(TrialErrors.TRIAL_NOT_LOCKED, 'trialId', 'The trial is not locked');
      if (scope !== 'trial' && state.locks.trial === 'hard')
        reject(TrialErrors.TRIAL_LOCKED, 'scope', 'The whole trial is hard-locked; unlock the trial first');
      ids.forEach((id, i) => {
        if (levelOf(state.locks, scope, id) === null) reject(TrialErrors.TRIAL_NOT_LOCKED, `ids.${i}`, `${scope} ${id} is not locked`);
      });
      const reason = requireReason(command.reason);
      // §11.10(e)/§11.50: lifting a lock changes what was frozen, so who did it is signed, not only recorded.
      const signature = command.signature;
      if (!signature) reject(TrialErrors.UNLOCK_SIGNATURE_REQUIRED, 'signature', 'An unlock needs the electronic signature of the person responsible');
      if (signature.signerId !== context.actor.id) throw new Error("The unlock signature must be the actor's own");
      const signerName = requireText(signature.signerName, 'signature.signerName', MaxLength.name);
      // Signed when the unlock is recorded: the one server time of the command.
      return [{ type: 'TrialUnlocked', data: { trialId, reason, unlockedAt: at, scope, ids, signature: { ...signature, signerName, signedAt: at } } }];
    }
    default:
      return reject(InputErrors.INVALID_ENUM_VALUE, 'type', `Unknown trial command ${(command as { type?: unknown }).type as string}`);
  }
}

const MAX_LOCK_IDS = 1000;

function levelOf(locks: TrialLocks, scope: Exclude<LockScope, 'trial'> | LockScope, id: string): LockLevel | null {
  const map = scope === 'site' ? locks.sites : scope === 'subject' ? locks.subjects : null;
  if (!map) return locks.trial;
  return Object.hasOwn(map, id) ? map[id]! : null;
}

/** The scope and ids a lock or unlock names: the whole trial (no ids), known sites, or a batch of subjects. */
function lockTargets(command: { scope?: unknown; ids?: unknown }, state: Extract<TrialState, { status: 'registered' }>): { scope: LockScope; ids: string[] } {
  const scope = command.scope === undefined || command.scope === null ? 'trial' : requireOneOf(command.scope, LOCK_SCOPES, 'scope');
  if (scope === 'trial') {
    if (Array.isArray(command.ids) && command.ids.length > 0) reject(InputErrors.INVALID_ENUM_VALUE, 'ids', 'A lock of the whole trial names no ids');
    return { scope, ids: [] };
  }
  const ids = requireArray(command.ids, 'ids', 1, MAX_LOCK_IDS).map((id, i) => requireId(id, `ids.${i}`));
  ids.forEach((id, i) => {
    if (ids.indexOf(id) !== i) reject(TrialErrors.LOCK_ALREADY_APPLIED, `ids.${i}`, `${id} is listed twice`);
    if (scope === 'site' && !Object.hasOwn(state.sites, id)) reject(TrialErrors.SITE_NOT_ACTIVE, `ids.${i}`, `Trial ${state.trialId} has no site ${id}`);
  });
  return { scope, ids };
}

function applyLock(locks: TrialLocks, scope: LockScope, ids: readonly string[], level: LockLevel | null): TrialLocks {
  if (scope === 'trial') return { ...locks, trial: level };
  const key = scope === 'site' ? 'sites' : 'subjects';
  const next: Record<string, LockLevel> = { ...locks[key] };
  for (const id of ids) {
    if (level) next[id] = level;
    else delete next[id];
  }
  return { ...locks, [key]: next };
}

function evolve(state: TrialState, event: TrialEvent): TrialState {
  if (event.type === 'TrialRegistered') {
    return {
      status: 'registered',
      trialId: event.data.trialId,
      identifiers: event.data.identifiers,
      locks: NO_LOCKS,
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
      return { ...state, locks: applyLock(state.locks, event.data.scope ?? 'trial', event.data.ids ?? [], event.data.level ?? 'hard') };
    case 'TrialUnlocked':
      return { ...state, locks: applyLock(state.locks, event.data.scope ?? 'trial', event.data.ids ?? [], null) };
    default:
      return state;
  }
}

export const trialDecider: Decider<TrialCommand, TrialEvent, TrialState, TrialDecisionContext> = {
  initialState: { status: 'none' },
  evolve,
  foldVersion: 'trial/2',
  decide,
};
