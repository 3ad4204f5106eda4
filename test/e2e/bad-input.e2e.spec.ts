import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { EVENT_STORE, type EventStore } from '#event-store';
import { startRegistry, type RunningRegistry } from '../../services/registry-api/src/bootstrap.js';
import { type AppConfig, loadConfig, projectRoot } from '#runtime';
import { issueLocalToken } from '../../services/registry-api/src/auth/local-signing-key.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

/**
 * Every mutation, fed malformed and hostile input one field at a time on top of an otherwise valid command: each
 * attempt must fail with a stable code and the offending field (GraphQL's own type errors name it in the message),
 * never as an internal error, and must leave the event count unchanged.
 */

// ---- attacks by kind of field ---------------------------------------------------------------------------------
/** JSON cannot carry NaN or Infinity: `INF` is spliced into the body as the literal 1e999 (JSON.parse → Infinity). */
const INF = '\u0000INF\u0000';
type Attack = readonly [label: string, value: unknown, codes: readonly string[]];
const TYPE = ['BAD_USER_INPUT'];
const huge = 'x'.repeat(20_000);
const nextYear = new Date(Date.now() + 400 * 86_400_000).toISOString().slice(0, 10);
const ATTACKS: Record<string, readonly Attack[]> = {
  text: [
    ['empty', '', ['FIELD_REQUIRED']],
    ['blank', '   ', ['FIELD_REQUIRED']],
    ['huge', huge, ['FIELD_TOO_LONG']],
    ['control characters', 'a\u0000b\u0007', ['INVALID_TEXT']],
    ['a number', 42, TYPE],
    ['an object', { $gt: '' }, TYPE],
  ],
  /** Optional text: blank means absent, so only values that can never be stored. */
  optText: [
    ['huge', huge, ['FIELD_TOO_LONG']],
    ['control characters', 'a\u0000b', ['INVALID_TEXT']],
    ['a number', 42, TYPE],
  ],
  /** A UCUM unit to define (any valid unit is fine). */
  ucum: [
    ['not UCUM', 'furlongs per fortnight', ['INVALID_UNIT', 'INVALID_UCUM_UNIT']],
    ['wrong case', 'MM', ['INVALID_UNIT', 'INVALID_UCUM_UNIT']],
    ['empty', '', ['FIELD_REQUIRED', 'INVALID_UNIT']],
  ],
  reason: [
    ['empty', '', ['REASON_REQUIRED']],
    ['blank', ' \n ', ['REASON_REQUIRED']],
    ['huge', huge, ['FIELD_TOO_LONG']],
    ['a list', ['why'], TYPE],
  ],
  id: [
    ['a path', '../../etc/passwd', ['INVALID_ID']],
    ['with spaces', 'a b', ['INVALID_ID']],
    ['SQL', "x'; DROP TABLE read_model.subjects; --", ['INVALID_ID']],
    ['huge', huge, ['FIELD_TOO_LONG']],
    ['a boolean', true, TYPE],
  ],
  /** An id that must name an existing record. */
  ref: [
    ['unknown', 'does-not-exist-0', ['*_NOT_FOUND', 'NOT_INVITED_IN_ROUND', 'SITE_NOT_ACTIVE', 'FORBIDDEN']],
    ['a path', '../x', ['INVALID_ID', 'FORBIDDEN']],
    ['huge', huge, ['FIELD_TOO_LONG', 'FORBIDDEN']],
    ['null', null, TYPE],
  ],
  date: [
    ['not a date', 'yesterday', ['INVALID_DATE']],
    ['impossible', '2025-02-30', ['INVALID_DATE']],
    ['empty', '', ['FIELD_REQUIRED', 'INVALID_DATE']],
    ['a number', 20250101, TYPE],
  ],
  clinicalDate: [
    ['in the future', nextYear, ['DATE_IN_FUTURE']],
    ['beyond the calendar', '2999-01-01', ['INVALID_DATE']],
    ['impossible', '2025-13-01', ['INVALID_DATE']],
    ['huge', huge, ['FIELD_TOO_LONG', 'INVALID_DATE']],
  ],
  float: [
    ['NaN (as a string)', 'NaN', TYPE],
    ['Infinity (1e999)', INF, TYPE],
    ['a numeric string', '12', TYPE],
    ['null', null, ['BAD_USER_INPUT', 'FIELD_REQUIRED']],
  ],
  /** An optional number: null means absent. */
  optFloat: [
    ['NaN (as a string)', 'NaN', TYPE],
    ['Infinity (1e999)', INF, TYPE],
    ['a numeric string', '12', TYPE],
  ],
  int: [
    ['fractional', 1.5, TYPE],
    ['beyond 32 bits', 2 ** 40, TYPE],
    ['Infinity (1e999)', INF, TYPE],
    ['negative', -5, ['OUT_OF_RANGE', 'BIOMARKER_VERSION_NOT_FOUND', 'INVALID_VERSION', 'VERSION_MISMATCH', 'NOT_NEXT_VERSION']],
  ],
  uid: [
    ['letters', 'abc', ['INVALID_DICOM_UID']],
    ['a leading zero', '1.2.03', ['INVALID_DICOM_UID']],
    ['over 64 characters', `1.${'2'.repeat(70)}`, ['INVALID_DICOM_UID']],
    ['empty', '', ['FIELD_REQUIRED', 'INVALID_DICOM_UID']],
  ],
  unit: [
    ['not UCUM', 'furlongs per fortnight', ['INVALID_UCUM_UNIT']],
    ['another dimension', 'kg', ['UNIT_NOT_CONVERTIBLE']],
    ['wrong case', 'MM', ['INVALID_UCUM_UNIT']],
    ['empty', '', ['FIELD_REQUIRED', 'INVALID_UNIT', 'UNIT_NOT_CONVERTIBLE']],
  ],
  enum: [
    ['not a value', 'NOT_A_VALUE', TYPE],
    ['lower case', 'manual', TYPE],
    ['a number', 3, TYPE],
  ],
};

// ---- fixtures ---------------------------------------------------------------------------------------------------
const T = 'bi-trial';
const SITE = 'bi-site';
const P = 'bi-prog';
const S = 'bi-subj';
const UID = (n: number) => `1.2.826.0.1.3680043.8.498.8${n}`;
const lesion = { trackingUid: UID(900), label: 'Lesion 1', role: 'TARGET' };
const valueType = { kind: 'QUANTITATIVE', unit: 'mm', plausibleRange: { min: 0, max: 500 } };

type Who = 'admin' | 'coordinator' | 'reader' | 'manager';
interface Case {
  readonly mutation: string;
  readonly who: Who;
  readonly input: Record<string, unknown>;
  /** Dotted path into the input → kind of attack. */
  readonly fields: Record<string, keyof typeof ATTACKS>;
  /** `<path> <attack>` → the field the registry names instead, where that is the deliberate answer. */
  readonly namedField?: Record<string, string>;
}

/** Batch mutations: a case sends its input as the one item of a batch (see `post`). */
const BATCHES = new Set(['recordMeasurements', 'recordScreenings']);

const CASES: readonly Case[] = [
  // catalogue and algorithms (admin)
  {
    mutation: 'defineBiomarker',
    who: 'admin',
    input: { code: 'BI_NEW', name: 'New', modality: 'CT', valueType },
    fields: { code: 'text', name: 'text', modality: 'enum', 'valueType.unit': 'ucum', 'valueType.plausibleRange.max': 'float', biomarkerId: 'id' },
  },
  {
    mutation: 'reviseBiomarker',
    who: 'admin',
    input: { biomarkerId: 'bi-ld', version: 2, reason: 'Range widened', name: 'LD', modality: 'CT', valueType },
    fields: { biomarkerId: 'ref', version: 'int', reason: 'reason', name: 'text' },
  },
  { mutation: 'retireBiomarker', who: 'admin', input: { biomarkerId: 'bi-ld', reason: 'Superseded' }, fields: { biomarkerId: 'ref', reason: 'reason' } },
  {
    mutation: 'registerAlgorithmVersion',
    who: 'admin',
    input: {
      manufacturer: 'Acme',
      name: 'NewAI',
      version: '1.0',
      intendedUse: 'Measuring',
      regulatory: { status: 'INVESTIGATIONAL' },
      biomarkerIds: ['bi-ld'],
      scoreRange: { min: 0, max: 1 },
    },
    fields: {
      manufacturer: 'text',
      version: 'text',
      intendedUse: 'text',
      'regulatory.status': 'enum',
      'biomarkerIds.0': 'ref',
      algorithmVersionId: 'id',
      'scoreRange.max': 'float',
    },
  },
  {
    mutation: 'suspendAlgorithmVersion',
    who: 'admin',
    input: { algorithmVersionId: 'bi-ai', reason: 'Drift' },
    fields: { algorithmVersionId: 'ref', reason: 'reason' },
  },
  {
    mutation: 'reinstateAlgorithmVersion',
    who: 'admin',
    input: { algorithmVersionId: 'bi-ai-suspended', reason: 'Fixed' },
    fields: { algorithmVersionId: 'ref', reason: 'reason' },
  },
  {
    mutation: 'withdrawAlgorithmVersion',
    who: 'admin',
    input: { algorithmVersionId: 'bi-ai', reason: 'Recalled' },
    fields: { algorithmVersionId: 'ref', reason: 'reason' },
  },
  // trials (coordinator)
  {
    mutation: 'registerTrial',
    who: 'coordinator',
    input: {
      trialId: 'bi-trial-2',
      identifiers: [{ system: 'NCT', value: 'NCT07777777' }],
      title: 'Second',
      phase: 'PHASE_II',
      sponsor: 'Acme',
      primaryEndpoint: 'OS',
    },
    fields: { title: 'text', sponsor: 'text', phase: 'enum', 'identifiers.0.system': 'enum' },
  },
  {
    mutation: 'addTrialArm',
    who: 'coordinator',
    input: { trialId: T, armCode: 'C', name: 'Third', armType: 'PLACEBO', plannedSize: 10 },
    fields: { trialId: 'ref', name: 'text', armType: 'enum', plannedSize: 'int' },
  },
  {
    mutation: 'activateTrialSite',
    who: 'coordinator',
    input: { trialId: T, siteId: 'bi-site-2', name: 'Second site' },
    fields: { trialId: 'ref', siteId: 'id', name: 'text' },
  },
  { mutation: 'closeTrialSite', who: 'coordinator', input: { trialId: T, siteId: SITE }, fields: { trialId: 'ref', siteId: 'ref' } },
  {
    mutation: 'defineVisitSchedule',
    who: 'coordinator',
    input: { trialId: T, reason: 'Amendment 2', timePoints: [{ code: 'BASELINE', label: 'Baseline', targetDay: 1, windowBeforeDays: 28, windowAfterDays: 0 }] },
    fields: { trialId: 'ref', 'timePoints.0.label': 'text', 'timePoints.0.windowBeforeDays': 'int' },
  },
  { mutation: 'openEnrolment', who: 'coordinator', input: { trialId: 'bi-trial-closed' }, fields: { trialId: 'ref' } },
  { mutation: 'closeEnrolment', who: 'coordinator', input: { trialId: T }, fields: { trialId: 'ref' } },
  {
    mutation: 'recordUnblinding',
    who: 'coordinator',
    input: { trialId: T, scope: 'SUBJECT', subjectId: S, reason: 'SAE', occurredAt: '2025-03-01' },
    fields: { trialId: 'ref', scope: 'enum', reason: 'reason', occurredAt: 'date' },
  },
  { mutation: 'lockTrial', who: 'coordinator', input: { trialId: T, reason: 'Interim' }, fields: { trialId: 'ref', reason: 'reason' } },
  { mutation: 'unlockTrial', who: 'coordinator', input: { trialId: 'bi-trial-locked', reason: 'Query' }, fields: { trialId: 'ref', reason: 'reason' } },
  // programmes and imaging
  {
    mutation: 'defineScreeningProgramme',
    who: 'manager',
    input: {
      programmeId: 'bi-prog-2',
      name: 'Lung',
      cancerType: 'LUNG',
      targetPopulation: 'Smokers',
      ageRange: { min: 50, max: 75 },
      intervalMonths: 24,
      kpiTargets: [],
    },
    fields: { name: 'text', cancerType: 'enum', 'ageRange.min': 'int', intervalMonths: 'int' },
  },
  {
    mutation: 'openScreeningRound',
    who: 'manager',
    input: { programmeId: P, roundId: 'r2', name: 'Round 2', opensOn: '2026-01-05' },
    fields: { programmeId: 'ref', name: 'text', opensOn: 'date' },
  },
  {
    mutation: 'closeScreeningRound',
    who: 'manager',
    input: { programmeId: P, roundId: 'r1', closesOn: '2025-12-31' },
    fields: { programmeId: 'ref', roundId: 'ref', closesOn: 'date' },
  },
  {
    mutation: 'registerImagingStudy',
    who: 'coordinator',
    input: {
      studyInstanceUid: UID(500),
      subjectId: S,
      modality: 'CT',
      acquisitionDateTime: '2025-03-01',
      siteId: SITE,
      scanner: { manufacturer: 'GE', model: 'X' },
      sliceThicknessMm: 1,
    },
    fields: { studyInstanceUid: 'uid', modality: 'enum', acquisitionDateTime: 'clinicalDate', 'scanner.model': 'text', sliceThicknessMm: 'optFloat' },
  },
  {
    mutation: 'correctAcquisitionParameters',
    who: 'coordinator',
    input: { studyInstanceUid: UID(1), reason: 'Header re-read', scanner: { manufacturer: 'GE', model: 'X' }, kvp: 120 },
    fields: {
      studyInstanceUid: 'uid',
      reason: 'reason',
      'scanner.model': 'text',
      'scanner.softwareVersion': 'optText',
      kvp: 'optFloat',
      reconstructionKernel: 'optText',
      contrastPhase: 'enum',
      'series.0.seriesInstanceUid': 'uid',
    },
  },
  {
    mutation: 'declareAcquisitionProtocol',
    who: 'coordinator',
    input: { trialId: T, name: 'Imaging manual', rules: [{ modality: 'CT', kvp: { min: 100, max: 120 } }] },
    fields: { trialId: 'id', name: 'text', 'rules.0.modality': 'enum', 'rules.0.kvp.max': 'optFloat', 'rules.0.reconstructionKernels.0': 'text' },
  },
  // subjects: trial side
  {
    mutation: 'enrolSubject',
    who: 'coordinator',
    input: { subjectId: 'bi-subj-new', trialId: T, siteId: SITE, pseudonym: 'ONC-0099', consentVersion: 'v1', consentDate: '2025-02-01' },
    fields: {
      subjectId: 'id',
      pseudonym: 'text',
      consentVersion: 'text',
      consentDate: 'clinicalDate',
      'personal.comment': 'optText',
      'personal.yearOfBirth': 'int',
      'personal.sex': 'enum',
    },
  },
  {
    mutation: 'randomiseSubject',
    who: 'coordinator',
    input: { subjectId: S, armCode: 'A', stratum: 'S1' },
    fields: { subjectId: 'ref', armCode: 'text', stratum: 'text', randomisedAt: 'clinicalDate' },
  },
  {
    mutation: 'withdrawSubject',
    who: 'coordinator',
    input: { subjectId: S, withdrawalDate: '2025-04-01', reason: 'Consent withdrawn' },
    fields: { subjectId: 'ref', withdrawalDate: 'clinicalDate', reason: 'reason' },
  },
  // measurements and outcomes
  {
    mutation: 'recordMeasurement',
    who: 'reader',
    input: {
      subjectId: S,
      biomarkerId: 'bi-ld',
      biomarkerVersion: 1,
      value: { value: 12.5, unit: 'mm' },
      studyInstanceUid: UID(1),
      timePoint: 'BASELINE',
      method: 'MANUAL',
      lesion,
    },
    fields: {
      subjectId: 'ref',
      biomarkerId: 'ref',
      biomarkerVersion: 'int',
      'value.value': 'float',
      'value.unit': 'unit',
      studyInstanceUid: 'uid',
      timePoint: 'text',
      method: 'enum',
      'lesion.trackingUid': 'uid',
      'lesion.role': 'enum',
      algorithmVersionId: 'id',
      measurementId: 'id',
    },
  },
  {
    mutation: 'recordMeasurements',
    who: 'reader',
    input: {
      subjectId: S,
      biomarkerId: 'bi-ld',
      biomarkerVersion: 1,
      value: { value: 12.5, unit: 'mm' },
      studyInstanceUid: UID(1),
      timePoint: 'BASELINE',
      method: 'MANUAL',
      lesion,
    },
    fields: {
      subjectId: 'ref',
      biomarkerId: 'ref',
      biomarkerVersion: 'int',
      'value.value': 'float',
      'value.unit': 'unit',
      studyInstanceUid: 'uid',
      timePoint: 'text',
      method: 'enum',
      'lesion.role': 'enum',
      measurementId: 'id',
    },
  },
  {
    mutation: 'correctMeasurement',
    who: 'reader',
    input: { subjectId: S, measurementId: 'bi-m1', value: { value: 13, unit: 'mm' }, reason: 'Re-read' },
    fields: { measurementId: 'ref', 'value.value': 'float', 'value.unit': 'unit', reason: 'reason' },
  },
  {
    mutation: 'retractMeasurement',
    who: 'reader',
    input: { subjectId: S, measurementId: 'bi-m1', reason: 'Wrong series' },
    fields: { subjectId: 'ref', measurementId: 'ref', reason: 'reason' },
  },
  {
    mutation: 'acceptMeasurementReading',
    who: 'coordinator',
    input: { subjectId: S, measurementId: 'bi-m1', alternativeMeasurementIds: ['bi-m2'] },
    fields: { measurementId: 'ref', 'alternativeMeasurementIds.0': 'ref', rationale: 'optText' },
  },
  {
    mutation: 'recordOutcome',
    who: 'coordinator',
    input: { subjectId: S, outcomeType: 'PROGRESSION', occurredAt: '2025-04-01', source: 'INVESTIGATOR' },
    fields: { subjectId: 'ref', outcomeType: 'enum', occurredAt: 'clinicalDate', source: 'enum', recistResponse: 'enum', outcomeId: 'id' },
  },
  {
    mutation: 'correctOutcome',
    who: 'coordinator',
    input: { subjectId: S, outcomeId: 'bi-o1', occurredAt: '2025-03-20', reason: 'Source document' },
    fields: { outcomeId: 'ref', occurredAt: 'clinicalDate', reason: 'reason', source: 'enum' },
  },
  // screening participants
  {
    mutation: 'inviteParticipant',
    who: 'manager',
    input: { subjectId: 'bi-new', programmeId: P, roundId: 'r1', pseudonym: 'BCS-000900', invitedOn: '2025-02-01' },
    fields: { programmeId: 'ref', roundId: 'ref', pseudonym: 'text', invitedOn: 'clinicalDate' },
  },
  {
    mutation: 'recordScreening',
    who: 'manager',
    input: {
      subjectId: 'bi-p4',
      roundId: 'r1',
      screenedOn: '2025-02-10',
      siteId: 'unit-1',
      modality: 'MG',
      humanReading: { result: 'NEGATIVE' },
      aiReading: { algorithmVersionId: 'bi-ai', score: 0.3, aiPositive: false },
    },
    fields: {
      subjectId: 'ref',
      roundId: 'ref',
      screenedOn: 'clinicalDate',
      siteId: 'id',
      modality: 'enum',
      'humanReading.result': 'enum',
      'aiReading.score': 'float',
      'aiReading.algorithmVersionId': 'ref',
    },
    // The subject decider answers a screening of someone never invited with NOT_INVITED_IN_ROUND on roundId.
    namedField: { 'subjectId unknown': 'roundId' },
  },
  {
    mutation: 'recordScreenings',
    who: 'manager',
    input: {
      subjectId: 'bi-p4',
      roundId: 'r1',
      screenedOn: '2025-02-10',
      siteId: 'unit-1',
      modality: 'MG',
      humanReading: { result: 'NEGATIVE' },
      aiReading: { algorithmVersionId: 'bi-ai', score: 0.3, aiPositive: false },
    },
    fields: {
      subjectId: 'ref',
      roundId: 'ref',
      screenedOn: 'clinicalDate',
      siteId: 'id',
      modality: 'enum',
      'humanReading.result': 'enum',
      'aiReading.score': 'float',
      'aiReading.algorithmVersionId': 'ref',
    },
    namedField: { 'subjectId unknown': 'roundId' },
  },
  {
    mutation: 'recordRecall',
    who: 'manager',
    input: { subjectId: 'bi-p2', screeningId: 'bi-scr2', recalledOn: '2025-02-20' },
    fields: { subjectId: 'ref', screeningId: 'ref', recalledOn: 'clinicalDate', reason: 'optText' },
  },
  {
    mutation: 'recordAssessmentOutcome',
    who: 'manager',
    input: { subjectId: 'bi-p1', screeningId: 'bi-scr1', outcome: 'CANCER', assessedOn: '2025-03-01', diagnosisDate: '2025-03-01', stage: 'IA' },
    fields: { screeningId: 'ref', outcome: 'enum', assessedOn: 'clinicalDate', diagnosisDate: 'clinicalDate', stage: 'text' },
  },
  {
    mutation: 'reportIntervalCancer',
    who: 'manager',
    input: { subjectId: 'bi-p3', diagnosisDate: '2025-09-01', source: 'HOSPITAL_RECORD' },
    fields: { subjectId: 'ref', diagnosisDate: 'clinicalDate', source: 'enum', stage: 'text', reportId: 'id' },
  },
  {
    mutation: 'recordOptOut',
    who: 'manager',
    input: { subjectId: 'bi-p3', optedOutOn: '2025-05-01' },
    fields: { subjectId: 'ref', optedOutOn: 'clinicalDate' },
  },
];

/** A copy of `input` with `path` set to `value` (creating intermediate objects and list items). */
function withValue(input: Record<string, unknown>, path: string, value: unknown): Record<string, unknown> {
  const copy = structuredClone(input);
  const keys = path.split('.');
  let node: Record<string, unknown> = copy;
  for (const key of keys.slice(0, -1)) {
    node[key] ??= /^\d+$/.test(keys[keys.indexOf(key) + 1] ?? '') ? [] : {};
    node = node[key] as Record<string, unknown>;
  }
  node[keys.at(-1)!] = value;
  return copy;
}

function matchesCode(code: string, expected: readonly string[]): boolean {
  return expected.some((e) => (e.startsWith('*') ? code.endsWith(e.slice(1)) : code === e));
}

describe('bad input: every mutation refuses malformed and hostile values with a code and a field, and writes nothing', () => {
  let db: TestDatabase;
  let dataDir: string;
  let config: AppConfig;
  let registry: RunningRegistry;
  let store: EventStore;
  const tokens = {} as Record<Who, string>;

  async function post(who: Who, mutation: string, input: Record<string, unknown>): Promise<{ status: number; body: any }> {
    const inputType = `${mutation[0]!.toUpperCase()}${mutation.slice(1)}Input`;
    const batch = BATCHES.has(mutation);
    const selection = batch ? '{ accepted items { receipt { id } error { code field message } } }' : '{ id events }';
    const query = `mutation($input: ${inputType}!) { ${mutation}(input: $input) ${selection} }`;
    // A batch case is one item: the attacked fields are the item's, and so is the error (its field without `items.0.`).
    const variables = batch
      ? { input: { commandId: input['commandId'], items: [Object.fromEntries(Object.entries(input).filter(([k]) => k !== 'commandId'))] } }
      : { input };
    const body = JSON.stringify({ query, variables }).replaceAll(JSON.stringify(INF), '1e999');
    const res = await fetch(registry.url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens[who]}` }, body });
    const json: any = await res.json().catch(() => ({}));
    const item = batch ? json.data?.[mutation]?.items?.[0] : undefined;
    if (!item) {
      // Refused before execution (the edge's input rules name the field inside the batch's input): the item's field.
      if (batch)
        for (const e of json.errors ?? []) if (typeof e.extensions?.field === 'string') e.extensions.field = e.extensions.field.replace(/^items\.0\./, '');
      return { status: res.status, body: json };
    }
    if (item.receipt) return { status: res.status, body: { data: { [mutation]: item.receipt } } };
    const field = String(item.error.field).replace(/^items\.0\.?/, '');
    return {
      status: res.status,
      body: { data: { [mutation]: null }, errors: [{ message: item.error.message, extensions: { code: item.error.code, field } }] },
    };
  }
  async function ok(who: Who, mutation: string, input: Record<string, unknown>): Promise<void> {
    const res = await post(who, mutation, { commandId: randomUUID(), ...input });
    if (res.body.errors) throw new Error(`fixture ${mutation}: ${JSON.stringify(res.body.errors)}`);
  }
  const eventCount = async () => await store.countEvents();

  beforeAll(async () => {
    db = await createTestDatabase();
    dataDir = await mkdtemp(join(tmpdir(), 'registry-bad-input-'));
    config = loadConfig({ ...db.appEnv, PORT: '0', LOG_LEVEL: 'silent', DATA_DIR: dataDir, PROJECTOR: 'off', RATE_LIMIT_PER_MINUTE: '1000000' });
    registry = await startRegistry(config);
    store = registry.app.get<EventStore>(EVENT_STORE);
    const all = { trials: ['*'], programmes: ['*'], sites: ['*'] };
    tokens.admin = await issueLocalToken(config, { sub: 'bi-admin', role: 'admin' });
    tokens.coordinator = await issueLocalToken(config, { sub: 'bi-coordinator', role: 'coordinator', ...all });
    tokens.reader = await issueLocalToken(config, { sub: 'bi-reader', role: 'reader', ...all });
    tokens.manager = await issueLocalToken(config, { sub: 'bi-manager', role: 'screening_manager', ...all });

    // The records every valid-but-for-one-field command refers to.
    await ok('admin', 'defineBiomarker', { biomarkerId: 'bi-ld', code: 'BI_LD', name: 'Lesion diameter', modality: 'CT', valueType });
    for (const id of ['bi-ai', 'bi-ai-suspended']) {
      await ok('admin', 'registerAlgorithmVersion', {
        algorithmVersionId: id,
        manufacturer: 'Acme',
        name: id,
        version: '1.0',
        intendedUse: 'Measuring',
        regulatory: { status: 'INVESTIGATIONAL' },
        biomarkerIds: ['bi-ld'],
        scoreRange: { min: 0, max: 1 },
      });
    }
    await ok('admin', 'suspendAlgorithmVersion', { algorithmVersionId: 'bi-ai-suspended', reason: 'Drift' });
    const trial = (trialId: string, nct: string) => ({
      trialId,
      identifiers: [{ system: 'NCT', value: nct }],
      title: trialId,
      phase: 'PHASE_III',
      sponsor: 'Acme',
      primaryEndpoint: 'PFS',
    });
    await ok('coordinator', 'registerTrial', trial(T, 'NCT07000001'));
    await ok('coordinator', 'registerTrial', trial('bi-trial-closed', 'NCT07000002'));
    await ok('coordinator', 'registerTrial', trial('bi-trial-locked', 'NCT07000003'));
    await ok('coordinator', 'lockTrial', { trialId: 'bi-trial-locked', reason: 'Final lock' });
    for (const armCode of ['A', 'B']) await ok('coordinator', 'addTrialArm', { trialId: T, armCode, name: armCode, armType: 'EXPERIMENTAL', plannedSize: 50 });
    await ok('coordinator', 'activateTrialSite', { trialId: T, siteId: SITE, name: 'Site' });
    await ok('coordinator', 'defineVisitSchedule', {
      trialId: T,
      timePoints: [{ code: 'BASELINE', label: 'Baseline', targetDay: 1, windowBeforeDays: 28, windowAfterDays: 0 }],
    });
    await ok('coordinator', 'openEnrolment', { trialId: T });
    await ok('coordinator', 'enrolSubject', { subjectId: S, trialId: T, siteId: SITE, pseudonym: 'ONC-0001', consentVersion: 'v1', consentDate: '2025-01-10' });
    await ok('coordinator', 'registerImagingStudy', {
      studyInstanceUid: UID(1),
      subjectId: S,
      modality: 'CT',
      acquisitionDateTime: '2025-01-20',
      siteId: SITE,
      scanner: { manufacturer: 'GE', model: 'X' },
    });
    for (const measurementId of ['bi-m1', 'bi-m2']) {
      await ok('reader', 'recordMeasurement', {
        subjectId: S,
        measurementId,
        biomarkerId: 'bi-ld',
        biomarkerVersion: 1,
        value: { value: 12, unit: 'mm' },
        studyInstanceUid: UID(1),
        timePoint: 'BASELINE',
        method: 'MANUAL',
        lesion,
      });
    }
    await ok('coordinator', 'recordOutcome', {
      subjectId: S,
      outcomeId: 'bi-o1',
      outcomeType: 'PROGRESSION',
      occurredAt: '2025-03-15',
      source: 'INVESTIGATOR',
    });
    await ok('manager', 'defineScreeningProgramme', {
      programmeId: P,
      name: 'Breast',
      cancerType: 'BREAST',
      targetPopulation: 'Women',
      ageRange: { min: 50, max: 75 },
      intervalMonths: 24,
      kpiTargets: [],
    });
    await ok('manager', 'openScreeningRound', { programmeId: P, roundId: 'r1', name: 'Round 1', opensOn: '2025-01-06' });
    for (const [i, result] of [
      [1, 'POSITIVE'],
      [2, 'POSITIVE'],
      [3, 'NEGATIVE'],
      [4, null],
    ] as const) {
      await ok('manager', 'inviteParticipant', { subjectId: `bi-p${i}`, programmeId: P, roundId: 'r1', pseudonym: `BCS-00010${i}`, invitedOn: '2025-01-20' });
      if (result)
        await ok('manager', 'recordScreening', {
          subjectId: `bi-p${i}`,
          screeningId: `bi-scr${i}`,
          roundId: 'r1',
          screenedOn: '2025-02-01',
          siteId: 'unit-1',
          modality: 'MG',
          humanReading: { result },
        });
    }
    await ok('manager', 'recordRecall', { subjectId: 'bi-p1', screeningId: 'bi-scr1', recalledOn: '2025-02-15' });
  });
  afterAll(async () => {
    await registry.stop();
    await db.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('covers every mutation of the schema', async () => {
    const dir = join(projectRoot(), 'graphql');
    // The write side's mutations live in graphql/*.mutations.graphql.
    const sdl = (await Promise.all((await readdir(dir)).filter((f) => f.endsWith('.mutations.graphql')).map((f) => readFile(join(dir, f), 'utf8')))).join('\n');
    const mutations = [...sdl.matchAll(/type Mutation \{([^}]*)\}/g)].flatMap((m) => [...m[1]!.matchAll(/^\s*(\w+)\(/gm)].map((f) => f[1]!));
    expect(mutations.length).toBeGreaterThanOrEqual(CASES.length);
    expect(CASES.map((c) => c.mutation).sort()).toEqual([...new Set(mutations)].sort());
  });

  it.each(CASES.map((c) => [c.mutation, c] as const))('%s', async (_name, c) => {
    const before = await eventCount();
    const failures: string[] = [];
    for (const [path, kind] of Object.entries(c.fields)) {
      for (const [label, value, codes] of ATTACKS[kind]!) {
        const res = await post(c.who, c.mutation, withValue({ commandId: randomUUID(), ...c.input }, path, value));
        const error = res.body.errors?.[0];
        const code: string = error?.extensions?.code ?? `HTTP ${res.status}`;
        const leaf = path
          .split('.')
          .filter((k) => !/^\d+$/.test(k))
          .at(-1)!;
        const field = c.namedField?.[`${path} ${label}`] ?? path;
        const fieldOk =
          code === 'FORBIDDEN' ||
          (code === 'BAD_USER_INPUT'
            ? String(error?.message).includes(leaf)
            : error?.extensions?.field === field || String(error?.extensions?.field).startsWith(`${field}.`));
        if (!error || res.body.data?.[c.mutation] || !matchesCode(code, codes) || !fieldOk) {
          failures.push(`${path} ${label}: ${code} field=${String(error?.extensions?.field)} ${String(error?.message).slice(0, 160)}`);
        }
      }
    }
    expect(failures).toEqual([]);
    expect(await eventCount()).toBe(before);
  });

  it('refuses a body far beyond the size limit without writing', async () => {
    const before = await eventCount();
    const res = await post('coordinator', 'recordOutcome', {
      commandId: randomUUID(),
      subjectId: S,
      outcomeType: 'PROGRESSION',
      occurredAt: '2025-04-01',
      source: 'INVESTIGATOR',
      notes: 'x'.repeat(2_000_000),
    });
    expect(res.status === 413 || res.body.errors?.[0]?.extensions?.code === 'FIELD_TOO_LONG').toBe(true);
    expect(await eventCount()).toBe(before);
  });

  it('refuses a missing or malformed commandId and an impossible expectedVersion on every subject mutation', async () => {
    const before = await eventCount();
    for (const c of CASES.filter((x) => ['recordMeasurement', 'enrolSubject', 'inviteParticipant', 'recordOutcome'].includes(x.mutation))) {
      for (const [patch, code, field] of [
        [{ commandId: '' }, 'INVALID_COMMAND_ID', 'commandId'],
        [{ commandId: 'a b' }, 'INVALID_COMMAND_ID', 'commandId'],
        [{ commandId: randomUUID(), expectedVersion: -7 }, 'OUT_OF_RANGE', 'expectedVersion'],
        [{ commandId: randomUUID(), expectedVersion: 99 }, 'CONCURRENCY_CONFLICT', 'expectedVersion'],
      ] as const) {
        const res = await post(c.who, c.mutation, { ...c.input, ...patch });
        expect([c.mutation, res.body.errors?.[0]?.extensions?.code, res.body.errors?.[0]?.extensions?.field]).toEqual([c.mutation, code, field]);
      }
    }
    expect(await eventCount()).toBe(before);
  });
});
