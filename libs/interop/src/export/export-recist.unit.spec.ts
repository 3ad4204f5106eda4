import { describe, expect, it } from '@jest/globals';
import { EXPORT_BIOMARKERS, EXPORT_MEASUREMENT_ROWS, EXPORT_OUTCOME_ROWS, EXPORT_STUDY_ROWS, EXPORT_SUBJECT_ROWS } from '../testing/export-dataset.fixture.js';
import { subjectRecords, type ExportMeasurement, type ExportSubject } from './export-dataset.model.js';
import { exportRecistAssessment, lesionReadingOf } from './export-recist.js';

const biomarkers = new Map(EXPORT_BIOMARKERS.map((b) => [b.biomarkerId, b]));

async function subject(id: string): Promise<ExportSubject> {
  for await (const s of subjectRecords({
    subjects: EXPORT_SUBJECT_ROWS,
    studies: EXPORT_STUDY_ROWS,
    measurements: EXPORT_MEASUREMENT_ROWS,
    outcomes: EXPORT_OUTCOME_ROWS,
  }))
    if (s.subjectId === id) return s;
  throw new Error(`no fixture subject ${id}`);
}

describe('exportRecistAssessment (the RECIST of a snapshot export, through libs/domain recistFromReadings)', () => {
  it('assesses the target lesions from their LDIAM / LPERP readings: the node by its short axis, SOD 50 → 30 mm is PR', async () => {
    const s = await subject('subj-001');
    const recist = exportRecistAssessment(s, biomarkers)!;
    expect(recist.input.lesions.map((l) => [l.organ, l.nodal, l.role])).toEqual([
      ['Liver', false, 'TARGET'],
      ['Lymph node', true, 'TARGET'],
    ]);
    expect(recist.result.timePoints.map((t) => [t.visit, t.sumOfDiameters, t.overallResponse])).toEqual([
      ['BASELINE', 50, null],
      ['WEEK8', 30, 'PR'],
    ]);
    // The AI body-composition value of the same study is no lesion's: not read.
    expect(s.measurements.map(lesionReadingOf).filter((r) => r !== null)).toHaveLength(4);
  });

  it('gives no assessment for a subject whose readings cannot be assessed: two raters of one lesion never adjudicated', async () => {
    const s = await subject('subj-001');
    const baseline = s.measurements.find((m) => m.measurementId === 'm-001')!;
    const second: ExportMeasurement = { ...baseline, measurementId: 'm-001b', readerId: 'reader-2', value: 31 };
    expect(exportRecistAssessment({ ...s, measurements: [...s.measurements, second] }, biomarkers)).toBeNull();
    // Adjudicated: the accepted reading counts, the other not (31 + 20 = 51 at baseline).
    const adjudicated = [
      ...s.measurements.map((m) => (m.measurementId === 'm-001' ? { ...m, adjudication: 'not_accepted' } : m)),
      { ...second, adjudication: 'accepted' },
    ];
    expect(exportRecistAssessment({ ...s, measurements: adjudicated }, biomarkers)!.result.timePoints[0]!.sumOfDiameters).toBe(51);
  });

  it('gives none without RECIST test codes: a categorical lesion reading of another biomarker', async () => {
    const s = await subject('subj-002');
    expect(lesionReadingOf(s.measurements[0]!)).toMatchObject({ role: 'non_target', result: { kind: 'categorical', category: '4A' } });
    expect(exportRecistAssessment(s, biomarkers)).toBeNull();
  });
});
