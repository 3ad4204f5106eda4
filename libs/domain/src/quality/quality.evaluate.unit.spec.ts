import { describe, expect, it } from '@jest/globals';
import { evaluateRule, studyDay, type DqMeasurementFact, type DqScopeFacts, type DqSubjectFacts } from './quality.evaluate.js';

const m = (id: string, over: Partial<DqMeasurementFact> = {}): DqMeasurementFact => ({
  measurementId: id,
  biomarkerId: 'suv',
  value: 10,
  unit: 'g/mL',
  category: null,
  timePoint: 'BASELINE',
  occurredAt: '2026-01-01T09:00:00Z',
  method: 'manual',
  algorithmVersionId: null,
  readerId: 'reader-a',
  studyInstanceUid: '1.2.3',
  trackingUid: null,
  ...over,
});
const subject = (over: Partial<DqSubjectFacts> = {}): DqSubjectFacts => ({
  subjectId: 's1',
  trialId: 'T1',
  programmeId: null,
  siteId: 'S1',
  enrolledAt: '2026-01-01T08:00:00Z',
  anchorAt: '2026-01-01T08:00:00Z',
  followUpEnded: false,
  measurements: [],
  outcomes: [],
  studies: [],
  ...over,
});
const scope: DqScopeFacts = {
  timePoints: [
    { code: 'BASELINE', label: 'Baseline', targetDay: 1, windowBeforeDays: 7, windowAfterDays: 0 },
    { code: 'W8', label: 'Week 8', targetDay: 57, windowBeforeDays: 3, windowAfterDays: 3 },
  ],
  latestDataAt: '2026-06-30T00:00:00Z',
};
const keys = (fs: readonly { key: string }[]) => fs.map((f) => f.key);

describe('data-quality rule kinds', () => {
  it('range: a finding per measurement of the biomarker outside the bounds, none for other biomarkers', () => {
    const s = subject({ measurements: [m('m1', { value: 55 }), m('m2', { value: 5 }), m('m3', { biomarkerId: 'ldh', value: 900 })] });
    const found = evaluateRule({ kind: 'range', biomarkerId: 'suv', min: 0, max: 40 }, s, scope);
    expect(found).toEqual([{ key: 'm1', measurementId: 'm1', field: 'value', message: 'suv 55 g/mL at BASELINE is outside [0, 40]' }]);
    expect(evaluateRule({ kind: 'range', biomarkerId: 'suv', min: 6, max: null }, s, scope).map((f) => f.key)).toEqual(['m2']);
  });

  it('expression: json-logic over the measurement and its subject; falsy means a finding', () => {
    const s = subject({ measurements: [m('m1', { value: 55 }), m('m2', { value: 5, timePoint: 'W8', occurredAt: '2026-02-26T00:00:00Z' })] });
    expect(keys(evaluateRule({ kind: 'expression', biomarkerId: null, expression: { '<': [{ var: 'value' }, 40] } }, s, scope))).toEqual(['m1']);
    // studyDay and subject fields are available to expressions
    expect(keys(evaluateRule({ kind: 'expression', biomarkerId: 'suv', expression: { '<=': [{ var: 'studyDay' }, 30] } }, s, scope))).toEqual(['m2']);
    expect(keys(evaluateRule({ kind: 'expression', biomarkerId: 'suv', expression: { '==': [{ var: 'subject.siteId' }, 'S1'] } }, s, scope))).toEqual([]);
  });

  it('required measurement: a visit with data but without the biomarker; visits without data are not findings', () => {
    const s = subject({ measurements: [m('m1'), m('m2', { biomarkerId: 'ldh', timePoint: 'W8' })] });
    expect(keys(evaluateRule({ kind: 'required_measurement', biomarkerId: 'suv', timePoints: [] }, s, scope))).toEqual(['W8']);
    expect(keys(evaluateRule({ kind: 'required_measurement', biomarkerId: 'suv', timePoints: ['BASELINE'] }, s, scope))).toEqual([]);
  });

  it('visit window: study day 1 is the anchor day; scans outside target ± window (+ tolerance) are findings', () => {
    expect(studyDay('2026-01-01T23:00:00Z', '2026-01-01T01:00:00Z')).toBe(1);
    expect(studyDay('2026-01-08T00:00:00Z', '2026-01-01T00:00:00Z')).toBe(-7);
    // W8: day 57 ± 3 → 2026-02-23 .. 2026-03-01 with anchor 2026-01-01 (day 57 = 2026-02-26)
    const s = subject({
      measurements: [
        m('in', { timePoint: 'W8', occurredAt: '2026-03-01T12:00:00Z' }),
        m('late', { timePoint: 'W8', occurredAt: '2026-03-03T12:00:00Z' }),
        m('base-early', { timePoint: 'BASELINE', occurredAt: '2025-12-20T00:00:00Z' }),
        m('unscheduled', { timePoint: 'UNSCHEDULED', occurredAt: '2027-01-01T00:00:00Z' }),
      ],
    });
    expect(keys(evaluateRule({ kind: 'visit_window', toleranceDays: 0 }, s, scope))).toEqual(['late', 'base-early']);
    expect(keys(evaluateRule({ kind: 'visit_window', toleranceDays: 2 }, s, scope))).toEqual(['base-early']);
    expect(evaluateRule({ kind: 'visit_window', toleranceDays: 0 }, subject({ anchorAt: null, measurements: s.measurements }), scope)).toEqual([]);
  });

  it('method consistency: the same biomarker with a different algorithm version at a later time point', () => {
    const s = subject({
      measurements: [
        m('m1', { method: 'ai', algorithmVersionId: 'algo-1.0' }),
        m('m2', { method: 'ai', algorithmVersionId: 'algo-1.1', timePoint: 'W8' }),
        m('m3', { biomarkerId: 'ldh' }),
        m('m4', { biomarkerId: 'ldh', timePoint: 'W8' }),
      ],
    });
    const found = evaluateRule({ kind: 'method_consistency', biomarkerId: null }, s, scope);
    expect(found).toEqual([
      { key: 'suv', measurementId: null, field: 'algorithmVersionId', message: 'suv measured with 2 methods across time points: ai:algo-1.0, ai:algo-1.1' },
    ]);
  });

  it('reader disagreement: readings of the same lesion and visit by different readers beyond the relative threshold', () => {
    const s = subject({
      measurements: [
        m('a1', { value: 10, readerId: 'r-a', trackingUid: 'L1' }),
        m('b1', { value: 13, readerId: 'r-b', trackingUid: 'L1' }),
        m('a2', { value: 20, readerId: 'r-a', trackingUid: 'L2' }),
        m('b2', { value: 21, readerId: 'r-b', trackingUid: 'L2' }),
        m('a3', { value: 5, readerId: 'r-a', trackingUid: 'L3' }),
        m('a3b', { value: 9, readerId: 'r-a', trackingUid: 'L3' }),
      ],
    });
    // L1: (13−10)/11.5 = 26 % > 20 %; L2: 1/20.5 = 4.9 %; L3: one reader only
    expect(keys(evaluateRule({ kind: 'reader_disagreement', biomarkerId: 'suv', maxRelativeDifference: 0.2 }, s, scope))).toEqual(['suv|BASELINE|L1']);
    expect(keys(evaluateRule({ kind: 'reader_disagreement', biomarkerId: 'suv', maxRelativeDifference: 0.3 }, s, scope))).toEqual([]);
  });

  it('duplicate scan: two studies of one modality on the same day', () => {
    const s = subject({
      studies: [
        { studyInstanceUid: '1.1', modality: 'CT', occurredAt: '2026-01-01T09:00:00Z' },
        { studyInstanceUid: '1.2', modality: 'CT', occurredAt: '2026-01-01T15:00:00Z' },
        { studyInstanceUid: '1.3', modality: 'PT', occurredAt: '2026-01-01T15:00:00Z' },
        { studyInstanceUid: '1.4', modality: 'CT', occurredAt: '2026-02-26T15:00:00Z' },
      ],
    });
    expect(keys(evaluateRule({ kind: 'duplicate_scan' }, s, scope))).toEqual(['2026-01-01|CT']);
  });

  it('outcome before enrolment: by calendar day', () => {
    const s = subject({
      outcomes: [
        { outcomeId: 'o1', outcomeType: 'progression', occurredAt: '2025-12-31T23:00:00Z' },
        { outcomeId: 'o2', outcomeType: 'progression', occurredAt: '2026-01-01T00:00:00Z' },
      ],
    });
    expect(keys(evaluateRule({ kind: 'outcome_before_enrolment' }, s, scope))).toEqual(['o1']);
  });

  it('missing follow-up: days since the subject’s latest data against the scope’s latest data; none after follow-up ended', () => {
    const s = subject({ measurements: [m('m1', { occurredAt: '2026-03-01T00:00:00Z' })] });
    // 2026-03-01 → 2026-06-30 is 121 days
    expect(evaluateRule({ kind: 'missing_follow_up', maxDaysWithoutFollowUp: 120 }, s, scope)).toEqual([
      { key: 'follow-up', measurementId: null, field: 'subjectId', message: 'No data for 121 days (limit 120)' },
    ]);
    expect(evaluateRule({ kind: 'missing_follow_up', maxDaysWithoutFollowUp: 121 }, s, scope)).toEqual([]);
    expect(evaluateRule({ kind: 'missing_follow_up', maxDaysWithoutFollowUp: 120 }, { ...s, followUpEnded: true }, scope)).toEqual([]);
  });
});
