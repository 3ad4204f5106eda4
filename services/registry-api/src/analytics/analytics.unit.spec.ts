import { describe, expect, it } from '@jest/globals';
import { assessRecist, recistSource, recistTestCode, type KpiTarget, type SubjectEvent } from '#domain';
import { aml, aSAH, lung } from '../../../../libs/biostat/src/testing/r-datasets.js';
import { ApiError } from '../graphql/error-mapping.js';
import { flagFor, kpis, type KpiCounts } from './screening-kpis.statistics.js';
import { assertFinite, statistic } from './statistics-errors.js';
import { surveillanceDecider } from './surveillance.decider.js';
import { cusumSeries, proportionDifference, rates, rollUp, type SurveillanceCounts } from './surveillance.statistics.js';
import { buildDataset, type SourceRow } from './validation-study.dataset.js';
import { coxSection, performanceSection, rocSection, stratify, survivalSection, type StudyRow } from './validation-study.statistics.js';
import { concordanceIndex, wilsonInterval, youdenThreshold } from '#biostat';

const amlRows: StudyRow[] = aml.time.map((t, i) => ({ subjectId: `s${i}`, value: aml.group[i]!, time: t, event: aml.event[i] as 0 | 1, label: null }));
const opts = { higherIsPositive: true };

describe('validation study statistics (oracles from domain-reference §6)', () => {
  it('Cox per unit of a 0/1 biomarker is the aml arm effect: coef 0.9155, HR 2.4981, se 0.5119', () => {
    const c = coxSection(amlRows, opts);
    expect(c.perUnit.coef).toBeCloseTo(0.9155, 4);
    expect(c.perUnit.hr).toBeCloseTo(2.4981, 4);
    expect(c.perUnit.se).toBeCloseTo(0.5119, 4);
    // Per SD: the same fit rescaled by the biomarker's SD.
    expect(c.perSd.coef).toBeCloseTo(c.perUnit.coef * c.sd, 10);
    expect(Math.log(c.perSd.upper / c.perSd.hr) / c.perSd.se).toBeCloseTo(1.96, 2);
    expect(c.perSd.p).toBe(c.perUnit.p);
    // C from the fit equals Harrell's C of the biomarker computed directly, in either direction.
    const data = { time: amlRows.map((r) => r.time!), event: amlRows.map((r) => r.event!) };
    const values = amlRows.map((r) => r.value);
    expect(c.concordance).toBeCloseTo(concordanceIndex(data, values, { higherIsRisk: true }).concordance, 12);
    expect(coxSection(amlRows, { higherIsPositive: false }).concordance).toBeCloseTo(concordanceIndex(data, values, { higherIsRisk: false }).concordance, 12);
  });

  it('lung by sex: Cox HR 0.588 (0.4237–0.816), KM medians 270/426 and log-rank 10.33 via a threshold stratum', () => {
    const rows: StudyRow[] = lung.time.map((t, i) => ({ subjectId: `l${i}`, value: lung.sex[i]!, time: t, event: lung.event[i] as 0 | 1, label: null }));
    const c = coxSection(rows, opts);
    expect(c.perUnit.hr).toBeCloseTo(0.588, 3);
    expect(c.perUnit.lower).toBeCloseTo(0.4237, 4);
    expect(c.perUnit.upper).toBeCloseTo(0.816, 3);
    const s = survivalSection(rows, { ...opts, strata: { threshold: 1.5 } });
    expect(s.strata.map((x) => x.km.median)).toEqual([270, 426]);
    expect(s.logRank?.chisq).toBeCloseTo(10.33, 2);
  });

  it('ROC of s100b: AUC 0.7314 (DeLong 0.6301–0.8326); ends of the curve have null thresholds, not ±Infinity', () => {
    const rows: StudyRow[] = aSAH.s100b.map((v, i) => ({ subjectId: `a${i}`, value: v, time: null, event: null, label: aSAH.label[i] as 0 | 1 }));
    const r = rocSection(rows, opts);
    expect(r.auc).toBeCloseTo(0.7314, 4);
    expect(r.lower).toBeCloseTo(0.6301, 4);
    expect(r.upper).toBeCloseTo(0.8326, 4);
    expect(r.curve[0]?.threshold).toBeNull();
    expect(r.curve.at(-1)?.threshold).toBeNull();
    const p = performanceSection(rows, opts);
    expect(p.thresholdSource).toBe('YOUDEN');
    expect(p.threshold).toBeCloseTo(0.205, 3);
    // Read off the cached curve, it is exactly the library's Youden threshold.
    expect(p.threshold).toBe(youdenThreshold({ score: [...aSAH.s100b], label: [...aSAH.label] }).threshold);
    expect(p.sensitivity?.x).toBe(p.truePositive);
    const given = performanceSection(rows, { ...opts, threshold: 0.5 });
    expect(given).toMatchObject({ thresholdSource: 'GIVEN', threshold: 0.5, youden: null });
  });

  it('turns a BiostatError into an ApiError with the biostat code and the statistic as the field', () => {
    const censored = amlRows.map((r) => ({ ...r, event: 0 as const }));
    expect(() => coxSection(censored, opts)).toThrow(ApiError);
    try {
      coxSection(censored, opts);
    } catch (err) {
      expect(err).toMatchObject({ code: expect.stringMatching(/^[A-Z_]+$/), field: 'cox' });
    }
    try {
      rocSection([{ subjectId: 'x', value: 1, time: null, event: null, label: 1 }], opts);
    } catch (err) {
      expect(err).toMatchObject({ code: 'INSUFFICIENT_DATA', field: 'roc' });
    }
  });

  it('refuses NaN and Infinity anywhere in a result, naming the path', () => {
    expect(() => statistic('x', () => ({ a: [1, { b: Number.NaN }] }))).toThrow(expect.objectContaining({ code: 'NON_FINITE_RESULT', field: 'x.a[1].b' }));
    expect(() => assertFinite({ a: null, d: new Date(0), s: 'NaN' }, 'ok')).not.toThrow();
    // Numbers straight in an array (a curve) are checked inline, with the same path.
    expect(() => statistic('km', () => ({ lower: [0.5, null, 0.4, Number.POSITIVE_INFINITY] }))).toThrow(
      expect.objectContaining({ code: 'NON_FINITE_RESULT', field: 'km.lower[3]' }),
    );
    expect(() => assertFinite({ curve: [0.1, null, 0.3] }, 'ok')).not.toThrow();
  });

  it('stratifies by quantiles (type 7) and drops groups emptied by ties', () => {
    const q = stratify([1, 2, 3, 4, 5, 6, 7, 8], { quantiles: 4 });
    expect(q.assignment).toEqual([0, 0, 1, 1, 2, 2, 3, 3]);
    expect(q.strata[0]?.label).toBe('Q1 (≤ 2.75)');
    const tied = stratify([1, 1, 1, 1, 2], { quantiles: 4 });
    expect(tied.strata.length).toBe(2);
    expect(() => stratify([1, 2], { quantiles: 1 })).toThrow(/quantiles/);
  });
});

describe('analysis dataset', () => {
  const day = (d: number) => new Date(Date.UTC(2026, 0, 1) + d * 86_400_000);
  const row = (id: string, eventDay: number | null, lastDay: number | null): SourceRow => ({
    subjectId: id,
    trialId: 'T',
    programmeId: null,
    armCode: 'A',
    siteId: 'S',
    measurementId: `m-${id}`,
    value: 1,
    unit: 'cm2',
    measuredMs: day(0).getTime(),
    eventMs: eventDay === null ? null : day(eventDay).getTime(),
    lastKnownMs: lastDay === null ? null : day(lastDay).getTime(),
    position: '1',
    reading: { measurementId: `m-${id}`, raterKind: 'READER', method: 'manual', readerId: 'r1', algorithmVersionId: null, adjudication: null },
  });

  it('time to event: event time when there is one, else censored at last known alive', () => {
    const [a, b, c] = buildDataset([row('a', 100, 300), row('b', null, 400), row('c', null, null)], { kind: 'TIME_TO_EVENT', outcomeTypes: ['death'] });
    expect([a?.time, a?.event]).toEqual([100, 1]);
    expect([b?.time, b?.event]).toEqual([400, 0]);
    expect([c?.time, c?.event, c?.included]).toEqual([0, 0, true]);
  });

  it('binary: 1 within the horizon, 0 when followed event-free through it, excluded when follow-up is too short', () => {
    const [a, b, c, d] = buildDataset([row('a', 100, 300), row('b', null, 400), row('c', null, 200), row('d', 500, 600)], {
      kind: 'BINARY',
      outcomeTypes: ['death'],
      horizonDays: 365,
    });
    expect([a?.label, b?.label, c?.label, d?.label]).toEqual([1, 0, null, 0]);
    expect(c?.included).toBe(false);
    expect(c?.exclusionReason).toMatch(/shorter than the 365 day horizon/);
    expect(a?.time).toBeNull();
  });
});

const cell = (siteId: string, month: string, c: Partial<SurveillanceCounts>): SurveillanceCounts => ({
  siteId,
  month,
  readings: 0,
  aiPositive: 0,
  cancers: 0,
  truePositive: 0,
  trueNegative: 0,
  readerAgreement: 0,
  aiMeasurements: 0,
  correctedMeasurements: 0,
  ...c,
});

describe('post-market surveillance', () => {
  it('rates carry Wilson CIs and are null (not NaN) without a denominator', () => {
    const r = rates(cell('S1', '2026-01', { readings: 20, aiPositive: 4, cancers: 0 }));
    expect(r.aiPositiveRate).toEqual(wilsonInterval(4, 20));
    expect(r.sensitivity).toBeNull();
    expect(r.correctionRate).toBeNull();
  });

  it('CUSUM on the standardised monthly rate raises an INCREASE alarm when the AI-positive rate jumps', () => {
    const months = ['01', '02', '03', '04', '05', '06', '07', '08'].map((m) => `2026-${m}`);
    const positives = [50, 52, 48, 51, 90, 95, 92, 50];
    const cells = months.map((m, i) => cell('S1', m, { readings: 1000, aiPositive: positives[i]! }));
    const s = cusumSeries(rollUp(cells).monthly, { metric: 'AI_POSITIVE_RATE', k: 0.5, h: 4 }, null);
    expect(s.expectedRate).toBeCloseTo(150 / 3000, 10);
    expect(s.alarms[0]).toMatchObject({ month: '2026-05', direction: 'INCREASE', siteId: null, alarmId: 'AI_POSITIVE_RATE|*|2026-05|INCREASE|k=0.5|h=4' });
    expect(s.alarms.every((a) => a.direction === 'INCREASE')).toBe(true);
    // A stable rate raises nothing.
    const calm = cusumSeries(
      months.map((m) => cell('S1', m, { readings: 1000, aiPositive: 50 })),
      { metric: 'AI_POSITIVE_RATE', k: 0.5, h: 4 },
      'S1',
    );
    expect(calm.alarms).toEqual([]);
  });

  it('CUSUM refuses an expected rate of 0 or 1 and a series without readings, with codes', () => {
    expect(() => cusumSeries([cell('S', '2026-01', { readings: 10, aiPositive: 0 })], { metric: 'AI_POSITIVE_RATE', k: 0.5, h: 4 }, null)).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT', field: 'cusum' }),
    );
    expect(() => cusumSeries([cell('S', '2026-01', {})], { metric: 'FALSE_NEGATIVE_RATE', k: 0.5, h: 4 }, null)).toThrow(
      expect.objectContaining({ code: 'INSUFFICIENT_DATA' }),
    );
  });

  it('Newcombe difference contains the point difference and is null when a side is undefined', () => {
    const d = proportionDifference(wilsonInterval(56, 70), wilsonInterval(48, 80))!;
    expect(d.estimate).toBeCloseTo(0.2, 10);
    // Newcombe 1998 Table II example (56/70 − 48/80): method 10 gives 0.0524 to 0.3339.
    expect(d.lower).toBeCloseTo(0.0524, 3);
    expect(d.upper).toBeCloseTo(0.3339, 3);
    expect(proportionDifference(null, wilsonInterval(1, 2))).toBeNull();
  });

  it('alarms are events, raised once per alarm id', () => {
    const meta = { commandId: 'c1', actor: { id: 'u', role: 'screening_manager' }, now: new Date('2026-11-27T10:00:00Z') };
    const alarm = {
      alarmId: 'A|*|2026-05|INCREASE|k=0.5|h=4',
      metric: 'AI_POSITIVE_RATE' as const,
      siteId: null,
      month: '2026-05',
      direction: 'INCREASE' as const,
      statistic: 5,
      expectedRate: 0.05,
      observedRate: 0.09,
      k: 0.5,
      h: 4,
    };
    const first = surveillanceDecider.decide(
      { type: 'RaiseSurveillanceAlarms', algorithmVersionId: 'alg-2', alarms: [alarm, alarm], computedAtPosition: '7' },
      surveillanceDecider.initialState,
      meta,
    );
    expect(first).toHaveLength(1);
    expect(first[0]?.data).toMatchObject({ algorithmVersionId: 'alg-2', raisedAt: '2026-11-27T10:00:00.000Z', computedAtPosition: '7' });
    const state = first.reduce(surveillanceDecider.evolve, surveillanceDecider.initialState);
    expect(
      surveillanceDecider.decide({ type: 'RaiseSurveillanceAlarms', algorithmVersionId: 'alg-2', alarms: [alarm], computedAtPosition: '8' }, state, meta),
    ).toEqual([]);
  });
});

describe('screening KPIs', () => {
  const targets: KpiTarget[] = [
    { kpi: 'participation_rate', scope: 'all_rounds', direction: 'at_least', acceptable: 0.7, desirable: 0.75 },
    { kpi: 'recall_rate', scope: 'first_round', direction: 'at_most', acceptable: 0.07, desirable: 0.05 },
    { kpi: 'recall_rate', scope: 'subsequent_rounds', direction: 'at_most', acceptable: 0.05, desirable: 0.03 },
    { kpi: 'cancer_detection_rate', scope: 'all_rounds', direction: 'at_least', acceptable: 5, desirable: 6 },
  ];
  const counts: KpiCounts = { invited: 1000, screened: 720, recalled: 40, screenDetected: 4, interval0to11: 1, interval12to23: 2 };
  const byName = (v: ReturnType<typeof kpis>) => Object.fromEntries(v.map((k) => [k.kpi, k]));

  it('computes each KPI with a Wilson CI on its scale and flags it against the round type target', () => {
    const first = byName(kpis(counts, targets, 'FIRST'));
    expect(first['PARTICIPATION_RATE']).toMatchObject({ numerator: 720, denominator: 1000, estimate: 0.72, flag: 'ACCEPTABLE' });
    expect(first['PARTICIPATION_RATE']?.lower).toBeCloseTo(wilsonInterval(720, 1000).lower, 12);
    expect(first['RECALL_RATE']).toMatchObject({ estimate: 40 / 720, flag: 'ACCEPTABLE', acceptable: 0.07, desirable: 0.05 });
    expect(first['CANCER_DETECTION_RATE']).toMatchObject({ scale: 1000, flag: 'ACCEPTABLE' }); // 5.56 per 1000: ≥ 5, < 6
    expect(first['CANCER_DETECTION_RATE']?.estimate).toBeCloseTo((4 / 720) * 1000, 10);
    expect(first['CANCER_DETECTION_RATE']?.upper).toBeCloseTo(wilsonInterval(4, 720).upper * 1000, 10);
    expect(first['PPV_OF_RECALL']).toMatchObject({ estimate: 0.1, flag: 'NO_TARGET' });
    expect(first['INTERVAL_CANCER_RATE_0_11']).toMatchObject({ numerator: 1, denominator: 716 });
    expect(first['INTERVAL_CANCER_RATE_12_23']).toMatchObject({ numerator: 2, denominator: 716 });
    expect(first['PROGRAMME_SENSITIVITY']).toMatchObject({ numerator: 4, denominator: 7 });
    // The same recall rate misses the stricter subsequent-round target.
    expect(byName(kpis(counts, targets, 'SUBSEQUENT'))['RECALL_RATE']?.flag).toBe('NOT_ACCEPTABLE');
  });

  it('reports NO_DATA with a reason instead of NaN or a rate above 100 %', () => {
    const none = byName(kpis({ invited: null, screened: 0, recalled: 0, screenDetected: 0, interval0to11: 0, interval12to23: 0 }, targets, 'ALL'));
    expect(none['PARTICIPATION_RATE']).toMatchObject({ estimate: null, flag: 'NO_DATA', note: expect.stringMatching(/per round/) });
    expect(none['RECALL_RATE']).toMatchObject({ estimate: null, flag: 'NO_DATA', note: 'the denominator is zero' });
    const odd = byName(kpis({ ...counts, invited: 10 }, targets, 'ALL'));
    expect(odd['PARTICIPATION_RATE']).toMatchObject({ estimate: null, flag: 'NO_DATA', note: 'numerator 720 exceeds denominator 10' });
  });

  it('flags at the bounds inclusively, in both directions', () => {
    expect(flagFor(0.75, targets[0]!)).toBe('DESIRABLE');
    expect(flagFor(0.7, targets[0]!)).toBe('ACCEPTABLE');
    expect(flagFor(0.05, targets[1]!)).toBe('DESIRABLE');
    expect(flagFor(0.0701, targets[1]!)).toBe('NOT_ACCEPTABLE');
    expect(flagFor(0.5, null)).toBe('NO_TARGET');
  });
});

describe('RECIST from subject events', () => {
  const lesion = (uid: string, role: 'target' | 'non_target' | 'new', site = 'liver') => ({ trackingUid: uid, label: uid, findingSite: site, role });
  let n = 0;
  // Biomarker ids named after their RECIST test code (recist.mapping.ts reads the code, not the id).
  const biomarkerOf = (l: ReturnType<typeof lesion>, value: number | string) =>
    typeof value === 'string' ? 'tumstate' : /lymph/.test(l.findingSite) ? 'lperp' : 'ldiam';
  const mapping = { testCodeOf: (id: string) => recistTestCode(id.toUpperCase()), selection: { kind: 'reader', readerId: 'r1' } as const };
  const measure = (tp: string, date: string, l: ReturnType<typeof lesion>, value: number | string): SubjectEvent => ({
    type: 'MeasurementRecorded',
    data: {
      subjectId: 'S1',
      measurementId: `m${++n}`,
      trialId: 'T1',
      programmeId: null,
      biomarkerId: biomarkerOf(l, value),
      biomarkerVersion: 1,
      result:
        typeof value === 'number'
          ? { kind: 'quantitative', originalValue: value, originalUnit: 'mm', value, unit: 'mm' }
          : { kind: 'categorical', category: value },
      studyInstanceUid: `1.2.${n}`,
      seriesInstanceUid: null,
      timePoint: tp,
      lesion: l,
      method: 'manual',
      algorithmVersionId: null,
      readerId: 'r1',
      plausibilityOverrideReason: null,
      occurredAt: `${date}T09:00:00Z`,
    },
  });
  const enrolled: SubjectEvent = {
    type: 'SubjectEnrolled',
    data: {
      subjectId: 'S1',
      trialId: 'T1',
      pseudonym: 'P',
      siteId: 'SITE',
      consentVersion: 'v1',
      consentDate: '2026-01-01',
      occurredAt: '2026-01-01T00:00:00Z',
    },
  };

  it('maps roles, applies corrections and retractions, and gives PD against the nadir', () => {
    const events: SubjectEvent[] = [
      enrolled,
      measure('baseline', '2026-01-10', lesion('L1', 'target'), 50),
      measure('baseline', '2026-01-10', lesion('N1', 'non_target', 'lymph node'), 'PRESENT'),
      measure('week8', '2026-03-10', lesion('L1', 'target'), 30),
      measure('week8', '2026-03-10', lesion('N1', 'non_target', 'lymph node'), 8),
      measure('week16', '2026-05-10', lesion('L1', 'target'), 99),
    ];
    // The week16 value is corrected to 37 (PD: +7 mm and +23 % over the nadir of 30).
    events.push({
      type: 'MeasurementCorrected',
      data: {
        subjectId: 'S1',
        measurementId: `m${n}`,
        result: { kind: 'quantitative', originalValue: 37, originalUnit: 'mm', value: 37, unit: 'mm' },
        previousResult: { kind: 'quantitative', originalValue: 99, originalUnit: 'mm', value: 99, unit: 'mm' },
        reason: 'typo',
        plausibilityOverrideReason: null,
        correctedAt: '2026-05-11T00:00:00Z',
      },
    });
    const extra = measure('week16', '2026-05-10', lesion('X9', 'new'), 12);
    events.push(extra, {
      type: 'MeasurementRetracted',
      data: {
        subjectId: 'S1',
        measurementId: (extra.data as { measurementId: string }).measurementId,
        reason: 'wrong subject',
        retractedAt: '2026-05-12T00:00:00Z',
      },
    });
    const source = recistSource('S1', events, mapping);
    expect(source).toMatchObject({ trialId: 'T1', siteId: 'SITE' });
    expect(source.input?.lesions).toEqual([
      { id: 'L1', organ: 'liver', nodal: false, role: 'TARGET' },
      { id: 'N1', organ: 'lymph node', nodal: true, role: 'NON_TARGET' },
    ]);
    expect(source.input?.timePoints[1]?.nonTargets).toEqual({ N1: 'ABSENT' });
    const result = assessRecist(source.input!);
    expect(result.timePoints.map((t) => t.overallResponse)).toEqual([null, 'PR', 'PD']);
    expect(result.timePoints[2]).toMatchObject({ sumOfDiameters: 37, nadir: 30, newLesion: false });
    expect(result.bestOverallResponse).toBe('PR');
  });

  it('a new lesion with shrinking targets is PD; a subject without lesions has no input', () => {
    const events = [
      enrolled,
      measure('baseline', '2026-01-10', lesion('L1', 'target'), 40),
      measure('w8', '2026-03-01', lesion('L1', 'target'), 20),
      measure('w8', '2026-03-01', lesion('NEW1', 'new', 'bone'), 'PRESENT'),
    ];
    const result = assessRecist(recistSource('S1', events, mapping).input!);
    expect(result.timePoints[1]).toMatchObject({ targetResponse: 'PR', newLesion: true, overallResponse: 'PD' });
    expect(recistSource('S1', [enrolled], mapping).input).toBeNull();
  });
});
