import type { CommandMeta, Decider } from '../decider.js';
import { reject } from '../domain.errors.js';
import { InputErrors, requireId, requireReason } from '../biomarker/input.guards.js';
import { requireWritableTrial, type TrialFacts } from '../trial/trial.decider.js';
import type { EraseSubject, RecordPersonalData, SubjectPrivacyCommand } from './subject.commands.js';
import { SubjectErrors } from './subject.errors.js';
import type { SubjectEvent } from './subject.events.js';
import { requirePersonalEnvelope } from './subject.personal.js';
import {
  evolveSubject,
  initialSubjectState,
  SUBJECT_FOLD_VERSION,
  type ScreeningSubjectState,
  type SubjectState,
  type TrialSubjectState,
} from './subject.state.js';

/** The trial's facts when the subject is a trial subject (recording personal data is a write to a lockable trial). */
export interface SubjectPrivacyContext extends CommandMeta {
  readonly trial?: TrialFacts;
}

function requireSubject(state: SubjectState): TrialSubjectState | ScreeningSubjectState {
  if (state.kind === 'none') reject(SubjectErrors.SUBJECT_NOT_FOUND, 'subjectId', 'No such subject');
  return state;
}

function recordPersonalData(c: RecordPersonalData, state: SubjectState, ctx: SubjectPrivacyContext, subjectId: string): SubjectEvent[] {
  const s = requireSubject(state);
  if (s.erasedAt !== undefined)
    reject(SubjectErrors.SUBJECT_ERASED, 'subjectId', `The subject's personal data was erased on ${s.erasedAt}; none is recorded again`);
  if (s.kind === 'trial') requireWritableTrial(ctx.trial, s.trialId, 'trialId', { siteId: s.siteId, subjectId: s.subjectId });
  const personal = requirePersonalEnvelope(c.personal, subjectId);
  return [{ type: 'PersonalDataRecorded', data: { subjectId, personal, recordedAt: ctx.now.toISOString() } }];
}

/**
 * Erasure is a legal obligation, so unlike other writes it is not refused while a trial is locked; the clinical
 * record (pseudonymised measurements and outcomes) stays, only the sealed personal fields become unreadable.
 */
function eraseSubject(c: EraseSubject, state: SubjectState, ctx: SubjectPrivacyContext, subjectId: string): SubjectEvent[] {
  const s = requireSubject(state);
  if (s.erasedAt !== undefined) reject(SubjectErrors.SUBJECT_ALREADY_ERASED, 'subjectId', `The subject was erased on ${s.erasedAt}`);
  const reason = requireReason(c.reason);
  return [{ type: 'SubjectErased', data: { subjectId, reason, erasedAt: ctx.now.toISOString() } }];
}

function decide(command: SubjectPrivacyCommand, state: SubjectState, ctx: SubjectPrivacyContext): SubjectEvent[] {
  const subjectId = requireId(command.subjectId, 'subjectId');
  if (state.kind !== 'none' && state.subjectId !== subjectId) throw new Error(`Command for ${subjectId} was routed to the stream of ${state.subjectId}`);
  switch (command.type) {
    case 'RecordPersonalData':
      return recordPersonalData(command, state, ctx, subjectId);
    case 'EraseSubject':
      return eraseSubject(command, state, ctx, subjectId);
    default:
      return reject(InputErrors.INVALID_ENUM_VALUE, 'type', `Unknown privacy command ${(command as { type?: unknown }).type as string}`);
  }
}

/** Privacy commands on the `subject-<id>` stream: same state and evolve as subjectDecider, its own commands. */
export const subjectPrivacyDecider: Decider<SubjectPrivacyCommand, SubjectEvent, SubjectState, SubjectPrivacyContext> = {
  initialState: initialSubjectState,
  evolve: evolveSubject,
  foldVersion: SUBJECT_FOLD_VERSION,
  decide,
};
