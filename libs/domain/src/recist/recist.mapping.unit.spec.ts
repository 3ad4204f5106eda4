import { describe, expect, it } from '@jest/globals';
import type { SubjectEvent } from '../subject/subject.events.js';
import { assessRecist } from './recist.engine.js';
import type { ReadingSelection } from './reading-selection.js';
import { recistSource, recistTestCode } from './recist.mapping.js';

// Biomarker ids → catalogue codes, as the service reads them from each BiomarkerDefined event.
const CODES: Record<string, string> = { ld: 'LDIAM', ldcm: 'LDIAM', sa: 'LPERP', state: 'TUMSTATE', vol: 'LESION_VOL', ai_ld: 'LDIAM' };
const byReader: ReadingSelection = { kind: 'reader', readerId: 'r1' };
const options = (selection: ReadingSelection = byReader) => ({ selection, testCodeOf: (id: string) => recistTestCode(CODES[id]) });

const enrolled: SubjectEvent = {
  type: 'SubjectEnrolled',
  data: { subjectId: 'S1', trialId: 'T1', pseudonym: 'P', siteId: 'SITE', consentVersion: 'v1', consentDate: '2026-01-01', occurredAt: '2026-01-01T00:00:00Z' },
};
let n = 0;
const m = (o: {
  tp: string;
  date: string;
  uid: string;
  biomarker: string;
  value: number | string;
  unit?: string;
  site?: string;
  role?: 'target' | 'non_target' | 'new';
  ai?: boolean;
}): SubjectEvent => ({
  type: 'MeasurementRecorded',
  data: {
    subjectId: 'S1',
    measurementId: `m${++n}`,
    trialId: 'T1',
    programmeId: null,
    biomarkerId: o.biomarker,
    biomarkerVersion: 1,
    result:
      typeof o.value === 'number'
        ? { kind: 'quantitative', originalValue: o.value, originalUnit: o.unit ?? 'mm', value: o.value, unit: o.unit ?? 'mm' }
        : { kind: 'categorical', category: o.value },
    studyInstanceUid: `1.2.${o.date.replace(/-/g, '')}`,
    seriesInstanceUid: null,
    timePoint: o.tp,
    lesion: { trackingUid: o.uid, label: o.uid, findingSite: o.site ?? 'liver', role: o.role ?? 'target' },
    method: o.ai ? 'ai' : 'manual',
    algorithmVersionId: o.ai ? 'ALG' : null,
    readerId: o.ai ? null : 'r1',
    plausibilityOverrideReason: null,
    occurredAt: `${o.date}T09:00:00Z`,
  },
});

describe('RECIST mapping: which measurement is a diameter', () => {
  it('reads the longest diameter, not a volume on the same lesion (20 mm + 4000 mm³ is 20 mm)', () => {
    const events = [
      enrolled,
      m({ tp: 'BL', date: '2026-01-10', uid: 'L1', biomarker: 'ld', value: 20 }),
      m({ tp: 'BL', date: '2026-01-10', uid: 'L1', biomarker: 'vol', value: 4000, unit: 'mm3' }),
      m({ tp: 'W8', date: '2026-03-10', uid: 'L1', biomarker: 'vol', value: 300, unit: 'mm3' }),
      m({ tp: 'W8', date: '2026-03-10', uid: 'L1', biomarker: 'ld', value: 13 }),
    ];
    const source = recistSource('S1', events, options());
    expect(source.input?.timePoints.map((t) => t.targets)).toEqual([{ L1: 20 }, { L1: 13 }]);
    expect(source.readings.map((r) => [r.visit, r.testCode, r.valueMm])).toEqual([
      ['BL', 'LDIAM', 20],
      ['W8', 'LDIAM', 13],
    ]);
    expect(assessRecist(source.input!).timePoints[1]).toMatchObject({ sumOfDiameters: 13, targetResponse: 'PR' });
  });

  it('converts a diameter recorded in cm to mm through UCUM', () => {
    const source = recistSource('S1', [enrolled, m({ tp: 'BL', date: '2026-01-10', uid: 'L1', biomarker: 'ldcm', value: 2.5, unit: 'cm' })], options());
    expect(source.input?.timePoints[0]?.targets).toEqual({ L1: 25 });
    expect(source.readings[0]).toMatchObject({ valueMm: 25, originalValue: 2.5, originalUnit: 'cm' });
  });

  it('a node is read by its short axis (LPERP), never by its longest diameter', () => {
    const node = { uid: 'N1', site: 'mediastinal lymph node' };
    const events = [
      enrolled,
      m({ tp: 'BL', date: '2026-01-10', ...node, biomarker: 'ld', value: 30 }),
      m({ tp: 'BL', date: '2026-01-10', ...node, biomarker: 'sa', value: 18 }),
      m({ tp: 'W8', date: '2026-03-10', ...node, biomarker: 'ld', value: 25 }),
    ];
    const source = recistSource('S1', events, options());
    expect(source.input?.lesions).toEqual([{ id: 'N1', organ: 'mediastinal lymph node', nodal: true, role: 'TARGET' }]);
    // Week 8 has only a longest diameter of the node: its short axis was not measured, so the target is not evaluated.
    expect(source.input?.timePoints.map((t) => t.targets)).toEqual([{ N1: 18 }, { N1: null }]);
    expect(assessRecist(source.input!).timePoints[1]?.targetResponse).toBe('NE');
  });

  it('a target with no diameter at a time point is NE there; a unit that is not a length is not a diameter', () => {
    const events = [
      enrolled,
      m({ tp: 'BL', date: '2026-01-10', uid: 'L1', biomarker: 'ld', value: 40 }),
      m({ tp: 'W8', date: '2026-03-10', uid: 'L1', biomarker: 'vol', value: 9000, unit: 'mm3' }),
      m({ tp: 'W16', date: '2026-05-10', uid: 'L1', biomarker: 'ld', value: 1200, unit: 'mm2' }),
    ];
    const source = recistSource('S1', events, options());
    expect(source.input?.timePoints.map((t) => [t.visit, t.targets['L1']])).toEqual([
      ['BL', 40],
      ['W8', null],
      ['W16', null],
    ]);
    expect(assessRecist(source.input!).timePoints.map((t) => t.overallResponse)).toEqual([null, 'NE', 'NE']);
  });

  it('non-target state from TUMSTATE or the diameter; an EQUIVOCAL TUMSTATE marks an equivocal new lesion', () => {
    const events = [
      enrolled,
      m({ tp: 'BL', date: '2026-01-10', uid: 'L1', biomarker: 'ld', value: 40 }),
      m({ tp: 'BL', date: '2026-01-10', uid: 'NT1', biomarker: 'state', value: 'PRESENT', role: 'non_target' }),
      m({ tp: 'BL', date: '2026-01-10', uid: 'NT2', biomarker: 'sa', value: 12, role: 'non_target', site: 'axillary lymph node' }),
      m({ tp: 'W8', date: '2026-03-10', uid: 'L1', biomarker: 'ld', value: 38 }),
      m({ tp: 'W8', date: '2026-03-10', uid: 'NT1', biomarker: 'state', value: 'ABSENT', role: 'non_target' }),
      m({ tp: 'W8', date: '2026-03-10', uid: 'NT2', biomarker: 'sa', value: 8, role: 'non_target', site: 'axillary lymph node' }),
      m({ tp: 'W8', date: '2026-03-10', uid: 'NEW1', biomarker: 'state', value: 'EQUIVOCAL', role: 'new', site: 'bone' }),
    ];
    const w8 = recistSource('S1', events, options()).input?.timePoints[1];
    expect(w8?.nonTargets).toEqual({ NT1: 'ABSENT', NT2: 'ABSENT' });
    expect(w8?.newLesions).toEqual([{ id: 'NEW1', equivocal: true }]);
  });
});

describe('RECIST mapping: one rater', () => {
  const events = [
    enrolled,
    m({ tp: 'BL', date: '2026-01-10', uid: 'L1', biomarker: 'ld', value: 50 }),
    m({ tp: 'BL', date: '2026-01-10', uid: 'L1', biomarker: 'ai_ld', value: 44, ai: true }),
    m({ tp: 'W8', date: '2026-03-10', uid: 'L1', biomarker: 'ld', value: 30 }),
    m({ tp: 'W8', date: '2026-03-10', uid: 'L1', biomarker: 'ai_ld', value: 43, ai: true }),
  ];

  it('assesses the reader’s or the algorithm’s readings, never a mix', () => {
    expect(recistSource('S1', events, options()).input?.timePoints.map((t) => t.targets['L1'])).toEqual([50, 30]);
    expect(recistSource('S1', events, options({ kind: 'algorithm', algorithmVersionId: 'ALG' })).input?.timePoints.map((t) => t.targets['L1'])).toEqual([
      44, 43,
    ]);
  });

  it('two diameters of one lesion at one time point under the selection are AMBIGUOUS_READING', () => {
    expect(() => recistSource('S1', events, { ...options({ kind: 'accepted', policy: 'ACCEPTED_OR_ONLY' }), field: 'reading' })).toThrow(
      expect.objectContaining({ code: 'AMBIGUOUS_READING', field: 'reading' }),
    );
  });

  it('an accepted reading settles it', () => {
    const accept = (measurementId: string, alternative: string): SubjectEvent => ({
      type: 'MeasurementReadingAccepted',
      data: {
        subjectId: 'S1',
        measurementId,
        alternativeMeasurementIds: [alternative],
        adjudicatorId: 'adj',
        rationale: null,
        acceptedAt: '2026-04-01T00:00:00Z',
      },
    });
    const ids = events.slice(1).map((e) => (e.data as { measurementId: string }).measurementId);
    const adjudicated = [...events, accept(ids[1]!, ids[0]!), accept(ids[2]!, ids[3]!)];
    const source = recistSource('S1', adjudicated, options({ kind: 'accepted', policy: 'ACCEPTED_OR_ONLY' }));
    expect(source.input?.timePoints.map((t) => t.targets['L1'])).toEqual([44, 30]);
    expect(source.readings.map((r) => r.reading.raterKind)).toEqual(['AI', 'READER']);
  });
});
