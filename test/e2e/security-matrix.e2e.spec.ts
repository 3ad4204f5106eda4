import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { GraphQLSchemaHost } from '@nestjs/graphql';
import type { GraphQLObjectType, GraphQLSchema } from 'graphql';
import pg from 'pg';
import { startRegistry, type RunningRegistry } from '../../services/registry-api/src/bootstrap.js';
import { type AppConfig, loadConfig } from '#runtime';
import { issueLocalToken } from '../../services/registry-api/src/auth/local-signing-key.js';
import { ROLE_SCOPE_DIMENSIONS, ROLES, type Role, type ScopeDimension } from '../../services/registry-api/src/auth/actor.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { countStoredEvents } from '../../libs/event-store/src/testing/postgres-log-tampering.js';
import { dataQueryId } from '../../libs/projections/src/quality/data-quality-monitor.js';

/**
 * Issue 5's role matrix: every root Query and Mutation field of the executable schema × every role × (in scope,
 * out of scope), plus no token. A denied call is FORBIDDEN with the one message whether its target exists or not,
 * returns no data and appends no event; an allowed call is anything but FORBIDDEN / UNAUTHENTICATED (business
 * errors are fine: this tests the gate, not the feature). A new operation without a row in POLICY fails the test.
 */

const T = 'mx-trial';
const S = 'mx-site';
const P = 'mx-prog';
const ROUND = 'r1';
const BIOMARKER = 'mx-bm';
const ALGORITHM = 'mx-algo';
const STUDY_T = '1.2.826.0.1.3680043.8.498.81001';
const STUDY_P = '1.2.826.0.1.3680043.8.498.81002';
const OTHER = 'mx-other';
const DENIAL = 'You are not allowed to do this, or it does not exist';

/** The ids a request targets: the fixtures, or (for the existence-leak check) ids that exist nowhere. */
interface Ids {
  trial: string;
  site: string;
  programme: string;
  round: string;
  subject: string;
  participant: string;
  measurement: string;
  outcome: string;
  screening: string;
  biomarker: string;
  algorithm: string;
  study: string;
  participantStudy: string;
  snapshot: string;
  programmeSnapshot: string;
  exportJob: string;
  rule: string;
  query: string;
}
const MISSING: Ids = {
  trial: 'mx-no-trial',
  site: 'mx-no-site',
  programme: 'mx-no-prog',
  round: 'mx-no-round',
  subject: 'mx-no-subject',
  participant: 'mx-no-participant',
  measurement: 'mx-no-measurement',
  outcome: 'mx-no-outcome',
  screening: 'mx-no-screening',
  biomarker: 'mx-no-bm',
  algorithm: 'mx-no-algo',
  study: '1.2.826.0.1.3680043.8.498.89998',
  participantStudy: '1.2.826.0.1.3680043.8.498.89999',
  snapshot: 'mx-no-snapshot',
  programmeSnapshot: 'mx-no-programme-snapshot',
  exportJob: 'mx-no-export-job',
  rule: 'mx-no-rule',
  query: 'mx-no-query',
};

const ALL = ROLES;
/** Data managers read data queries and rules, not subject or measurement lists (yet). */
const ALL_BUT_DATA_MANAGER = ROLES.filter((r) => r !== 'data_manager');
const AUDITORS: Role[] = ['regulator', 'admin'];
/**
 * 'global': nothing trial/programme/site-bound (out of scope = in scope). 'filter': a list that shows a confined
 * actor only its own rows (allowed either way). Dimensions: the request targets the fixtures along them, so a role
 * confined along any of them is denied out of scope.
 */
type Scope = 'global' | 'filter' | readonly ScopeDimension[];
interface Row {
  readonly op: string;
  /** Which record the request targets, when an operation has rows for more than one kind of target. */
  readonly target?: string;
  readonly roles: readonly Role[];
  readonly scope: Scope;
  readonly args: (ids: Ids) => Record<string, unknown>;
}

const cid = () => ({ commandId: randomUUID() });
const scanner = { manufacturer: 'Siemens', model: 'Somatom' };
const population = (ids: Ids) => ({ trialIds: [ids.trial] });

/** The expected policy of every operation: the table reviewers read. Keep it in step with the resolvers' @Authorize. */
const POLICY: readonly Row[] = [
  // Analysis (analytics/analytics.resolver.ts)
  {
    op: 'validationStudy',
    roles: ['biostatistician', 'regulator'],
    scope: ['trial'],
    args: (i) => ({
      input: {
        biomarkerId: i.biomarker,
        timePoint: 'BASELINE',
        indexTest: { readerId: 'mx-reader' },
        population: population(i),
        endpoint: { kind: 'TIME_TO_EVENT', outcomeTypes: ['death'] },
      },
    }),
  },
  {
    op: 'agreement',
    roles: ['biostatistician', 'regulator'],
    scope: ['trial'],
    args: (i) => ({
      input: { biomarkerId: i.biomarker, population: population(i), raterA: { readerId: 'mx-reader' }, raterB: { algorithmVersionId: i.algorithm } },
    }),
  },
  {
    op: 'algorithmSurveillance',
    roles: ['biostatistician', 'screening_manager', 'regulator'],
    scope: ['programme'],
    args: (i) => ({ input: { algorithmVersionId: i.algorithm, programmeIds: [i.programme] } }),
  },
  {
    op: 'surveillanceAlarms',
    roles: ['biostatistician', 'screening_manager', 'regulator'],
    scope: 'global',
    args: (i) => ({ algorithmVersionId: i.algorithm }),
  },
  {
    op: 'surveillanceDriftAlarms',
    roles: ['biostatistician', 'screening_manager', 'regulator'],
    scope: 'global',
    args: (i) => ({ algorithmVersionId: i.algorithm }),
  },
  {
    // Over the caller's own grants only (a product on the market, no trial or programme argument): like the alarms.
    op: 'surveillanceReport',
    roles: ['biostatistician', 'screening_manager', 'regulator'],
    scope: 'global',
    args: (i) => ({ algorithmVersionId: i.algorithm, from: '2025-01-01T00:00:00Z', to: '2026-01-01T00:00:00Z' }),
  },
  {
    op: 'screeningKpis',
    roles: ['biostatistician', 'screening_manager', 'regulator'],
    scope: ['programme'],
    args: (i) => ({ input: { programmeId: i.programme } }),
  },
  {
    op: 'recist',
    roles: ['coordinator', 'biostatistician', 'regulator'],
    scope: ['trial', 'site'],
    args: (i) => ({ subjectId: i.subject, reading: { accepted: 'ACCEPTED_OR_ONLY' } }),
  },
  {
    op: 'raiseSurveillanceAlarms',
    roles: ['screening_manager', 'admin'],
    scope: ['programme'],
    args: (i) => ({ ...cid(), input: { algorithmVersionId: i.algorithm, programmeIds: [i.programme] } }),
  },
  // Audit trail (audit/audit.resolver.ts, status/status.resolver.ts)
  { op: 'history', roles: AUDITORS, scope: 'global', args: (i) => ({ streamId: `trial-${i.trial}` }) },
  { op: 'auditLog', roles: AUDITORS, scope: 'global', args: (i) => ({ filter: { trialId: i.trial }, first: 5 }) },
  { op: 'auditExport', roles: AUDITORS, scope: 'global', args: (i) => ({ filter: { trialId: i.trial } }) },
  { op: 'auditSeals', roles: AUDITORS, scope: 'global', args: () => ({ first: 5 }) },
  { op: 'verifyAuditSeals', roles: AUDITORS, scope: 'global', args: () => ({}) },
  { op: 'accessLog', roles: AUDITORS, scope: 'global', args: () => ({ first: 5 }) },
  { op: 'verifyAuditTrail', roles: AUDITORS, scope: 'global', args: (i) => ({ streamId: `trial-${i.trial}` }) },
  { op: 'sealAuditTrail', roles: ['admin'], scope: 'global', args: () => ({}) },
  { op: 'registryStatus', roles: ALL, scope: 'global', args: () => ({}) },
  // Catalogue and algorithm registry
  { op: 'biomarkers', roles: ALL, scope: 'global', args: () => ({ first: 5 }) },
  { op: 'algorithmVersions', roles: ALL, scope: 'global', args: () => ({ first: 5 }) },
  {
    op: 'defineBiomarker',
    roles: ['admin'],
    scope: 'global',
    args: (i) => ({
      input: {
        ...cid(),
        biomarkerId: i.biomarker,
        code: 'MX_BM',
        name: 'Matrix biomarker',
        modality: 'CT',
        valueType: { kind: 'QUANTITATIVE', unit: 'mm', plausibleRange: { min: 0, max: 500 } },
      },
    }),
  },
  {
    op: 'reviseBiomarker',
    roles: ['admin'],
    scope: 'global',
    args: (i) => ({
      input: {
        ...cid(),
        biomarkerId: i.biomarker,
        version: 1,
        reason: 'matrix',
        name: 'Matrix biomarker 2',
        modality: 'CT',
        valueType: { kind: 'QUANTITATIVE', unit: 'mm', plausibleRange: { min: 0, max: 500 } },
      },
    }),
  },
  { op: 'retireBiomarker', roles: ['admin'], scope: 'global', args: (i) => ({ input: { ...cid(), biomarkerId: i.biomarker, reason: 'matrix' } }) },
  {
    op: 'registerAlgorithmVersion',
    roles: ['admin'],
    scope: 'global',
    args: (i) => ({
      input: {
        ...cid(),
        algorithmVersionId: i.algorithm,
        manufacturer: 'Acme',
        name: 'MX',
        version: '1.0',
        intendedUse: 'matrix',
        regulatory: { status: 'CE_MARKED', ceClass: 'IIA' },
        biomarkerIds: [i.biomarker],
      },
    }),
  },
  {
    op: 'suspendAlgorithmVersion',
    roles: ['admin'],
    scope: 'global',
    args: (i) => ({ input: { ...cid(), algorithmVersionId: i.algorithm, reason: 'matrix' } }),
  },
  {
    op: 'reinstateAlgorithmVersion',
    roles: ['admin'],
    scope: 'global',
    args: (i) => ({ input: { ...cid(), algorithmVersionId: i.algorithm, reason: 'matrix' } }),
  },
  {
    op: 'withdrawAlgorithmVersion',
    roles: ['admin'],
    scope: 'global',
    args: (i) => ({ input: { ...cid(), algorithmVersionId: i.algorithm, reason: 'matrix' } }),
  },
  // Trials
  { op: 'trials', roles: ['coordinator', 'biostatistician', 'regulator', 'admin'], scope: 'filter', args: () => ({ first: 5 }) },
  { op: 'trial', roles: ['coordinator', 'biostatistician', 'regulator', 'admin'], scope: ['trial'], args: (i) => ({ id: i.trial }) },
  {
    op: 'registerTrial',
    roles: ['coordinator', 'admin'],
    scope: ['trial'],
    args: (i) => ({
      input: {
        ...cid(),
        trialId: i.trial,
        identifiers: [{ system: 'NCT', value: 'NCT07000001' }],
        title: 'Matrix',
        phase: 'PHASE_III',
        sponsor: 'Acme',
        primaryEndpoint: 'PFS',
      },
    }),
  },
  {
    op: 'addTrialArm',
    roles: ['coordinator'],
    scope: ['trial'],
    args: (i) => ({ input: { ...cid(), trialId: i.trial, armCode: 'B', name: 'Placebo', armType: 'PLACEBO', plannedSize: 10 } }),
  },
  {
    op: 'activateTrialSite',
    roles: ['coordinator'],
    scope: ['trial', 'site'],
    args: (i) => ({ input: { ...cid(), trialId: i.trial, siteId: i.site, name: 'Site' } }),
  },
  { op: 'closeTrialSite', roles: ['coordinator'], scope: ['trial', 'site'], args: (i) => ({ input: { ...cid(), trialId: i.trial, siteId: i.site } }) },
  {
    op: 'defineVisitSchedule',
    roles: ['coordinator'],
    scope: ['trial'],
    args: (i) => ({
      input: { ...cid(), trialId: i.trial, timePoints: [{ code: 'W8', label: 'Week 8', targetDay: 57, windowBeforeDays: 7, windowAfterDays: 7 }] },
    }),
  },
  { op: 'openEnrolment', roles: ['coordinator'], scope: ['trial'], args: (i) => ({ input: { ...cid(), trialId: i.trial } }) },
  { op: 'closeEnrolment', roles: ['coordinator'], scope: ['trial'], args: (i) => ({ input: { ...cid(), trialId: i.trial } }) },
  {
    op: 'recordUnblinding',
    roles: ['coordinator'],
    scope: ['trial'],
    args: (i) => ({ input: { ...cid(), trialId: i.trial, scope: 'SUBJECT', reason: 'matrix', occurredAt: '2025-02-01' } }),
  },
  { op: 'lockTrial', roles: ['coordinator'], scope: ['trial'], args: (i) => ({ input: { ...cid(), trialId: i.trial, reason: 'matrix' } }) },
  { op: 'unlockTrial', roles: ['coordinator'], scope: ['trial'], args: (i) => ({ input: { ...cid(), trialId: i.trial, reason: 'matrix' } }) },
  // Electronic signatures (signatures/, access/signing-policy.ts: who may sign what with which meaning)
  {
    op: 'signRecord',
    target: 'trial',
    roles: ['coordinator', 'biostatistician'],
    scope: ['trial'],
    args: (i) => ({ input: { ...cid(), target: { trial: { trialId: i.trial } }, meaning: 'REVIEW', statement: 'matrix' } }),
  },
  {
    op: 'signRecord',
    target: 'subject',
    roles: ['coordinator'],
    scope: ['trial', 'site'],
    args: (i) => ({ input: { ...cid(), target: { subject: { subjectId: i.subject } }, meaning: 'APPROVAL', statement: 'matrix' } }),
  },
  {
    op: 'signRecord',
    target: 'measurement',
    roles: ['coordinator', 'reader'],
    scope: ['trial', 'site'],
    args: (i) => ({
      input: { ...cid(), target: { measurement: { subjectId: i.subject, measurementId: i.measurement } }, meaning: 'VERIFICATION', statement: 'matrix' },
    }),
  },
  {
    op: 'signRecord',
    target: 'lock',
    roles: ['coordinator'],
    scope: ['trial'],
    args: (i) => ({ input: { ...cid(), target: { lock: { trialId: i.trial } }, meaning: 'APPROVAL', statement: 'matrix' } }),
  },
  // Screening programmes
  { op: 'screeningProgrammes', roles: ['screening_manager', 'biostatistician', 'regulator', 'admin'], scope: 'filter', args: () => ({ first: 5 }) },
  // The console's round lists (screening/screening-lists.query-resolver.ts)
  {
    op: 'screeningRecalls',
    roles: ['biostatistician', 'screening_manager', 'regulator'],
    scope: ['programme'],
    args: (i) => ({ programmeId: i.programme, roundId: i.round }),
  },
  {
    op: 'intervalCancers',
    roles: ['biostatistician', 'screening_manager', 'regulator'],
    scope: ['programme'],
    args: (i) => ({ programmeId: i.programme, roundId: i.round }),
  },
  { op: 'screeningProgramme', roles: ['screening_manager', 'biostatistician', 'regulator', 'admin'], scope: ['programme'], args: (i) => ({ id: i.programme }) },
  {
    op: 'defineScreeningProgramme',
    roles: ['screening_manager', 'admin'],
    scope: ['programme'],
    args: (i) => ({
      input: {
        ...cid(),
        programmeId: i.programme,
        name: 'MX',
        cancerType: 'BREAST',
        targetPopulation: 'Women 50-75',
        ageRange: { min: 50, max: 75 },
        intervalMonths: 24,
        kpiTargets: [],
      },
    }),
  },
  {
    op: 'openScreeningRound',
    roles: ['screening_manager'],
    scope: ['programme'],
    args: (i) => ({ input: { ...cid(), programmeId: i.programme, roundId: 'r2', name: 'Round 2', opensOn: '2025-06-01' } }),
  },
  {
    op: 'closeScreeningRound',
    roles: ['screening_manager'],
    scope: ['programme'],
    args: (i) => ({ input: { ...cid(), programmeId: i.programme, roundId: i.round, closesOn: '2025-12-01' } }),
  },
  {
    op: 'inviteParticipant',
    roles: ['screening_manager'],
    scope: ['programme'],
    args: (i) => ({ input: { ...cid(), programmeId: i.programme, roundId: i.round, pseudonym: `MX-${randomUUID().slice(0, 8)}`, invitedOn: '2025-01-20' } }),
  },
  {
    op: 'recordScreening',
    roles: ['screening_manager'],
    scope: ['programme'],
    args: (i) => ({
      input: {
        ...cid(),
        subjectId: i.participant,
        roundId: i.round,
        screenedOn: '2025-02-03',
        siteId: i.site,
        modality: 'MG',
        humanReading: { result: 'NEGATIVE' },
      },
    }),
  },
  {
    op: 'recordScreenings',
    roles: ['screening_manager'],
    scope: ['programme'],
    args: (i) => ({
      input: {
        ...cid(),
        items: [{ subjectId: i.participant, roundId: i.round, screenedOn: '2025-02-03', siteId: i.site, modality: 'MG', humanReading: { result: 'NEGATIVE' } }],
      },
    }),
  },
  {
    op: 'recordRecall',
    roles: ['screening_manager'],
    scope: ['programme'],
    args: (i) => ({ input: { ...cid(), subjectId: i.participant, screeningId: i.screening, recalledOn: '2025-02-10' } }),
  },
  {
    op: 'recordAssessmentOutcome',
    roles: ['screening_manager'],
    scope: ['programme'],
    args: (i) => ({ input: { ...cid(), subjectId: i.participant, screeningId: i.screening, outcome: 'BENIGN', assessedOn: '2025-02-20' } }),
  },
  {
    op: 'reportIntervalCancer',
    roles: ['screening_manager'],
    scope: ['programme'],
    args: (i) => ({ input: { ...cid(), subjectId: i.participant, diagnosisDate: '2025-09-01', source: 'CANCER_REGISTRY_LINKAGE' } }),
  },
  {
    op: 'recordOptOut',
    roles: ['screening_manager'],
    scope: ['programme'],
    args: (i) => ({ input: { ...cid(), subjectId: i.participant, optedOutOn: '2025-10-01' } }),
  },
  // Subjects (subjects/*.query-resolver.ts, *.mutation-resolver.ts): the target decides which side's roles apply.
  { op: 'subjects', roles: ALL_BUT_DATA_MANAGER, scope: 'filter', args: () => ({ first: 5 }) },
  {
    op: 'subject',
    target: 'trial subject',
    roles: ['coordinator', 'reader', 'biostatistician', 'regulator', 'admin'],
    scope: ['trial', 'site'],
    args: (i) => ({ id: i.subject }),
  },
  // A participant has the site it was screened at: a reader of that site sees it (subjects.queries.ts subjectVisible).
  {
    op: 'subject',
    target: 'participant',
    roles: ['reader', 'screening_manager', 'biostatistician', 'regulator', 'admin'],
    scope: ['programme', 'site'],
    args: (i) => ({ id: i.participant }),
  },
  { op: 'measurements', roles: ALL_BUT_DATA_MANAGER, scope: 'filter', args: () => ({ first: 5 }) },
  {
    op: 'enrolSubject',
    roles: ['coordinator'],
    scope: ['trial', 'site'],
    args: (i) => ({
      input: { ...cid(), trialId: i.trial, siteId: i.site, pseudonym: `MX-${randomUUID().slice(0, 8)}`, consentVersion: 'v1', consentDate: '2025-01-10' },
    }),
  },
  {
    op: 'randomiseSubject',
    roles: ['coordinator'],
    scope: ['trial', 'site'],
    args: (i) => ({ input: { ...cid(), subjectId: i.subject, armCode: 'A', stratum: 'all' } }),
  },
  {
    op: 'withdrawSubject',
    roles: ['coordinator'],
    scope: ['trial', 'site'],
    args: (i) => ({ input: { ...cid(), subjectId: i.subject, withdrawalDate: '2025-12-01', reason: 'matrix' } }),
  },
  {
    op: 'recordMeasurement',
    target: 'trial subject',
    roles: ['coordinator', 'reader'],
    scope: ['trial', 'site'],
    args: (i) => ({
      input: {
        ...cid(),
        subjectId: i.subject,
        biomarkerId: i.biomarker,
        biomarkerVersion: 1,
        value: { value: 12, unit: 'mm' },
        studyInstanceUid: i.study,
        timePoint: 'BASELINE',
        method: 'MANUAL',
      },
    }),
  },
  {
    op: 'recordMeasurement',
    target: 'participant',
    roles: ['reader', 'screening_manager'],
    scope: ['programme', 'site'],
    args: (i) => ({
      input: {
        ...cid(),
        subjectId: i.participant,
        biomarkerId: i.biomarker,
        biomarkerVersion: 1,
        value: { value: 12, unit: 'mm' },
        studyInstanceUid: i.participantStudy,
        timePoint: 'BASELINE',
        method: 'MANUAL',
      },
    }),
  },
  // A batch is refused as a whole (FORBIDDEN) when any item lies outside the caller's grants.
  {
    op: 'recordMeasurements',
    target: 'trial subject',
    roles: ['coordinator', 'reader'],
    scope: ['trial', 'site'],
    args: (i) => ({
      input: {
        ...cid(),
        items: [
          {
            subjectId: i.subject,
            biomarkerId: i.biomarker,
            biomarkerVersion: 1,
            value: { value: 12, unit: 'mm' },
            studyInstanceUid: i.study,
            timePoint: 'BASELINE',
            method: 'MANUAL',
          },
        ],
      },
    }),
  },
  {
    op: 'recordMeasurements',
    target: 'participant',
    roles: ['reader', 'screening_manager'],
    scope: ['programme', 'site'],
    args: (i) => ({
      input: {
        ...cid(),
        items: [
          {
            subjectId: i.participant,
            biomarkerId: i.biomarker,
            biomarkerVersion: 1,
            value: { value: 12, unit: 'mm' },
            studyInstanceUid: i.participantStudy,
            timePoint: 'BASELINE',
            method: 'MANUAL',
          },
        ],
      },
    }),
  },
  {
    op: 'correctMeasurement',
    roles: ['coordinator', 'reader'],
    scope: ['trial', 'site'],
    args: (i) => ({ input: { ...cid(), subjectId: i.subject, measurementId: i.measurement, value: { value: 13, unit: 'mm' }, reason: 'matrix' } }),
  },
  {
    op: 'retractMeasurement',
    roles: ['coordinator', 'reader'],
    scope: ['trial', 'site'],
    args: (i) => ({ input: { ...cid(), subjectId: i.subject, measurementId: i.measurement, reason: 'matrix' } }),
  },
  {
    op: 'acceptMeasurementReading',
    roles: ['coordinator'],
    scope: ['trial', 'site'],
    args: (i) => ({ input: { ...cid(), subjectId: i.subject, measurementId: i.measurement, alternativeMeasurementIds: [] } }),
  },
  {
    op: 'recordOutcome',
    roles: ['coordinator'],
    scope: ['trial', 'site'],
    args: (i) => ({ input: { ...cid(), subjectId: i.subject, outcomeType: 'DEATH', occurredAt: '2025-11-01', source: 'INVESTIGATOR' } }),
  },
  {
    op: 'correctOutcome',
    roles: ['coordinator'],
    scope: ['trial', 'site'],
    args: (i) => ({ input: { ...cid(), subjectId: i.subject, outcomeId: i.outcome, occurredAt: '2025-11-02', reason: 'matrix' } }),
  },
  // Imaging
  {
    op: 'registerImagingStudy',
    target: 'trial subject',
    roles: ['coordinator', 'reader'],
    scope: ['trial', 'site'],
    args: (i) => ({
      input: {
        ...cid(),
        studyInstanceUid: `1.2.826.0.1.3680043.8.498.${Math.floor(Math.random() * 1e9)}`,
        subjectId: i.subject,
        modality: 'CT',
        acquisitionDateTime: '2025-01-21',
        siteId: i.site,
        scanner,
      },
    }),
  },
  {
    op: 'registerImagingStudy',
    target: 'participant',
    roles: ['reader', 'screening_manager'],
    scope: ['programme', 'site'],
    args: (i) => ({
      input: {
        ...cid(),
        studyInstanceUid: `1.2.826.0.1.3680043.8.498.${Math.floor(Math.random() * 1e9)}`,
        subjectId: i.participant,
        modality: 'MG',
        acquisitionDateTime: '2025-02-03',
        siteId: i.site,
        scanner,
      },
    }),
  },
  // Acquisition metadata (imaging/imaging.mutation-resolver.ts): corrections as registration, on the study as registered;
  // a random kVp so that a repeated allowed call is a correction, not ACQUISITION_UNCHANGED (either would pass the gate)
  {
    op: 'correctAcquisitionParameters',
    target: 'trial study',
    roles: ['coordinator', 'reader'],
    scope: ['trial', 'site'],
    args: (i) => ({ input: { ...cid(), studyInstanceUid: i.study, reason: 'matrix', scanner, kvp: 100 + Math.floor(Math.random() * 40) } }),
  },
  {
    op: 'correctAcquisitionParameters',
    target: 'participant study',
    roles: ['reader', 'screening_manager'],
    scope: ['programme', 'site'],
    args: (i) => ({ input: { ...cid(), studyInstanceUid: i.participantStudy, reason: 'matrix', scanner, kvp: 25 + Math.floor(Math.random() * 10) } }),
  },
  {
    op: 'declareAcquisitionProtocol',
    target: 'trial',
    roles: ['coordinator', 'data_manager'],
    scope: ['trial'],
    args: (i) => ({ input: { ...cid(), trialId: i.trial, name: 'matrix', rules: [{ modality: 'CT', kvp: { min: 80, max: 140 } }], reason: 'matrix' } }),
  },
  {
    op: 'declareAcquisitionProtocol',
    target: 'programme',
    roles: ['screening_manager', 'data_manager'],
    scope: ['programme'],
    args: (i) => ({ input: { ...cid(), programmeId: i.programme, name: 'matrix', rules: [{ modality: 'MG', kvp: { min: 24, max: 32 } }], reason: 'matrix' } }),
  },
  // Privacy (privacy/privacy.resolver.ts)
  {
    op: 'derivePseudonym',
    target: 'trial',
    roles: ['coordinator'],
    scope: ['trial'],
    args: (i) => ({ input: { trialId: i.trial, localIdentifier: 'H-123' } }),
  },
  {
    op: 'derivePseudonym',
    target: 'programme',
    roles: ['screening_manager'],
    scope: ['programme'],
    args: (i) => ({ input: { programmeId: i.programme, localIdentifier: 'H-123' } }),
  },
  {
    op: 'recordPseudonymLinkage',
    roles: ['admin'],
    scope: 'global',
    args: (i) => ({
      input: {
        ...cid(),
        members: [
          { trialId: i.trial, pseudonym: 'MX-A' },
          { programmeId: i.programme, pseudonym: 'MX-B' },
        ],
        reason: 'matrix',
      },
    }),
  },
  {
    op: 'recordPersonalData',
    target: 'trial subject',
    roles: ['coordinator'],
    scope: ['trial', 'site'],
    args: (i) => ({ input: { ...cid(), subjectId: i.subject, personal: { yearOfBirth: 1960 } } }),
  },
  {
    op: 'recordPersonalData',
    target: 'participant',
    roles: ['screening_manager'],
    scope: ['programme'],
    args: (i) => ({ input: { ...cid(), subjectId: i.participant, personal: { yearOfBirth: 1960 } } }),
  },
  {
    op: 'subjectPersonalData',
    target: 'trial subject',
    roles: ['coordinator', 'regulator', 'admin'],
    scope: ['trial', 'site'],
    args: (i) => ({ subjectId: i.subject, reading: { accepted: 'ACCEPTED_OR_ONLY' } }),
  },
  {
    op: 'subjectPersonalData',
    target: 'participant',
    roles: ['screening_manager', 'regulator', 'admin'],
    scope: ['programme'],
    args: (i) => ({ subjectId: i.participant }),
  },
  { op: 'eraseSubject', roles: ['admin'], scope: 'global', args: (i) => ({ input: { ...cid(), subjectId: i.subject, reason: 'matrix' } }) },
  { op: 'pseudonymLinkages', roles: ['admin', 'regulator'], scope: 'global', args: () => ({ pseudonym: 'MX-A' }) },
  // Analysis snapshots (snapshots/snapshots.*-resolver.ts): analysts of the trial or programme, admins; regulators read.
  {
    op: 'freezeAnalysisSnapshot',
    target: 'trial',
    roles: ['biostatistician', 'admin'],
    scope: ['trial'],
    args: (i) => ({ input: { ...cid(), trialId: i.trial, purpose: 'matrix', reason: 'matrix' } }),
  },
  {
    op: 'freezeAnalysisSnapshot',
    target: 'programme',
    roles: ['biostatistician', 'screening_manager', 'admin'],
    scope: ['programme'],
    args: (i) => ({ input: { ...cid(), programmeId: i.programme, purpose: 'matrix', reason: 'matrix' } }),
  },
  ...(['analysisSnapshot', 'verifyAnalysisSnapshot'] as const).flatMap((op): Row[] => [
    { op, target: 'trial', roles: ['biostatistician', 'admin', 'regulator'], scope: ['trial'], args: (i) => ({ id: i.snapshot }) },
    {
      op,
      target: 'programme',
      roles: ['biostatistician', 'screening_manager', 'admin', 'regulator'],
      scope: ['programme'],
      args: (i) => ({ id: i.programmeSnapshot }),
    },
  ]),
  { op: 'analysisSnapshots', target: 'trial', roles: ['biostatistician', 'admin', 'regulator'], scope: ['trial'], args: (i) => ({ trialId: i.trial }) },
  {
    op: 'analysisSnapshots',
    target: 'programme',
    roles: ['biostatistician', 'screening_manager', 'admin', 'regulator'],
    scope: ['programme'],
    args: (i) => ({ programmeId: i.programme }),
  },
  // Export jobs (export-jobs/export-jobs.resolver.ts): the snapshot readers, and coordinators whose token is not confined
  // to sites (the matrix's coordinator is confined to one site, so denied). With a snapshot given: nothing is frozen.
  {
    op: 'startExport',
    target: 'trial',
    roles: ['biostatistician', 'admin', 'regulator'],
    scope: ['trial'],
    args: (i) => ({ input: { ...cid(), trialId: i.trial, snapshotId: i.snapshot, format: 'CSV_LONG' } }),
  },
  {
    op: 'startExport',
    target: 'programme',
    roles: ['biostatistician', 'screening_manager', 'admin', 'regulator'],
    scope: ['programme'],
    args: (i) => ({ input: { ...cid(), programmeId: i.programme, snapshotId: i.programmeSnapshot, format: 'CSV_LONG' } }),
  },
  { op: 'exportJob', roles: ['biostatistician', 'admin', 'regulator'], scope: ['trial'], args: (i) => ({ id: i.exportJob }) },
  // Data quality (quality/data-quality.*-resolver.ts): rules by data managers, queries answered by the site
  {
    op: 'defineDataQualityRule',
    roles: ['data_manager'],
    scope: ['trial'],
    args: (i) => ({ input: { ...cid(), trialId: i.trial, name: 'matrix', kind: 'RANGE', biomarkerId: i.biomarker, max: 400 } }),
  },
  {
    op: 'changeDataQualityRule',
    roles: ['data_manager'],
    scope: ['trial'],
    args: (i) => ({ input: { ...cid(), ruleId: i.rule, name: 'matrix', kind: 'RANGE', biomarkerId: i.biomarker, max: 5, reason: 'matrix' } }),
  },
  { op: 'retireDataQualityRule', roles: ['data_manager'], scope: ['trial'], args: (i) => ({ input: { ...cid(), ruleId: i.rule, reason: 'matrix' } }) },
  { op: 'answerDataQuery', roles: ['coordinator'], scope: ['trial', 'site'], args: (i) => ({ input: { ...cid(), queryId: i.query, reason: 'matrix' } }) },
  { op: 'closeDataQuery', roles: ['data_manager'], scope: ['trial'], args: (i) => ({ input: { ...cid(), queryId: i.query, reason: 'matrix' } }) },
  { op: 'reopenDataQuery', roles: ['data_manager'], scope: ['trial'], args: (i) => ({ input: { ...cid(), queryId: i.query, reason: 'matrix' } }) },
  {
    op: 'dataQualityRules',
    target: 'trial',
    roles: ['data_manager', 'coordinator', 'biostatistician', 'regulator', 'admin'],
    scope: ['trial'],
    args: (i) => ({ trialId: i.trial }),
  },
  {
    op: 'dataQualityRules',
    target: 'programme',
    roles: ['data_manager', 'screening_manager', 'biostatistician', 'regulator', 'admin'],
    scope: ['programme'],
    args: (i) => ({ programmeId: i.programme }),
  },
  {
    op: 'dataQueries',
    target: 'trial',
    roles: ['data_manager', 'coordinator', 'biostatistician', 'regulator', 'admin'],
    scope: ['trial'],
    args: (i) => ({ filter: { trialId: i.trial }, first: 5 }),
  },
  {
    op: 'dataQueries',
    target: 'programme',
    roles: ['data_manager', 'screening_manager', 'biostatistician', 'regulator', 'admin'],
    scope: ['programme'],
    args: (i) => ({ filter: { programmeId: i.programme }, first: 5 }),
  },
  {
    op: 'dataQueryCounts',
    target: 'trial',
    roles: ['data_manager', 'coordinator', 'biostatistician', 'regulator', 'admin'],
    scope: ['trial'],
    args: (i) => ({ trialId: i.trial }),
  },
  {
    op: 'dataQueryCounts',
    target: 'programme',
    roles: ['data_manager', 'screening_manager', 'biostatistician', 'regulator', 'admin'],
    scope: ['programme'],
    args: (i) => ({ programmeId: i.programme }),
  },
  {
    op: 'dataQualityReport',
    target: 'trial',
    roles: ['data_manager', 'biostatistician', 'regulator', 'admin'],
    scope: ['trial'],
    args: (i) => ({ trialId: i.trial }),
  },
  {
    op: 'dataQualityReport',
    target: 'programme',
    roles: ['data_manager', 'biostatistician', 'regulator', 'admin'],
    scope: ['programme'],
    args: (i) => ({ programmeId: i.programme }),
  },
  { op: 'openDataQueryCount', roles: ['data_manager', 'coordinator', 'regulator', 'admin'], scope: ['trial'], args: (i) => ({ trialId: i.trial }) },
  // Role grants (access/access.resolver.ts)
  {
    op: 'grantRole',
    roles: ['admin'],
    scope: 'global',
    args: (i) => ({ input: { ...cid(), actorId: 'mx-someone', role: 'coordinator', trials: [i.trial], programmes: [], sites: [i.site], reason: 'matrix' } }),
  },
  { op: 'revokeRole', roles: ['admin'], scope: 'global', args: () => ({ input: { ...cid(), actorId: 'mx-someone', role: 'coordinator', reason: 'matrix' } }) },
  { op: 'roleGrants', roles: ['admin', 'regulator'], scope: 'global', args: () => ({ actorId: 'mx-someone' }) },
];

type ScopeCase = 'in' | 'out';
const caseName = (row: Row) => (row.target ? `${row.op} (${row.target})` : row.op);

function expectedAllowed(row: Row, role: Role, scope: ScopeCase): boolean {
  if (!row.roles.includes(role)) return false;
  if (scope === 'in' || row.scope === 'global' || row.scope === 'filter') return true;
  const binding = ROLE_SCOPE_DIMENSIONS[role];
  return !row.scope.some((d) => binding.includes(d));
}

interface Gql {
  data?: Record<string, unknown> | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

/** A document for one root field with every given argument passed as a variable of the schema's own type. */
function documentFor(schema: GraphQLSchema, op: string, args: Record<string, unknown>): string {
  const root = (schema.getQueryType()!.getFields()[op] ? 'query' : 'mutation') as 'query' | 'mutation';
  const field = (root === 'query' ? schema.getQueryType() : schema.getMutationType())!.getFields()[op]!;
  const used = field.args.filter((a) => a.name in args);
  const decl = used.length ? `(${used.map((a) => `$${a.name}: ${String(a.type)}`).join(', ')})` : '';
  const pass = used.length ? `(${used.map((a) => `${a.name}: $${a.name}`).join(', ')})` : '';
  return `${root} M${decl} { ${op}${pass} { __typename } }`;
}

describe('security matrix: every operation × every role × in/out of scope', () => {
  let db: TestDatabase;
  let dataDir: string;
  let config: AppConfig;
  let registry: RunningRegistry;
  let schema: GraphQLSchema;
  let events: pg.Client;
  const tokens = new Map<string, string>();
  let fixtures: Ids;
  /** Rows whose operation exists (a row for a removed operation fails the coverage test instead of every call). */
  let rows: Row[] = [];

  const post = async (token: string | undefined, query: string, variables: Record<string, unknown>): Promise<Gql> => {
    const res = await fetch(registry.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    return (await res.json()) as Gql;
  };
  const send = (token: string | undefined, row: Row, ids: Ids) => {
    const args = row.args(ids);
    return post(token, documentFor(schema, row.op, args), args);
  };
  const eventCount = () => countStoredEvents(db.eventStoreUrl);
  const tokenFor = (role: Role, scope: ScopeCase) => tokens.get(`${role}/${scope}`)!;
  /** Runs `work` over `items` with a bounded number of requests in flight. */
  const pool = async <T, R>(items: readonly T[], work: (item: T) => Promise<R>, width = 12): Promise<R[]> => {
    const out: R[] = new Array(items.length);
    let next = 0;
    await Promise.all(
      Array.from({ length: width }, async () => {
        while (next < items.length) {
          const i = next++;
          out[i] = await work(items[i]!);
        }
      }),
    );
    return out;
  };

  async function mutate(role: Role, name: string, input: Record<string, unknown>): Promise<{ id: string; createdIds: string[]; globalPosition: string }> {
    const query = `mutation($input: ${name[0]!.toUpperCase()}${name.slice(1)}Input!) { ${name}(input: $input) { id createdIds globalPosition } }`;
    const body = await post(tokenFor(role, 'in'), query, { input: { commandId: randomUUID(), ...input } });
    if (body.errors) throw new Error(`fixture ${name} by ${role}: ${JSON.stringify(body.errors)}`);
    return body.data![name] as { id: string; createdIds: string[]; globalPosition: string };
  }

  beforeAll(async () => {
    db = await createTestDatabase();
    dataDir = await mkdtemp(join(tmpdir(), 'registry-matrix-'));
    config = loadConfig({
      ...db.appEnv,
      PORT: '0',
      LOG_LEVEL: 'silent',
      DATA_DIR: dataDir,
      PROJECTOR: 'embedded',
      RATE_LIMIT_PER_MINUTE: '1000000',
      AUDIT_SEAL_INTERVAL_SECONDS: '0',
    });
    registry = await startRegistry(config);
    schema = registry.app.get(GraphQLSchemaHost).schema;
    rows = POLICY.filter((r) => schema.getQueryType()!.getFields()[r.op] ?? schema.getMutationType()!.getFields()[r.op]);
    events = new pg.Client({ connectionString: db.url });
    await events.connect();
    for (const role of ROLES) {
      tokens.set(`${role}/in`, await issueLocalToken(config, { sub: `mx-${role}-in`, role, trials: [T], programmes: [P], sites: [S] }));
      tokens.set(`${role}/out`, await issueLocalToken(config, { sub: `mx-${role}-out`, role, trials: [OTHER], programmes: [OTHER], sites: [OTHER] }));
    }

    // One trial with a site and a subject, one programme with a round and a participant, through the real mutations.
    await mutate('admin', 'defineBiomarker', {
      biomarkerId: BIOMARKER,
      code: 'MX_BM',
      name: 'Matrix biomarker',
      modality: 'CT',
      valueType: { kind: 'QUANTITATIVE', unit: 'mm', plausibleRange: { min: 0, max: 500 } },
    });
    await mutate('admin', 'registerAlgorithmVersion', {
      algorithmVersionId: ALGORITHM,
      manufacturer: 'Acme',
      name: 'MX',
      version: '1.0',
      intendedUse: 'matrix',
      regulatory: { status: 'CE_MARKED', ceClass: 'IIA' },
      biomarkerIds: [BIOMARKER],
    });
    await mutate('coordinator', 'registerTrial', {
      trialId: T,
      identifiers: [{ system: 'NCT', value: 'NCT07000002' }],
      title: 'Matrix trial',
      phase: 'PHASE_III',
      sponsor: 'Acme',
      primaryEndpoint: 'PFS',
    });
    await mutate('coordinator', 'addTrialArm', { trialId: T, armCode: 'A', name: 'Drug', armType: 'EXPERIMENTAL', plannedSize: 10 });
    await mutate('coordinator', 'activateTrialSite', { trialId: T, siteId: S, name: 'Matrix site' });
    await mutate('coordinator', 'defineVisitSchedule', {
      trialId: T,
      timePoints: [{ code: 'BASELINE', label: 'Baseline', targetDay: 1, windowBeforeDays: 28, windowAfterDays: 0 }],
    });
    await mutate('coordinator', 'openEnrolment', { trialId: T });
    const subject = (
      await mutate('coordinator', 'enrolSubject', { trialId: T, siteId: S, pseudonym: 'MX-0001', consentVersion: 'v1', consentDate: '2025-01-10' })
    ).id;
    await mutate('coordinator', 'registerImagingStudy', {
      studyInstanceUid: STUDY_T,
      subjectId: subject,
      modality: 'CT',
      acquisitionDateTime: '2025-01-20',
      siteId: S,
      scanner,
    });
    const measurement = (
      await mutate('reader', 'recordMeasurement', {
        subjectId: subject,
        biomarkerId: BIOMARKER,
        biomarkerVersion: 1,
        value: { value: 10, unit: 'mm' },
        studyInstanceUid: STUDY_T,
        timePoint: 'BASELINE',
        method: 'MANUAL',
      })
    ).createdIds[0]!;
    const outcome = (
      await mutate('coordinator', 'recordOutcome', { subjectId: subject, outcomeType: 'PROGRESSION', occurredAt: '2025-04-01', source: 'INVESTIGATOR' })
    ).createdIds[0]!;
    await mutate('screening_manager', 'defineScreeningProgramme', {
      programmeId: P,
      name: 'Matrix programme',
      cancerType: 'BREAST',
      targetPopulation: 'Women 50-75',
      ageRange: { min: 50, max: 75 },
      intervalMonths: 24,
      kpiTargets: [],
    });
    await mutate('screening_manager', 'openScreeningRound', { programmeId: P, roundId: ROUND, name: 'Round 1', opensOn: '2025-01-06' });
    const participant = (
      await mutate('screening_manager', 'inviteParticipant', { programmeId: P, roundId: ROUND, pseudonym: 'MX-P-0001', invitedOn: '2025-01-15' })
    ).id;
    await mutate('screening_manager', 'registerImagingStudy', {
      studyInstanceUid: STUDY_P,
      subjectId: participant,
      modality: 'MG',
      acquisitionDateTime: '2025-02-03',
      siteId: S,
      scanner,
    });
    const screened = await mutate('screening_manager', 'recordScreening', {
      subjectId: participant,
      roundId: ROUND,
      screenedOn: '2025-02-03',
      siteId: S,
      modality: 'MG',
      humanReading: { result: 'POSITIVE' },
    });
    const rule = (await mutate('data_manager', 'defineDataQualityRule', { trialId: T, name: 'Matrix range', kind: 'RANGE', biomarkerId: BIOMARKER, max: 5 }))
      .id;
    // The monitor opens one query for the fixture measurement (10 mm > 5): wait for it, so that nothing is appended later.
    const query = dataQueryId(rule, subject, measurement);
    for (let i = 0; ; i++) {
      const found = await post(tokenFor('admin', 'in'), 'query($t: ID!) { dataQueries(filter: { trialId: $t }) { nodes { id } } }', { t: T });
      if ((found.data?.['dataQueries'] as { nodes: { id: string }[] } | undefined)?.nodes.some((n) => n.id === query)) break;
      if (i > 200) throw new Error(`fixture data query not opened: ${JSON.stringify(found)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    fixtures = {
      trial: T,
      site: S,
      programme: P,
      round: ROUND,
      subject,
      participant,
      measurement,
      outcome,
      screening: screened.createdIds[0]!,
      biomarker: BIOMARKER,
      algorithm: ALGORITHM,
      study: STUDY_T,
      participantStudy: STUDY_P,
      snapshot: (await mutate('admin', 'freezeAnalysisSnapshot', { trialId: T, purpose: 'matrix', reason: 'matrix' })).id,
      programmeSnapshot: (await mutate('admin', 'freezeAnalysisSnapshot', { programmeId: P, purpose: 'matrix', reason: 'matrix' })).id,
      exportJob: '',
      rule,
      query,
    };
    const job = await post(tokenFor('admin', 'in'), 'mutation($i: StartExportInput!) { startExport(input: $i) { id } }', {
      i: { commandId: randomUUID(), trialId: T, snapshotId: fixtures.snapshot, format: 'CSV_LONG' },
    });
    if (job.errors) throw new Error(`fixture startExport: ${JSON.stringify(job.errors)}`);
    fixtures = { ...fixtures, exportJob: (job.data!['startExport'] as { id: string }).id };
    // Read models that scope checks load (subjects, programmes) must have caught up before the matrix runs.
    const caught = await post(tokenFor('admin', 'in'), 'query($id: ID!, $at: GlobalPosition) { subject(id: $id, consistentWith: $at) { id } }', {
      id: participant,
      at: screened.globalPosition,
    });
    expect(caught.errors).toBeUndefined();
  }, 60_000);

  afterAll(async () => {
    await events?.end();
    await registry?.stop();
    await db?.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('has a row for every root Query and Mutation field of the executable schema, and no row for a field that is gone', () => {
    const fields = [schema.getQueryType(), schema.getMutationType()].flatMap((t) => Object.keys((t as GraphQLObjectType).getFields()));
    const covered = new Set(POLICY.map((r) => r.op));
    expect(fields.filter((f) => !covered.has(f)).sort()).toEqual([]);
    expect([...covered].filter((op) => !fields.includes(op)).sort()).toEqual([]);
    expect(schema.getSubscriptionType()).toBeFalsy();
  });

  it('refuses every operation without a token with UNAUTHENTICATED and no data', async () => {
    const answers = await pool(rows, (row) => send(undefined, row, fixtures));
    const wrong = rows.flatMap((row, i) => {
      const a = answers[i]!;
      const value = a.data ? a.data[row.op] : null;
      return a.errors?.[0]?.extensions?.code === 'UNAUTHENTICATED' && (value === null || value === undefined)
        ? []
        : [`${caseName(row)}: ${JSON.stringify(a).slice(0, 200)}`];
    });
    expect(wrong).toEqual([]);
  });

  it('denies every call the table denies with the one FORBIDDEN message, whether the target exists or not, and writes nothing', async () => {
    const denied = rows.flatMap((row) =>
      ROLES.flatMap((role) => (['in', 'out'] as const).filter((s) => !expectedAllowed(row, role, s)).map((scope) => ({ row, role, scope }))),
    );
    const before = await eventCount();
    const answers = await pool(denied, async ({ row, role, scope }) => {
      const token = tokenFor(role, scope);
      return [await send(token, row, fixtures), await send(token, row, MISSING)] as const;
    });
    const wrong = denied.flatMap(({ row, role, scope }, i) => {
      const [existing, missing] = answers[i]!;
      const value = existing.data ? existing.data[row.op] : null;
      const ok =
        existing.errors?.length === 1 &&
        existing.errors[0]!.extensions?.code === 'FORBIDDEN' &&
        existing.errors[0]!.message === DENIAL &&
        (value === null || value === undefined) &&
        JSON.stringify(missing.errors?.map((e) => [e.message, e.extensions?.code])) ===
          JSON.stringify(existing.errors.map((e) => [e.message, e.extensions?.code]));
      return ok
        ? []
        : [
            `${caseName(row)} as ${role} (${scope} of scope): ${JSON.stringify(existing.errors ?? existing.data).slice(0, 160)} / missing: ${JSON.stringify(missing.errors ?? missing.data).slice(0, 120)}`,
          ];
    });
    expect(wrong).toEqual([]);
    expect(await eventCount()).toBe(before);
    // Sanity: the matrix denies along both axes, by role and by scope.
    expect(denied.some((d) => d.scope === 'in')).toBe(true);
    expect(denied.some((d) => d.scope === 'out' && d.row.roles.includes(d.role))).toBe(true);
  }, 60_000);

  it('lets through every call the table allows (business errors are fine, the gate is not)', async () => {
    const allowed = rows.flatMap((row) =>
      ROLES.flatMap((role) => (['in', 'out'] as const).filter((s) => expectedAllowed(row, role, s)).map((scope) => ({ row, role, scope }))),
    );
    // Writes run after the reads so that a lock, a withdrawal or an erasure does not turn a later read into a business error it need not be.
    const reads = allowed.filter((a) => !!schema.getQueryType()!.getFields()[a.row.op]);
    const writes = allowed.filter((a) => !schema.getQueryType()!.getFields()[a.row.op]);
    const answers = [
      ...(await pool(reads, (a) => send(tokenFor(a.role, a.scope), a.row, fixtures))),
      ...(await pool(writes, (a) => send(tokenFor(a.role, a.scope), a.row, fixtures), 4)),
    ];
    const gateCodes = new Set(['FORBIDDEN', 'UNAUTHENTICATED', 'GRAPHQL_VALIDATION_FAILED', 'GRAPHQL_PARSE_FAILED', 'INTERNAL_SERVER_ERROR']);
    const wrong = [...reads, ...writes].flatMap(({ row, role, scope }, i) => {
      const a = answers[i]!;
      const codes = (a.errors ?? []).map((e) => e.extensions?.code ?? 'NONE');
      // Variable coercion (BAD_USER_INPUT without a field from a decider) would mean the request never reached the gate.
      const bad = codes
        .filter((c) => gateCodes.has(c))
        .concat((a.errors ?? []).filter((e) => e.extensions?.code === 'BAD_USER_INPUT' && e.message.startsWith('Variable')).map(() => 'COERCION'));
      return bad.length === 0 ? [] : [`${caseName(row)} as ${role} (${scope} of scope): ${JSON.stringify(a.errors).slice(0, 200)}`];
    });
    expect(wrong).toEqual([]);
    expect(allowed.length).toBeGreaterThan(rows.length);
  }, 60_000);
});
