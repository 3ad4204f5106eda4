import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import {
  ageBand,
  agreementOf,
  checkDriftSettings,
  DEFAULT_DRIFT_SETTINGS,
  driftChart,
  ewma,
  inControl,
  monthlyAgreement,
  pairDifference,
  siegmundArl,
  sliceThicknessBand,
  type DriftPoint,
} from './surveillance-drift.statistics.js';
import { driftPlan, driftResult, type DriftPair } from './surveillance-drift.dataset.js';

// Oracle: fixtures/generate-drift-reference.R (base R), committed with its output.
const ref = JSON.parse(readFileSync(join(process.cwd(), 'services/registry-api/src/analytics/fixtures/drift-reference.json'), 'utf8')) as {
  x: number[];
  target: number;
  sd: number;
  k: number;
  h: number;
  lambda: number;
  L: number;
  cusumUpper: number[];
  cusumLower: number[];
  ewma: number[];
  ewmaUpper: number[];
  ewmaLower: number[];
  blandAltman: { bias: number; sd: number; lower: number; upper: number; biasCi: number[]; lowerCi: number[] };
};

const points = (xs: readonly number[], month = (i: number) => `2025-${String(1 + Math.floor(i / 4)).padStart(2, '0')}`): DriftPoint[] =>
  xs.map((difference, i) => ({ difference, month: month(i), occurredAt: `2025-01-01T00:00:${String(i).padStart(2, '0')}Z`, measurementId: `m${i}` }));

describe('drift statistics', () => {
  it('computes CUSUM and EWMA (with exact limits) as the R reference does', () => {
    const settings = { ...DEFAULT_DRIFT_SETTINGS, k: ref.k, h: ref.h, lambda: ref.lambda, L: ref.L, expectedBias: ref.target, expectedSd: ref.sd };
    const ctrl = inControl(points(ref.x), settings);
    expect(ctrl).toEqual({ bias: ref.target, sd: ref.sd, source: 'STATED', baselineCases: 0 });
    const chart = driftChart(points(ref.x), ctrl, settings, { biomarkerId: 'b', dimension: 'SITE', stratum: 'S1' });
    chart.cusumUpper.forEach((v, i) => expect(v).toBeCloseTo(ref.cusumUpper[i]!, 10));
    chart.cusumLower.forEach((v, i) => expect(v).toBeCloseTo(ref.cusumLower[i]!, 10));
    chart.ewma.forEach((v, i) => expect(v).toBeCloseTo(ref.ewma[i]!, 10));
    chart.ewmaUpper.forEach((v, i) => expect(v).toBeCloseTo(ref.ewmaUpper[i]!, 10));
    chart.ewmaLower.forEach((v, i) => expect(v).toBeCloseTo(ref.ewmaLower[i]!, 10));
    // The upper CUSUM crosses h = 4 at the 9th case (4.233 in R), then restarts from 0.
    const cusumAlarms = chart.alarms.filter((a) => a.chart === 'CUSUM');
    expect(cusumAlarms.map((a) => [a.direction, a.caseNumber, a.month])).toEqual([['INCREASE', 9, '2025-03']]);
    expect(cusumAlarms[0]!.statistic).toBeCloseTo(ref.cusumUpper[8]!, 10);
    expect(cusumAlarms[0]!.alarmId).toBe('DRIFT|b|SITE=S1|CUSUM|INCREASE|2025-03|PERCENT|k=0.5|h=4|lambda=0.2|L=3');
    // EWMA: every case whose statistic is outside its limit, one alarm per month and direction.
    const outside = ref.ewma.map((z, i) => (z > ref.ewmaUpper[i]! ? i : -1)).filter((i) => i >= 0);
    const months = [...new Set(outside.map((i) => points(ref.x)[i]!.month))];
    expect(chart.alarms.filter((a) => a.chart === 'EWMA').map((a) => a.month)).toEqual(months);
    expect(months.length).toBeGreaterThan(0);
  });

  it('gives the same alarm ids when run again over more data (same window, same id)', () => {
    const s = { ...DEFAULT_DRIFT_SETTINGS, expectedBias: ref.target, expectedSd: ref.sd };
    const at = { biomarkerId: 'b', dimension: 'SITE' as const, stratum: 'S1' };
    const first = driftChart(points(ref.x), inControl(points(ref.x), s), s, at).alarms.map((a) => a.alarmId);
    const more = [...ref.x, 0.4, 0.6];
    const second = driftChart(points(more), inControl(points(more), s), s, at).alarms.map((a) => a.alarmId);
    expect(second.slice(0, first.length)).toEqual(first);
  });

  it('estimates the in-control bias and SD from the first baseline pairs of the whole series', () => {
    const s = { ...DEFAULT_DRIFT_SETTINGS, baselineCases: 4 };
    // mean(1, 2, 3, 6) = 3, SD = sqrt((4 + 1 + 0 + 9) / 3)
    expect(inControl(points([1, 2, 3, 6, 100, 100]), s)).toEqual({ bias: 3, sd: Math.sqrt(14 / 3), source: 'BASELINE_CASES', baselineCases: 4 });
    expect(() => inControl(points([1]), s)).toThrow(/at least 2 baseline pairs/);
    expect(() => inControl(points([2, 2, 2]), s)).toThrow(/do not vary/);
  });

  it('agrees with R for the bias and limits of agreement', () => {
    const a = agreementOf(ref.x);
    expect(a.n).toBe(ref.x.length);
    expect(a.bias).toBeCloseTo(ref.blandAltman.bias, 10);
    expect(a.sd).toBeCloseTo(ref.blandAltman.sd, 10);
    expect(a.lower).toBeCloseTo(ref.blandAltman.lower, 10);
    expect(a.upper).toBeCloseTo(ref.blandAltman.upper, 10);
    expect(a.biasCi.lower).toBeCloseTo(ref.blandAltman.biasCi[0]!, 7);
    expect(a.biasCi.upper).toBeCloseTo(ref.blandAltman.biasCi[1]!, 7);
    expect(a.lowerCi.lower).toBeCloseTo(ref.blandAltman.lowerCi[0]!, 7);
    const monthly = monthlyAgreement(points(ref.x));
    expect(monthly.map((m) => [m.month, m.n])).toEqual([
      ['2025-01', 4],
      ['2025-02', 4],
      ['2025-03', 4],
    ]);
    // 2025-01 holds 1.2, −0.4, 0.3, 2.1: bias 0.8.
    expect(monthly[0]!.agreement!.bias).toBeCloseTo(0.8, 12);
    expect(monthlyAgreement(points([1]))[0]!.agreement).toBeNull();
  });

  it("states Siegmund's ARL: ≈ 336 in control and ≈ 8.3 at one SD for k = 0.5, h = 4", () => {
    // By hand: b = 5.166, Δ = −0.5 → (e^5.166 − 5.166 − 1) / 0.5 = 338.09. Montgomery Table 9.4's exact one-sided
    // values (k = 0.5, h = 4) are 336 and 8.38: the approximation is within 1 %.
    expect(siegmundArl(0.5, 4, 0)).toBeCloseTo((Math.exp(5.166) - 5.166 - 1) / 0.5, 8);
    expect(siegmundArl(0.5, 4, 0) / 336).toBeCloseTo(1, 1);
    expect(siegmundArl(0.5, 4, 1)).toBeGreaterThan(8.2);
    expect(siegmundArl(0.5, 4, 1)).toBeLessThan(8.4);
    expect(siegmundArl(0.5, 4, 0.5)).toBeCloseTo(5.166 ** 2, 6);
  });

  it('bands slice thickness and age, and differences on both scales', () => {
    expect([0.625, 1, 1.25, 2.5, 3, 5, 7.5, null, 0].map(sliceThicknessBand)).toEqual([
      '≤1 mm',
      '≤1 mm',
      '>1–2.5 mm',
      '>1–2.5 mm',
      '>2.5–5 mm',
      '>2.5–5 mm',
      '>5 mm',
      'unknown',
      'unknown',
    ]);
    expect([12, 39.9, 40, 49.99, 65, 80, 93, null].map(ageBand)).toEqual(['<40', '<40', '40–49', '40–49', '60–69', '80+', '80+', 'unknown']);
    expect(pairDifference(11, 9, 'ABSOLUTE')).toBe(2);
    expect(pairDifference(11, 9, 'PERCENT')).toBeCloseTo(20, 12);
    expect(pairDifference(1, -1, 'PERCENT')).toBeNull();
  });

  it('refuses bad chart parameters with the field', () => {
    expect(() => checkDriftSettings({ ...DEFAULT_DRIFT_SETTINGS, lambda: 0 })).toThrow(
      expect.objectContaining({ code: 'BAD_USER_INPUT', field: 'drift.lambda' }),
    );
    expect(() => checkDriftSettings({ ...DEFAULT_DRIFT_SETTINGS, h: -1 })).toThrow(expect.objectContaining({ field: 'drift.h' }));
    expect(() => checkDriftSettings({ ...DEFAULT_DRIFT_SETTINGS, baselineCases: 1 })).toThrow(expect.objectContaining({ field: 'drift.baselineCases' }));
    expect(checkDriftSettings(DEFAULT_DRIFT_SETTINGS)).toBe(DEFAULT_DRIFT_SETTINGS);
    // ewma alone, without a chart: a constant series on target never leaves its limits.
    expect(ewma([0, 0, 0], { target: 0, sd: 1, lambda: 0.2, L: 3 }).upperAlarms).toEqual([]);
  });
});

describe('drift strata of personal data', () => {
  const pair = (i: number, sex: string, difference: number): DriftPair => ({
    aiMeasurementId: `ai-${String(i).padStart(3, '0')}`,
    referenceMeasurementId: `ref-${i}`,
    subjectId: `s-${i}`,
    studyInstanceUid: `1.2.${i}`,
    lesionTrackingUid: null,
    occurredAt: new Date(Date.UTC(2025, 0, 1 + i)).toISOString(),
    month: new Date(Date.UTC(2025, 0, 1 + i)).toISOString().slice(0, 7),
    ai: 10,
    reference: 10,
    difference,
    strata: { SEX: sex, SITE: 'S1' },
  });
  const plan = driftPlan({ biomarkerId: 'b', strata: ['SITE', 'SEX'] });

  it('shows a sex stratum only over at least 10 subjects, in the analysis and in the stratum (COHORT_TOO_SMALL otherwise)', () => {
    // 12 female, 4 male subjects, all with opened personal data.
    const pairs = [
      ...Array.from({ length: 12 }, (_, i) => pair(i, 'female', (i % 3) - 1)),
      ...Array.from({ length: 4 }, (_, i) => pair(20 + i, 'male', i % 2)),
    ];
    const r = driftResult(plan, pairs, 16);
    const sex = r.strata.filter((s) => s instanceof Error || s.dimension === 'SEX');
    expect(sex.map((s) => (s instanceof Error ? (s as unknown as { code: string }).code : `${s.value}:${s.pairCount}`))).toEqual([
      'female:12',
      'COHORT_TOO_SMALL',
    ]);
    // The site stratum is not personal data: shown whatever its size.
    expect(r.strata.some((s) => !(s instanceof Error) && s.dimension === 'SITE' && s.pairCount === 16)).toBe(true);
    // Fewer than 10 subjects with opened personal data in the whole analysis: no sex stratum at all.
    const few = driftResult(plan, pairs, 9);
    expect(few.strata.filter((s) => s instanceof Error).length).toBe(2);
    expect(few.strata.filter((s) => !(s instanceof Error) && s.dimension === 'SEX')).toEqual([]);
  });

  it('refuses an AI reference and an unknown stratum before reading anything', () => {
    expect(() => driftPlan({ biomarkerId: 'b', reference: { algorithmVersionId: 'x' } })).toThrow(expect.objectContaining({ field: 'drift.reference' }));
    expect(() => driftPlan({ biomarkerId: 'b', strata: ['SITE', 'EYE_COLOUR' as never] })).toThrow(expect.objectContaining({ field: 'drift.strata[1]' }));
    expect(driftPlan({ biomarkerId: 'b' }).dimensions).toEqual(['SITE', 'SCANNER_MODEL', 'RECONSTRUCTION_KERNEL', 'SLICE_THICKNESS_BAND', 'CONTRAST_PHASE']);
  });
});
