import { assessRecist, type RecistInput, type RecistLesion } from '#domain';
import {
  subjectRecords,
  type ExportBiomarker,
  type ExportDataset,
  type ExportImagingStudy,
  type ExportMeasurement,
  type ExportOutcome,
  type ExportRecistAssessment,
  type ExportSubject,
  type ExportTrial,
} from '../export/export-dataset.model.js';

/**
 * A small trial dataset as the read models would give it, for the export builders' tests: three subjects —
 * one with two target lesions (liver and a lymph node) measured at baseline and week 8 plus an AI body-composition
 * value and a death; one erased (no year of birth or sex) with a categorical reading and a finding site that needs
 * CSV quoting; one without measurements.
 */
export const EXPORT_TRIAL: ExportTrial = {
  trialId: 'TRIAL-EXP',
  title: 'Export fixture trial',
  phase: 'II',
  sponsor: 'Registry Tests',
  arms: [
    { armCode: 'A', name: 'Drug A', armType: 'experimental' },
    { armCode: 'B', name: 'Placebo', armType: 'placebo_comparator' },
  ],
  sites: [{ siteId: 'SITE-1', name: 'Site one', country: 'NLD' }],
  visits: [
    { code: 'BASELINE', label: 'Baseline', targetDay: 1 },
    { code: 'WEEK8', label: 'Week 8', targetDay: 57 },
  ],
};

export const EXPORT_BIOMARKERS: readonly ExportBiomarker[] = [
  {
    biomarkerId: 'bm-ldiam',
    code: 'LDIAM',
    name: 'Longest diameter',
    description: null,
    modality: 'CT',
    bodySite: null,
    valueKind: 'quantitative',
    unit: 'mm',
    categories: null,
    version: 1,
    concepts: [{ scheme: 'DCM', value: '410668003', meaning: 'Length' }],
  },
  {
    biomarkerId: 'bm-lperp',
    code: 'LPERP',
    name: 'Short axis',
    description: 'Lymph node short axis',
    modality: 'CT',
    bodySite: null,
    valueKind: 'quantitative',
    unit: 'mm',
    categories: null,
    version: 1,
    concepts: [],
  },
  {
    biomarkerId: 'bm-lungrads',
    code: 'LUNGRADS',
    name: 'Lung-RADS category',
    description: null,
    modality: 'CT',
    bodySite: 'Lung',
    valueKind: 'categorical',
    unit: null,
    categories: ['1', '2', '3', '4A', '4B'],
    version: 2,
    concepts: [],
  },
  {
    biomarkerId: 'bm-sma',
    code: 'SMA_L3',
    name: 'Skeletal muscle area at L3',
    description: null,
    modality: 'CT',
    bodySite: 'L3',
    valueKind: 'quantitative',
    unit: 'cm2',
    categories: null,
    version: 1,
    concepts: [{ scheme: 'SCT', value: '91727004', meaning: 'Skeletal muscle' }],
  },
];

const UID = '1.2.826.0.1.3680043.10.543';
type Row<T> = T & { readonly subjectId: string };

const measurement = (
  subjectId: string,
  id: string,
  fields: Partial<ExportMeasurement> & Pick<ExportMeasurement, 'biomarkerId' | 'studyInstanceUid' | 'timePoint' | 'occurredAt'>,
): Row<ExportMeasurement> => {
  const biomarker = EXPORT_BIOMARKERS.find((b) => b.biomarkerId === fields.biomarkerId)!;
  return {
    subjectId,
    measurementId: id,
    version: 1,
    biomarkerCode: biomarker.code,
    biomarkerVersion: biomarker.version,
    concepts: biomarker.concepts,
    valueKind: biomarker.valueKind,
    value: null,
    unit: null,
    category: null,
    originalValue: null,
    originalUnit: null,
    seriesInstanceUid: null,
    lesionTrackingUid: null,
    lesionLabel: null,
    lesionFindingSite: null,
    lesionRole: null,
    method: 'manual',
    readerId: 'reader-1',
    algorithmVersionId: null,
    recordedAt: '2026-05-01T10:00:00.000Z',
    correctionCount: 0,
    ...fields,
  };
};

const lesionMm = (
  subjectId: string,
  id: string,
  biomarkerId: string,
  lesion: { uid: string; label: string; site: string },
  tp: 'BASELINE' | 'WEEK8',
  mm: number,
): Row<ExportMeasurement> =>
  measurement(subjectId, id, {
    biomarkerId,
    studyInstanceUid: tp === 'BASELINE' ? `${UID}.1.1` : `${UID}.1.2`,
    seriesInstanceUid: tp === 'BASELINE' ? `${UID}.1.1.1` : `${UID}.1.2.1`,
    timePoint: tp,
    occurredAt: tp === 'BASELINE' ? '2026-01-05T09:00:00.000Z' : '2026-03-02T09:30:00.000Z',
    value: mm,
    unit: 'mm',
    originalValue: mm,
    originalUnit: 'mm',
    lesionTrackingUid: lesion.uid,
    lesionLabel: lesion.label,
    lesionFindingSite: lesion.site,
    lesionRole: 'target',
  });

const LIVER = { uid: `${UID}.9.1`, label: 'Liver lesion 1', site: 'Liver' };
const NODE = { uid: `${UID}.9.2`, label: 'Node 1', site: 'Lymph node' };

export const EXPORT_SUBJECT_ROWS: readonly Omit<ExportSubject, 'studies' | 'measurements' | 'outcomes' | 'recist'>[] = [
  {
    subjectId: 'subj-001',
    pseudonym: 'EXP-001',
    armCode: 'A',
    siteId: 'SITE-1',
    status: 'randomised',
    enrolledAt: '2025-12-20T08:00:00.000Z',
    randomisedAt: '2025-12-22T08:00:00.000Z',
    withdrawnAt: null,
    yearOfBirth: 1957,
    sex: 'female',
    erased: false,
  },
  {
    subjectId: 'subj-002',
    pseudonym: 'EXP-002',
    armCode: 'B',
    siteId: 'SITE-1',
    status: 'enrolled',
    enrolledAt: '2026-01-10T08:00:00.000Z',
    randomisedAt: null,
    withdrawnAt: null,
    yearOfBirth: null,
    sex: null,
    erased: true,
  },
  {
    subjectId: 'subj-003',
    pseudonym: 'EXP-003',
    armCode: 'A',
    siteId: 'SITE-1',
    status: 'enrolled',
    enrolledAt: '2026-02-01T08:00:00.000Z',
    randomisedAt: null,
    withdrawnAt: null,
    yearOfBirth: 1970,
    sex: 'male',
    erased: false,
  },
];

export const EXPORT_STUDY_ROWS: readonly Row<ExportImagingStudy>[] = [
  {
    subjectId: 'subj-001',
    studyInstanceUid: `${UID}.1.1`,
    modality: 'CT',
    occurredAt: '2026-01-05T09:00:00.000Z',
    siteId: 'SITE-1',
    seriesInstanceUids: [`${UID}.1.1.1`],
  },
  {
    subjectId: 'subj-001',
    studyInstanceUid: `${UID}.1.2`,
    modality: 'CT',
    occurredAt: '2026-03-02T09:30:00.000Z',
    siteId: 'SITE-1',
    seriesInstanceUids: [`${UID}.1.2.1`],
  },
  { subjectId: 'subj-002', studyInstanceUid: `${UID}.2.1`, modality: 'CT', occurredAt: '2026-01-12T11:00:00.000Z', siteId: 'SITE-1', seriesInstanceUids: [] },
];

export const EXPORT_MEASUREMENT_ROWS: readonly Row<ExportMeasurement>[] = [
  lesionMm('subj-001', 'm-001', 'bm-ldiam', LIVER, 'BASELINE', 30),
  lesionMm('subj-001', 'm-002', 'bm-lperp', NODE, 'BASELINE', 20),
  measurement('subj-001', 'm-003', {
    biomarkerId: 'bm-sma',
    studyInstanceUid: `${UID}.1.1`,
    seriesInstanceUid: `${UID}.1.1.1`,
    timePoint: 'BASELINE',
    occurredAt: '2026-01-05T09:00:00.000Z',
    value: 152.5,
    unit: 'cm2',
    originalValue: 15250,
    originalUnit: 'mm2',
    method: 'ai',
    readerId: null,
    algorithmVersionId: 'alg-body-1',
  }),
  { ...lesionMm('subj-001', 'm-004', 'bm-ldiam', LIVER, 'WEEK8', 18), correctionCount: 1 },
  lesionMm('subj-001', 'm-005', 'bm-lperp', NODE, 'WEEK8', 12),
  measurement('subj-002', 'm-006', {
    biomarkerId: 'bm-lungrads',
    studyInstanceUid: `${UID}.2.1`,
    timePoint: 'BASELINE',
    occurredAt: '2026-01-12T11:00:00.000Z',
    category: '4A',
    lesionTrackingUid: `${UID}.9.3`,
    lesionLabel: 'Nodule "A", right',
    lesionFindingSite: 'Lung, right upper lobe',
    lesionRole: 'non_target',
  }),
];

export const EXPORT_OUTCOME_ROWS: readonly Row<ExportOutcome>[] = [
  {
    subjectId: 'subj-001',
    outcomeId: 'o-1',
    outcomeType: 'death',
    occurredAt: '2026-06-01T00:00:00.000Z',
    source: 'investigator',
    recistResponse: null,
    timePoint: null,
    stage: null,
  },
];

/** RECIST input from a subject's target-lesion LDIAM / LPERP readings, as the API's mapping builds it. */
export function recistOf(s: ExportSubject): ExportRecistAssessment | null {
  const lesionRows = s.measurements.filter((m) => m.lesionTrackingUid !== null && (m.biomarkerCode === 'LDIAM' || m.biomarkerCode === 'LPERP'));
  if (lesionRows.length === 0) return null;
  const lesions = new Map<string, RecistLesion>();
  for (const m of lesionRows)
    lesions.set(m.lesionTrackingUid!, {
      id: m.lesionTrackingUid!,
      organ: m.lesionFindingSite ?? 'unknown',
      nodal: m.biomarkerCode === 'LPERP',
      role: 'TARGET',
    });
  const visits = [...new Set(lesionRows.map((m) => m.timePoint))];
  const input: RecistInput = {
    subjectId: s.pseudonym,
    lesions: [...lesions.values()],
    timePoints: visits.map((visit) => {
      const rows = lesionRows.filter((m) => m.timePoint === visit);
      return { visit, date: rows[0]!.occurredAt.slice(0, 10), targets: Object.fromEntries(rows.map((m) => [m.lesionTrackingUid!, m.value])) };
    }),
  };
  return { input, result: assessRecist(input), evaluator: 'INDEPENDENT ASSESSOR' };
}

export function exportDataset(overrides: Partial<ExportDataset> = {}): ExportDataset {
  return {
    scope: { kind: 'trial', trial: EXPORT_TRIAL },
    position: '1234',
    snapshot: { snapshotId: 'snap-1', contentHash: 'a'.repeat(64) },
    biomarkers: EXPORT_BIOMARKERS,
    algorithmVersions: [
      {
        algorithmVersionId: 'alg-body-1',
        manufacturer: 'Acme AI',
        name: 'BodyComp',
        version: '3.1.0',
        uri: 'urn:registry:algorithm:alg-body-1',
        deviceUid: `${UID}.7.1`,
      },
    ],
    // A generator: every builder gets a fresh stream from the same rows.
    subjects: {
      [Symbol.asyncIterator]: () =>
        subjectRecords({
          subjects: EXPORT_SUBJECT_ROWS,
          studies: EXPORT_STUDY_ROWS,
          measurements: EXPORT_MEASUREMENT_ROWS,
          outcomes: EXPORT_OUTCOME_ROWS,
          recist: recistOf,
        }),
    },
    ...overrides,
  };
}

/** Collects a builder's chunks into whole files. */
export async function collectFiles(chunks: AsyncIterable<{ file: string; text: string }>): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for await (const c of chunks) files.set(c.file, (files.get(c.file) ?? '') + c.text);
  return files;
}
