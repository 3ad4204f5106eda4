import { extractionMethod } from './measurement-extraction.js';
import type { CommandMeta, Decider } from '../decider.js';
import { reject } from '../domain.errors.js';
import { requireUsableAlgorithm, type AlgorithmFacts } from '../algorithm/algorithm.decider.js';
import { AlgorithmErrors } from '../algorithm/algorithm.errors.js';
import { BiomarkerErrors } from '../biomarker/biomarker.errors.js';
import type { BiomarkerFacts } from '../biomarker/biomarker.decider.js';
import {
  InputErrors,
  MaxLength,
  isAfterDay,
  isBeforeDay,
  optionalId,
  optionalOneOf,
  optionalText,
  parseClinicalDate,
  requireArray,
  requireBoolean,
  requireFiniteNumber,
  requireId,
  requireInteger,
  requireNotInFuture,
  requireObject,
  requireOneOf,
  requireReason,
  requireText,
  requireUnique,
  storedDate,
  type ClinicalDate,
} from '../biomarker/input.guards.js';
import { ProgrammeErrors } from '../programme/programme.errors.js';
import type { ProgrammeFacts } from '../programme/programme.decider.js';
import { optionalDicomUid, requireDicomUid } from '../study/dicom-uid.js';
import { IMAGING_MODALITIES } from '../study/imaging.vocabulary.js';
import { StudyErrors } from '../study/study.errors.js';
import type { StudyFacts } from '../study/study.decider.js';
import { TrialErrors } from '../trial/trial.errors.js';
import { UNSCHEDULED_TIME_POINT, requireWritableTrial, type TrialFacts } from '../trial/trial.decider.js';
import type {
  AcceptMeasurementReading,
  CorrectMeasurement,
  CorrectOutcome,
  EnrolSubject,
  InviteParticipant,
  RandomiseSubject,
  RecordAssessmentOutcome,
  RecordMeasurement,
  RecordOptOut,
  RecordOutcome,
  RecordRecall,
  RecordScreening,
  ReportIntervalCancer,
  RetractMeasurement,
  SubjectCommand,
  WithdrawSubject,
} from './subject.commands.js';
import { SubjectErrors } from './subject.errors.js';
import {
  ASSESSMENT_OUTCOMES,
  HUMAN_READING_RESULTS,
  INTERVAL_CANCER_SOURCES,
  LESION_ROLES,
  MEASUREMENT_METHODS,
  OUTCOME_SOURCES,
  OUTCOME_TYPES,
  RECIST_RESPONSES,
  type Lesion,
  type SubjectEvent,
} from './subject.events.js';
import { evaluateValue, optionalStage, requireWithinDeclaredRange } from './subject.measurement.rules.js';
import { optionalPersonalEnvelope } from './subject.personal.js';
import { requirePseudonym } from './subject.pseudonym.js';
import {
  evolveSubject,
  initialSubjectState,
  SUBJECT_FOLD_VERSION,
  lookup,
  type ScreeningSubjectState,
  type SubjectState,
  type TrialSubjectState,
} from './subject.state.js';

/**
 * Facts from other streams, assembled by the command handler (fold the other stream, apply `trialFacts`,
 * `programmeFacts`, `biomarkerFacts`, `algorithmFacts`, `studyFacts`; leave a fact out when its stream does not
 * exist). `subjectContextNeeds(command, state)` says which ones a command needs.
 */
export interface SubjectDecisionContext extends CommandMeta {
  readonly trial?: TrialFacts;
  readonly programme?: ProgrammeFacts;
  readonly biomarker?: BiomarkerFacts;
  readonly algorithm?: AlgorithmFacts;
  readonly study?: StudyFacts;
}

export interface SubjectContextNeeds {
  readonly trialId?: string;
  readonly programmeId?: string;
  readonly biomarkerId?: string;
  readonly algorithmVersionId?: string;
  readonly studyInstanceUid?: string;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);

/** Which other streams the handler must fold for this command, given the subject's current state. */
export function subjectContextNeeds(command: SubjectCommand, state: SubjectState): SubjectContextNeeds {
  const trialId = command.type === 'EnrolSubject' ? str(command.trialId) : state.kind === 'trial' ? state.trialId : undefined;
  const needs: { -readonly [K in keyof SubjectContextNeeds]: SubjectContextNeeds[K] } = {};
  if (trialId) needs.trialId = trialId;
  switch (command.type) {
    case 'InviteParticipant':
      if (str(command.programmeId)) needs.programmeId = command.programmeId;
      break;
    case 'RecordScreening':
      if (command.aiReading && str(command.aiReading.algorithmVersionId)) needs.algorithmVersionId = command.aiReading.algorithmVersionId;
      break;
    case 'RecordMeasurement':
      if (str(command.biomarkerId)) needs.biomarkerId = command.biomarkerId;
      if (str(command.studyInstanceUid)) needs.studyInstanceUid = command.studyInstanceUid;
      if (str(command.algorithmVersionId)) needs.algorithmVersionId = command.algorithmVersionId!;
      break;
    case 'CorrectMeasurement': {
      const m = state.kind !== 'none' && typeof command.measurementId === 'string' ? lookup(state.measurements, command.measurementId) : undefined;
      if (m) needs.biomarkerId = m.biomarkerId;
      break;
    }
    // Decided on the subject's own stream (and the trial's, above) alone.
    case 'EnrolSubject':
    case 'RandomiseSubject':
    case 'WithdrawSubject':
    case 'RecordRecall':
    case 'RecordAssessmentOutcome':
    case 'ReportIntervalCancer':
    case 'RecordOptOut':
    case 'RetractMeasurement':
    case 'AcceptMeasurementReading':
    case 'RecordOutcome':
    case 'CorrectOutcome':
      break;
  }
  return needs;
}

export function subjectStreamId(subjectId: string): string {
  return `subject-${subjectId}`;
}

// ---------------------------------------------------------------------------------------------------------------
// Guards

type ExistingSubject = TrialSubjectState | ScreeningSubjectState;

function requireSubject(state: SubjectState): ExistingSubject {
  if (state.kind === 'none') reject(SubjectErrors.SUBJECT_NOT_FOUND, 'subjectId', 'No such subject');
  return state;
}

function requireTrialSubject(state: SubjectState): TrialSubjectState {
  const s = requireSubject(state);
  if (s.kind !== 'trial') reject(SubjectErrors.SUBJECT_NOT_IN_TRIAL, 'subjectId', 'The subject is a screening participant, not a trial subject');
  return s;
}

function requireScreeningSubject(state: SubjectState): ScreeningSubjectState {
  const s = requireSubject(state);
  if (s.kind !== 'screening') reject(SubjectErrors.SUBJECT_NOT_IN_PROGRAMME, 'subjectId', 'The subject is a trial subject, not a screening participant');
  return s;
}

/**
 * Every write to a trial subject is a write to the trial: refused while the trial, the subject's site or the subject
 * is hard-locked; a soft lock refuses new data entry but lets corrections (`correction: true`) answer data queries.
 */
function guardTrial(s: ExistingSubject, context: SubjectDecisionContext, options: { correction?: boolean } = {}): TrialFacts | undefined {
  return s.kind === 'trial'
    ? requireWritableTrial(context.trial, s.trialId, 'trialId', { siteId: s.siteId, subjectId: s.subjectId, correction: options.correction === true })
    : undefined;
}

/**
 * Clinical dates lie between the subject's entry into the registry (consent, first invitation) and now, and not
 * after a recorded death.
 */
function requireClinicalWindow(s: ExistingSubject, date: ClinicalDate, field: string, now: Date, options: { checkDeath?: boolean } = {}): void {
  requireNotInFuture(date, now, field);
  if (s.kind === 'trial' && isBeforeDay(date, storedDate(s.consentDate))) {
    reject(SubjectErrors.DATE_BEFORE_CONSENT, field, `${date.iso} is before the consent date ${s.consentDate}`);
  }
  if (s.kind === 'screening' && isBeforeDay(date, storedDate(s.firstInvitedOn))) {
    reject(SubjectErrors.DATE_BEFORE_INVITATION, field, `${date.iso} is before the first invitation ${s.firstInvitedOn}`);
  }
  if (options.checkDeath !== false && s.deathDate !== null && isAfterDay(date, storedDate(s.deathDate))) {
    reject(SubjectErrors.DATE_AFTER_DEATH, field, `${date.iso} is after the recorded death on ${s.deathDate}`);
  }
}

/** A fact about another entity than the command names is a wiring bug in the handler, not a user error. */
function sameId<T extends object, K extends keyof T & string>(facts: T | undefined, key: K, expected: string): void {
  if (facts && facts[key] !== expected) throw new Error(`Decision context carries ${key} ${String(facts[key])}, the command needs ${expected}`);
}

// ---------------------------------------------------------------------------------------------------------------
// Trial side

function enrol(c: EnrolSubject, state: SubjectState, ctx: SubjectDecisionContext, subjectId: string): SubjectEvent[] {
  if (state.kind !== 'none') reject(SubjectErrors.SUBJECT_ALREADY_EXISTS, 'subjectId', `Subject ${subjectId} already exists`);
  const trialId = requireId(c.trialId, 'trialId');
  const pseudonym = requirePseudonym(c.pseudonym);
  const siteId = requireId(c.siteId, 'siteId');
  const consentVersion = requireText(c.consentVersion, 'consentVersion', MaxLength.code);
  const consentDate = requireNotInFuture(parseClinicalDate(c.consentDate, 'consentDate'), ctx.now, 'consentDate');
  const trial = requireWritableTrial(ctx.trial, trialId, 'trialId', { siteId, subjectId });
  if (!trial.enrolmentOpen) reject(TrialErrors.ENROLMENT_NOT_OPEN, 'trialId', `Enrolment in ${trialId} is not open`);
  if (!trial.activeSiteIds.includes(siteId)) reject(TrialErrors.SITE_NOT_ACTIVE, 'siteId', `Site ${siteId} is not active in ${trialId}`);
  const personal = optionalPersonalEnvelope(c.personal, subjectId);
  return [
    {
      type: 'SubjectEnrolled',
      data: {
        subjectId,
        trialId,
        pseudonym,
        siteId,
        consentVersion,
        consentDate: consentDate.iso,
        occurredAt: consentDate.iso,
        ...(personal ? { personal } : {}),
      },
    },
  ];
}

function randomise(c: RandomiseSubject, state: SubjectState, ctx: SubjectDecisionContext, subjectId: string): SubjectEvent[] {
  if (state.kind === 'none') reject(SubjectErrors.SUBJECT_NOT_FOUND, 'subjectId', 'Only an enrolled subject can be randomised');
  const s = requireTrialSubject(state);
  const trial = guardTrial(s, ctx)!;
  if (s.status === 'withdrawn') reject(SubjectErrors.SUBJECT_WITHDRAWN, 'subjectId', 'A withdrawn subject cannot be randomised');
  if (s.randomisation) reject(SubjectErrors.SUBJECT_ALREADY_RANDOMISED, 'subjectId', `Already randomised to ${s.randomisation.armCode}`);
  const armCode = requireText(c.armCode, 'armCode', 20);
  if (!trial.armCodes.includes(armCode)) reject(TrialErrors.ARM_NOT_FOUND, 'armCode', `Trial ${s.trialId} has no arm ${armCode}`);
  const stratum = requireText(c.stratum, 'stratum', MaxLength.name);
  let occurredAt = ctx.now.toISOString();
  if (c.randomisedAt !== undefined && c.randomisedAt !== null) {
    const at = parseClinicalDate(c.randomisedAt, 'randomisedAt', { allowDateTime: true });
    requireClinicalWindow(s, at, 'randomisedAt', ctx.now);
    occurredAt = at.iso;
  }
  return [{ type: 'SubjectRandomised', data: { subjectId, trialId: s.trialId, armCode, stratum, occurredAt } }];
}

function withdraw(c: WithdrawSubject, state: SubjectState, ctx: SubjectDecisionContext, subjectId: string): SubjectEvent[] {
  const s = requireTrialSubject(state);
  guardTrial(s, ctx);
  if (s.status === 'withdrawn') reject(SubjectErrors.SUBJECT_WITHDRAWN, 'subjectId', 'The subject is already withdrawn');
  const date = parseClinicalDate(c.withdrawalDate, 'withdrawalDate');
  requireClinicalWindow(s, date, 'withdrawalDate', ctx.now, { checkDeath: false });
  const reason = requireReason(c.reason);
  return [{ type: 'SubjectWithdrawn', data: { subjectId, trialId: s.trialId, reason, occurredAt: date.iso } }];
}

// ---------------------------------------------------------------------------------------------------------------
// Screening side

function invite(c: InviteParticipant, state: SubjectState, ctx: SubjectDecisionContext, subjectId: string): SubjectEvent[] {
  const programmeId = requireId(c.programmeId, 'programmeId');
  const roundId = requireId(c.roundId, 'roundId');
  const pseudonym = requirePseudonym(c.pseudonym);
  const invitedOn = requireNotInFuture(parseClinicalDate(c.invitedOn, 'invitedOn'), ctx.now, 'invitedOn');
  const personal = optionalPersonalEnvelope(c.personal, subjectId);
  if (state.kind === 'trial') reject(SubjectErrors.SUBJECT_NOT_IN_PROGRAMME, 'subjectId', 'A trial subject cannot be invited to screening under the same id');
  if (state.kind === 'screening') {
    if (state.programmeId !== programmeId)
      reject(SubjectErrors.SUBJECT_IN_OTHER_PROGRAMME, 'programmeId', `The participant belongs to programme ${state.programmeId}`);
    if (state.pseudonym !== pseudonym)
      reject(SubjectErrors.PSEUDONYM_MISMATCH, 'pseudonym', 'The pseudonym differs from the one this participant was first invited under');
    if (state.optedOutOn !== null) reject(SubjectErrors.PARTICIPANT_OPTED_OUT, 'subjectId', `The participant opted out on ${state.optedOutOn}`);
    if (lookup(state.invitations, roundId)) reject(SubjectErrors.ALREADY_INVITED_IN_ROUND, 'roundId', `Already invited in round ${roundId}`);
    if (state.deathDate !== null) reject(SubjectErrors.DATE_AFTER_DEATH, 'invitedOn', 'The participant has died');
    if (personal && state.erasedAt !== undefined)
      reject(SubjectErrors.SUBJECT_ERASED, 'personal', 'The participant’s personal data was erased; none is recorded again');
  }
  const programme = ctx.programme;
  if (!programme) reject(ProgrammeErrors.PROGRAMME_NOT_FOUND, 'programmeId', `Programme ${programmeId} is not defined`);
  sameId(programme, 'programmeId', programmeId);
  const round = lookup(programme.rounds, roundId);
  if (!round) reject(ProgrammeErrors.ROUND_NOT_FOUND, 'roundId', `Programme ${programmeId} has no round ${roundId}`);
  if (round.status !== 'open') reject(ProgrammeErrors.ROUND_NOT_OPEN, 'roundId', `Round ${roundId} is closed`);
  if (isBeforeDay(invitedOn, storedDate(round.opensOn)))
    reject(SubjectErrors.INVITATION_BEFORE_ROUND_OPENS, 'invitedOn', `Round ${roundId} opens on ${round.opensOn}`);
  return [{ type: 'ParticipantInvited', data: { subjectId, programmeId, roundId, pseudonym, occurredAt: invitedOn.iso, ...(personal ? { personal } : {}) } }];
}

function recordScreening(c: RecordScreening, state: SubjectState, ctx: SubjectDecisionContext, subjectId: string): SubjectEvent[] {
  const screeningId = requireId(c.screeningId, 'screeningId');
  const roundId = requireId(c.roundId, 'roundId');
  const screenedOn = parseClinicalDate(c.screenedOn, 'screenedOn', { allowDateTime: true });
  const siteId = requireId(c.siteId, 'siteId');
  const modality = requireOneOf(c.modality, IMAGING_MODALITIES, 'modality');
  const human = requireObject(c.humanReading, 'humanReading');
  const result = requireOneOf(human['result'], HUMAN_READING_RESULTS, 'humanReading.result');
  const readerIds =
    human['readerIds'] === undefined || human['readerIds'] === null
      ? []
      : requireArray(human['readerIds'], 'humanReading.readerIds', 0, 4).map((r, i) => requireId(r, `humanReading.readerIds.${i}`));
  requireUnique(readerIds, 'humanReading.readerIds');
  let aiReading = null;
  if (c.aiReading !== undefined && c.aiReading !== null) {
    const ai = requireObject(c.aiReading, 'aiReading');
    aiReading = {
      algorithmVersionId: requireId(ai['algorithmVersionId'], 'aiReading.algorithmVersionId'),
      score: requireFiniteNumber(ai['score'], 'aiReading.score'),
      aiPositive: requireBoolean(ai['aiPositive'], 'aiReading.aiPositive'),
    };
  }

  if (state.kind === 'none') reject(SubjectErrors.NOT_INVITED_IN_ROUND, 'roundId', `Subject ${subjectId} was never invited`);
  const s = requireScreeningSubject(state);
  const invitation = lookup(s.invitations, roundId);
  if (!invitation) reject(SubjectErrors.NOT_INVITED_IN_ROUND, 'roundId', `The participant was not invited in round ${roundId}`);
  if (lookup(s.screenings, screeningId)) reject(SubjectErrors.DUPLICATE_SCREENING, 'screeningId', `Screening ${screeningId} is already recorded`);
  if (s.screenings.values().some((x) => x.roundId === roundId))
    reject(SubjectErrors.ALREADY_SCREENED_IN_ROUND, 'roundId', `Already screened in round ${roundId}`);
  requireClinicalWindow(s, screenedOn, 'screenedOn', ctx.now);
  if (isBeforeDay(screenedOn, storedDate(invitation.invitedOn)))
    reject(SubjectErrors.DATE_BEFORE_INVITATION, 'screenedOn', `Invited in this round on ${invitation.invitedOn}`);
  if (s.optedOutOn !== null && !isBeforeDay(screenedOn, storedDate(s.optedOutOn)))
    reject(SubjectErrors.PARTICIPANT_OPTED_OUT, 'subjectId', `The participant opted out on ${s.optedOutOn}`);
  if (aiReading) {
    sameId(ctx.algorithm, 'algorithmVersionId', aiReading.algorithmVersionId);
    const algorithm = requireUsableAlgorithm(ctx.algorithm, aiReading.algorithmVersionId, 'aiReading.algorithmVersionId');
    if (algorithm.scoreRange === null) {
      reject(
        AlgorithmErrors.SCORE_RANGE_NOT_DECLARED,
        'aiReading.algorithmVersionId',
        `Algorithm version ${aiReading.algorithmVersionId} declares no score range, so its score cannot be checked`,
      );
    }
    requireWithinDeclaredRange(aiReading.score, algorithm.scoreRange, 'aiReading.score', `algorithm version ${aiReading.algorithmVersionId}`);
  }
  return [
    {
      type: 'ScreeningRecorded',
      data: {
        subjectId,
        programmeId: s.programmeId,
        roundId,
        screeningId,
        siteId,
        modality,
        humanReading: { result, readerIds },
        aiReading,
        occurredAt: screenedOn.iso,
      },
    },
  ];
}

function recordRecall(c: RecordRecall, state: SubjectState, ctx: SubjectDecisionContext, subjectId: string): SubjectEvent[] {
  const s = requireScreeningSubject(state);
  const screeningId = requireId(c.screeningId, 'screeningId');
  const screening = lookup(s.screenings, screeningId);
  if (!screening) reject(SubjectErrors.SCREENING_NOT_FOUND, 'screeningId', `No screening ${screeningId}`);
  if (screening.recalledOn !== null) reject(SubjectErrors.ALREADY_RECALLED, 'screeningId', `Already recalled on ${screening.recalledOn}`);
  const recalledOn = parseClinicalDate(c.recalledOn, 'recalledOn');
  requireClinicalWindow(s, recalledOn, 'recalledOn', ctx.now);
  if (isBeforeDay(recalledOn, storedDate(screening.screenedOn)))
    reject(SubjectErrors.DATE_BEFORE_SCREENING, 'recalledOn', `Screened on ${screening.screenedOn}`);
  const reason = optionalText(c.reason, 'reason', MaxLength.reason, { multiline: true });
  return [
    { type: 'RecallRecorded', data: { subjectId, programmeId: s.programmeId, roundId: screening.roundId, screeningId, reason, occurredAt: recalledOn.iso } },
  ];
}

function recordAssessment(c: RecordAssessmentOutcome, state: SubjectState, ctx: SubjectDecisionContext, subjectId: string): SubjectEvent[] {
  const s = requireScreeningSubject(state);
  const screeningId = requireId(c.screeningId, 'screeningId');
  const screening = lookup(s.screenings, screeningId);
  if (!screening) reject(SubjectErrors.SCREENING_NOT_FOUND, 'screeningId', `No screening ${screeningId}`);
  if (screening.recalledOn === null) reject(SubjectErrors.NOT_RECALLED, 'screeningId', 'Only a recalled participant has an assessment outcome');
  if (screening.assessment !== null)
    reject(SubjectErrors.ASSESSMENT_ALREADY_RECORDED, 'screeningId', `The assessment outcome is already ${screening.assessment}`);
  const outcome = requireOneOf(c.outcome, ASSESSMENT_OUTCOMES, 'outcome');
  const assessedOn = parseClinicalDate(c.assessedOn, 'assessedOn');
  requireClinicalWindow(s, assessedOn, 'assessedOn', ctx.now);
  if (isBeforeDay(assessedOn, storedDate(screening.recalledOn))) reject(SubjectErrors.DATE_BEFORE_RECALL, 'assessedOn', `Recalled on ${screening.recalledOn}`);
  let diagnosisDate: string | null = null;
  let stage: string | null = null;
  if (outcome === 'cancer') {
    if (c.diagnosisDate === undefined || c.diagnosisDate === null)
      reject(InputErrors.FIELD_REQUIRED, 'diagnosisDate', 'A cancer outcome needs the diagnosis date');
    if (c.stage === undefined || c.stage === null) reject(InputErrors.FIELD_REQUIRED, 'stage', 'A cancer outcome needs the stage (UNKNOWN if not yet staged)');
    const d = parseClinicalDate(c.diagnosisDate, 'diagnosisDate');
    requireClinicalWindow(s, d, 'diagnosisDate', ctx.now);
    if (isBeforeDay(d, storedDate(screening.screenedOn))) reject(SubjectErrors.DATE_BEFORE_SCREENING, 'diagnosisDate', `Screened on ${screening.screenedOn}`);
    diagnosisDate = d.iso;
    stage = optionalStage(c.stage, 'stage');
  } else if ((c.diagnosisDate ?? null) !== null || (c.stage ?? null) !== null) {
    reject(
      SubjectErrors.FIELD_NOT_APPLICABLE,
      (c.diagnosisDate ?? null) !== null ? 'diagnosisDate' : 'stage',
      'A benign outcome has no diagnosis date or stage',
    );
  }
  return [
    {
      type: 'AssessmentOutcomeRecorded',
      data: { subjectId, programmeId: s.programmeId, roundId: screening.roundId, screeningId, outcome, diagnosisDate, stage, occurredAt: assessedOn.iso },
    },
  ];
}

function reportIntervalCancer(c: ReportIntervalCancer, state: SubjectState, ctx: SubjectDecisionContext, subjectId: string): SubjectEvent[] {
  const s = requireScreeningSubject(state);
  const reportId = requireId(c.reportId, 'reportId');
  if (s.intervalCancerReportIds.has(reportId)) reject(SubjectErrors.DUPLICATE_INTERVAL_CANCER_REPORT, 'reportId', `Report ${reportId} is already recorded`);
  const diagnosis = parseClinicalDate(c.diagnosisDate, 'diagnosisDate');
  requireClinicalWindow(s, diagnosis, 'diagnosisDate', ctx.now);
  const source = requireOneOf(c.source, INTERVAL_CANCER_SOURCES, 'source');
  const stage = optionalStage(c.stage, 'stage');
  // An interval cancer follows a negative screen: the last screening before the diagnosis must have been negative
  // (not recalled, or recalled and assessed benign); otherwise the cancer is screen-detected or still in assessment.
  const previous = s.screenings
    .entries()
    .filter(([, x]) => isBeforeDay(storedDate(x.screenedOn), diagnosis))
    .sort(([, a], [, b]) => storedDate(a.screenedOn).ms - storedDate(b.screenedOn).ms)
    .at(-1);
  const negative = previous && (previous[1].recalledOn === null ? previous[1].humanResult === 'negative' : previous[1].assessment === 'benign');
  if (!previous || !negative) {
    reject(SubjectErrors.NO_PRIOR_NEGATIVE_SCREENING, 'diagnosisDate', 'An interval cancer needs a negative screening before the diagnosis date');
  }
  return [
    {
      type: 'IntervalCancerReported',
      data: {
        subjectId,
        programmeId: s.programmeId,
        reportId,
        precedingScreeningId: previous[0],
        precedingRoundId: previous[1].roundId,
        source,
        stage,
        occurredAt: diagnosis.iso,
      },
    },
  ];
}

function recordOptOut(c: RecordOptOut, state: SubjectState, ctx: SubjectDecisionContext, subjectId: string): SubjectEvent[] {
  const s = requireScreeningSubject(state);
  if (s.optedOutOn !== null) reject(SubjectErrors.ALREADY_OPTED_OUT, 'subjectId', `Opted out on ${s.optedOutOn}`);
  const date = parseClinicalDate(c.optedOutOn, 'optedOutOn');
  requireClinicalWindow(s, date, 'optedOutOn', ctx.now, { checkDeath: false });
  const reason = optionalText(c.reason, 'reason', MaxLength.reason, { multiline: true });
  return [{ type: 'ParticipantOptedOut', data: { subjectId, programmeId: s.programmeId, reason, occurredAt: date.iso } }];
}

// ---------------------------------------------------------------------------------------------------------------
// Measurements

function requireBiomarkerVersion(ctx: SubjectDecisionContext, biomarkerId: string, version: number, options: { allowRetired: boolean }) {
  const biomarker = ctx.biomarker;
  if (!biomarker) reject(BiomarkerErrors.BIOMARKER_NOT_FOUND, 'biomarkerId', `Biomarker ${biomarkerId} is not defined`);
  sameId(biomarker, 'biomarkerId', biomarkerId);
  if (!options.allowRetired && biomarker.status === 'retired') reject(BiomarkerErrors.BIOMARKER_RETIRED, 'biomarkerId', `Biomarker ${biomarkerId} is retired`);
  const spec = Object.hasOwn(biomarker.versions, version) ? biomarker.versions[version] : undefined;
  if (!spec)
    reject(BiomarkerErrors.BIOMARKER_VERSION_NOT_FOUND, 'biomarkerVersion', `Biomarker ${biomarkerId} has no version ${version}`, {
      currentVersion: biomarker.currentVersion,
    });
  return spec;
}

function checkTimePoint(trial: TrialFacts | undefined, timePoint: string, field: string): void {
  if (trial && trial.timePointCodes !== null && timePoint !== UNSCHEDULED_TIME_POINT && !trial.timePointCodes.includes(timePoint)) {
    reject(
      TrialErrors.UNKNOWN_TIME_POINT,
      field,
      `${timePoint} is not in the visit schedule (${trial.timePointCodes.join(', ')}, or ${UNSCHEDULED_TIME_POINT})`,
    );
  }
}

function parseLesion(input: unknown): Lesion | null {
  if (input === undefined || input === null) return null;
  const l = requireObject(input, 'lesion');
  return {
    trackingUid: requireDicomUid(l['trackingUid'], 'lesion.trackingUid'),
    label: requireText(l['label'], 'lesion.label', MaxLength.code),
    findingSite: optionalText(l['findingSite'], 'lesion.findingSite', MaxLength.name),
    role: requireOneOf(l['role'], LESION_ROLES, 'lesion.role'),
  };
}

function recordMeasurement(c: RecordMeasurement, state: SubjectState, ctx: SubjectDecisionContext, subjectId: string): SubjectEvent[] {
  const s = requireSubject(state);
  const trial = guardTrial(s, ctx);
  const measurementId = requireId(c.measurementId, 'measurementId');
  if (lookup(s.measurements, measurementId)) reject(SubjectErrors.DUPLICATE_MEASUREMENT, 'measurementId', `Measurement ${measurementId} is already recorded`);
  const biomarkerId = requireId(c.biomarkerId, 'biomarkerId');
  const biomarkerVersion = requireInteger(c.biomarkerVersion, 'biomarkerVersion', 1, 10_000);
  const studyInstanceUid = requireDicomUid(c.studyInstanceUid, 'studyInstanceUid');
  const seriesInstanceUid = optionalDicomUid(c.seriesInstanceUid, 'seriesInstanceUid');
  const timePoint = requireText(c.timePoint, 'timePoint', MaxLength.code);
  checkTimePoint(trial, timePoint, 'timePoint');
  const lesion = parseLesion(c.lesion);
  const method = requireOneOf(c.method, MEASUREMENT_METHODS, 'method');
  const algorithmVersionId = optionalId(c.algorithmVersionId, 'algorithmVersionId');
  const readerId = optionalId(c.readerId, 'readerId');
  if (method !== 'ai' && readerId === null) reject(SubjectErrors.READER_REQUIRED, 'readerId', `A ${method} measurement names its reader`);
  if (method === 'ai' && algorithmVersionId === null)
    reject(SubjectErrors.ALGORITHM_REQUIRED, 'algorithmVersionId', 'An AI measurement names its algorithm version');
  const override = optionalText(c.plausibilityOverrideReason, 'plausibilityOverrideReason', MaxLength.reason, { multiline: true });
  const extraction = extractionMethod(c.extraction);

  const spec = requireBiomarkerVersion(ctx, biomarkerId, biomarkerVersion, { allowRetired: false });
  // An AI output must lie in the biomarker's plausible range outright; a semi-automatic value is a reader's, who may vouch.
  const aiOutput = method === 'ai' ? { declaredBy: `biomarker ${biomarkerId} version ${biomarkerVersion}` } : undefined;
  const { result, overrideReason } = evaluateValue(spec.valueType, c.value, 'value', override, aiOutput ? { aiOutput } : {});
  if (algorithmVersionId !== null) {
    sameId(ctx.algorithm, 'algorithmVersionId', algorithmVersionId);
    requireUsableAlgorithm(ctx.algorithm, algorithmVersionId, 'algorithmVersionId', biomarkerId);
  }
  const study = ctx.study;
  if (!study) reject(StudyErrors.STUDY_NOT_FOUND, 'studyInstanceUid', `Study ${studyInstanceUid} is not registered`);
  sameId(study, 'studyInstanceUid', studyInstanceUid);
  if (study.subjectId !== null && study.subjectId !== subjectId)
    reject(SubjectErrors.STUDY_SUBJECT_MISMATCH, 'studyInstanceUid', 'The study belongs to another subject');
  // The measured state existed when the images were acquired: that is the clinical time of the measurement.
  const occurredAt = storedDate(study.occurredAt);
  requireClinicalWindow(s, occurredAt, 'studyInstanceUid', ctx.now);

  return [
    {
      type: 'MeasurementRecorded',
      data: {
        subjectId,
        measurementId,
        trialId: s.kind === 'trial' ? s.trialId : null,
        programmeId: s.kind === 'screening' ? s.programmeId : null,
        biomarkerId,
        biomarkerVersion,
        result,
        studyInstanceUid,
        seriesInstanceUid,
        timePoint,
        lesion,
        method,
        algorithmVersionId,
        readerId,
        plausibilityOverrideReason: overrideReason,
        occurredAt: occurredAt.iso,
        // Only when stated: events without it read as "not stated", as those written before the field existed.
        ...(extraction ? { extraction } : {}),
      },
    },
  ];
}

function requireLiveMeasurement(s: ExistingSubject, measurementId: unknown, field = 'measurementId') {
  const id = requireId(measurementId, field);
  const m = lookup(s.measurements, id);
  if (!m) reject(SubjectErrors.MEASUREMENT_NOT_FOUND, field, `No measurement ${id}`);
  if (m.status === 'retracted') reject(SubjectErrors.MEASUREMENT_RETRACTED, field, `Measurement ${id} was retracted`);
  return { id, m };
}

function correctMeasurement(c: CorrectMeasurement, state: SubjectState, ctx: SubjectDecisionContext, subjectId: string): SubjectEvent[] {
  const s = requireSubject(state);
  guardTrial(s, ctx, { correction: true });
  const { id, m } = requireLiveMeasurement(s, c.measurementId);
  const reason = requireReason(c.reason);
  const override = optionalText(c.plausibilityOverrideReason, 'plausibilityOverrideReason', MaxLength.reason, { multiline: true });
  // The version the measurement was taken under decides, even if the biomarker was revised or retired since.
  const spec = requireBiomarkerVersion(ctx, m.biomarkerId, m.biomarkerVersion, { allowRetired: true });
  const { result, overrideReason } = evaluateValue(spec.valueType, c.value, 'value', override);
  if (JSON.stringify(result) === JSON.stringify(m.result)) reject(SubjectErrors.NOTHING_TO_CORRECT, 'value', 'The corrected value equals the current one');
  return [
    {
      type: 'MeasurementCorrected',
      data: {
        subjectId,
        measurementId: id,
        result,
        previousResult: m.result,
        reason,
        plausibilityOverrideReason: overrideReason,
        correctedAt: ctx.now.toISOString(),
      },
    },
  ];
}

function retractMeasurement(c: RetractMeasurement, state: SubjectState, ctx: SubjectDecisionContext, subjectId: string): SubjectEvent[] {
  const s = requireSubject(state);
  guardTrial(s, ctx, { correction: true });
  const { id } = requireLiveMeasurement(s, c.measurementId);
  const reason = requireReason(c.reason);
  return [{ type: 'MeasurementRetracted', data: { subjectId, measurementId: id, reason, retractedAt: ctx.now.toISOString() } }];
}

function acceptReading(c: AcceptMeasurementReading, state: SubjectState, ctx: SubjectDecisionContext, subjectId: string): SubjectEvent[] {
  const s = requireSubject(state);
  guardTrial(s, ctx, { correction: true });
  const { id, m } = requireLiveMeasurement(s, c.measurementId);
  const alternatives = requireArray(c.alternativeMeasurementIds, 'alternativeMeasurementIds', 1, 20).map((a, i) =>
    requireId(a, `alternativeMeasurementIds.${i}`),
  );
  requireUnique([id, ...alternatives], 'readings');
  alternatives.forEach((altId, i) => {
    const field = `alternativeMeasurementIds.${i}`;
    const alt = lookup(s.measurements, altId);
    if (!alt) reject(SubjectErrors.MEASUREMENT_NOT_FOUND, field, `No measurement ${altId}`);
    // Readings compete only when they measure the same thing: same biomarker, same study, same lesion.
    if (alt.biomarkerId !== m.biomarkerId || alt.studyInstanceUid !== m.studyInstanceUid || alt.lesionTrackingUid !== m.lesionTrackingUid) {
      reject(SubjectErrors.READINGS_NOT_COMPARABLE, field, `${altId} measures a different biomarker, study or lesion than ${id}`);
    }
  });
  return [
    {
      type: 'MeasurementReadingAccepted',
      data: {
        subjectId,
        measurementId: id,
        alternativeMeasurementIds: alternatives,
        adjudicatorId: requireId(c.adjudicatorId, 'adjudicatorId'),
        rationale: optionalText(c.rationale, 'rationale', MaxLength.reason, { multiline: true }),
        acceptedAt: ctx.now.toISOString(),
      },
    },
  ];
}

// ---------------------------------------------------------------------------------------------------------------
// Outcomes

function recordOutcome(c: RecordOutcome, state: SubjectState, ctx: SubjectDecisionContext, subjectId: string): SubjectEvent[] {
  const s = requireSubject(state);
  const trial = guardTrial(s, ctx);
  const outcomeId = requireId(c.outcomeId, 'outcomeId');
  if (lookup(s.outcomes, outcomeId)) reject(SubjectErrors.DUPLICATE_OUTCOME, 'outcomeId', `Outcome ${outcomeId} is already recorded`);
  const outcomeType = requireOneOf(c.outcomeType, OUTCOME_TYPES, 'outcomeType');
  const date = parseClinicalDate(c.occurredAt, 'occurredAt', { allowDateTime: true });
  const source = requireOneOf(c.source, OUTCOME_SOURCES, 'source');
  const recistResponse = optionalOneOf(c.recistResponse, RECIST_RESPONSES, 'recistResponse');
  if (outcomeType === 'response_assessment' && recistResponse === null)
    reject(SubjectErrors.RECIST_RESPONSE_REQUIRED, 'recistResponse', 'A response assessment needs its RECIST category');
  if (outcomeType !== 'response_assessment' && recistResponse !== null)
    reject(SubjectErrors.RECIST_RESPONSE_NOT_APPLICABLE, 'recistResponse', `A ${outcomeType} outcome has no RECIST category`);
  const stage = optionalStage(c.stage, 'stage');
  const timePoint = optionalText(c.timePoint, 'timePoint', MaxLength.code);
  if (timePoint !== null) checkTimePoint(trial, timePoint, 'timePoint');
  const notes = optionalText(c.notes, 'notes', MaxLength.text, { multiline: true });

  requireClinicalWindow(s, date, 'occurredAt', ctx.now, { checkDeath: false });
  if (s.deathDate !== null) {
    if (outcomeType === 'death') reject(SubjectErrors.DEATH_ALREADY_RECORDED, 'outcomeType', `Death is already recorded (${s.deathDate}); correct it instead`);
    if (isAfterDay(date, storedDate(s.deathDate))) reject(SubjectErrors.OUTCOME_AFTER_DEATH, 'occurredAt', `The subject died on ${s.deathDate}`);
  }
  if (outcomeType === 'death') {
    const later = s.outcomes.entries().find(([, o]) => isAfterDay(storedDate(o.occurredAt), date));
    if (later)
      reject(
        SubjectErrors.OUTCOME_AFTER_DEATH,
        'occurredAt',
        `Outcome ${later[0]} (${later[1].outcomeType}, ${later[1].occurredAt}) lies after this date of death`,
      );
  }
  return [
    {
      type: 'OutcomeRecorded',
      data: {
        subjectId,
        outcomeId,
        outcomeType,
        trialId: s.kind === 'trial' ? s.trialId : null,
        programmeId: s.kind === 'screening' ? s.programmeId : null,
        occurredAt: date.iso,
        source,
        recistResponse,
        stage,
        timePoint,
        notes,
      },
    },
  ];
}

/** Corrections are allowed after a death (they fix the record rather than add to the history). */
function correctOutcome(c: CorrectOutcome, state: SubjectState, ctx: SubjectDecisionContext, subjectId: string): SubjectEvent[] {
  const s = requireSubject(state);
  guardTrial(s, ctx, { correction: true });
  const outcomeId = requireId(c.outcomeId, 'outcomeId');
  const o = lookup(s.outcomes, outcomeId);
  if (!o) reject(SubjectErrors.OUTCOME_NOT_FOUND, 'outcomeId', `No outcome ${outcomeId}`);
  const reason = requireReason(c.reason);
  let occurredAt = o.occurredAt;
  if (c.occurredAt !== undefined && c.occurredAt !== null) {
    const date = parseClinicalDate(c.occurredAt, 'occurredAt', { allowDateTime: true });
    requireClinicalWindow(s, date, 'occurredAt', ctx.now, { checkDeath: false });
    occurredAt = date.iso;
  }
  const source = optionalOneOf(c.source, OUTCOME_SOURCES, 'source') ?? o.source;
  let recistResponse = o.recistResponse;
  if (c.recistResponse !== undefined && c.recistResponse !== null) {
    if (o.outcomeType !== 'response_assessment')
      reject(SubjectErrors.RECIST_RESPONSE_NOT_APPLICABLE, 'recistResponse', `A ${o.outcomeType} outcome has no RECIST category`);
    recistResponse = requireOneOf(c.recistResponse, RECIST_RESPONSES, 'recistResponse');
  }
  const stage = c.stage === undefined || c.stage === null ? o.stage : optionalStage(c.stage, 'stage');
  const previous = { occurredAt: o.occurredAt, source: o.source, recistResponse: o.recistResponse, stage: o.stage };
  const next = { occurredAt, source, recistResponse, stage };
  if (JSON.stringify(previous) === JSON.stringify(next)) reject(SubjectErrors.NOTHING_TO_CORRECT, 'outcomeId', 'The correction changes nothing');
  return [
    { type: 'OutcomeCorrected', data: { subjectId, outcomeId, outcomeType: o.outcomeType, ...next, previous, reason, correctedAt: ctx.now.toISOString() } },
  ];
}

// ---------------------------------------------------------------------------------------------------------------

function decide(command: SubjectCommand, state: SubjectState, ctx: SubjectDecisionContext): SubjectEvent[] {
  const subjectId = requireId(command.subjectId, 'subjectId');
  if (state.kind !== 'none' && state.subjectId !== subjectId) throw new Error(`Command for ${subjectId} was routed to the stream of ${state.subjectId}`);
  switch (command.type) {
    case 'EnrolSubject':
      return enrol(command, state, ctx, subjectId);
    case 'RandomiseSubject':
      return randomise(command, state, ctx, subjectId);
    case 'WithdrawSubject':
      return withdraw(command, state, ctx, subjectId);
    case 'InviteParticipant':
      return invite(command, state, ctx, subjectId);
    case 'RecordScreening':
      return recordScreening(command, state, ctx, subjectId);
    case 'RecordRecall':
      return recordRecall(command, state, ctx, subjectId);
    case 'RecordAssessmentOutcome':
      return recordAssessment(command, state, ctx, subjectId);
    case 'ReportIntervalCancer':
      return reportIntervalCancer(command, state, ctx, subjectId);
    case 'RecordOptOut':
      return recordOptOut(command, state, ctx, subjectId);
    case 'RecordMeasurement':
      return recordMeasurement(command, state, ctx, subjectId);
    case 'CorrectMeasurement':
      return correctMeasurement(command, state, ctx, subjectId);
    case 'RetractMeasurement':
      return retractMeasurement(command, state, ctx, subjectId);
    case 'AcceptMeasurementReading':
      return acceptReading(command, state, ctx, subjectId);
    case 'RecordOutcome':
      return recordOutcome(command, state, ctx, subjectId);
    case 'CorrectOutcome':
      return correctOutcome(command, state, ctx, subjectId);
    default:
      return reject(InputErrors.INVALID_ENUM_VALUE, 'type', `Unknown subject command ${(command as { type?: unknown }).type as string}`);
  }
}

export const subjectDecider: Decider<SubjectCommand, SubjectEvent, SubjectState, SubjectDecisionContext> = {
  initialState: initialSubjectState,
  evolve: evolveSubject,
  foldVersion: SUBJECT_FOLD_VERSION,
  decide,
};
