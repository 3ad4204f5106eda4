import { describe, expect, it } from '@jest/globals';
import { DOMParser, type Document, type Element } from '@xmldom/xmldom';
import { blandAltman, cusum, kaplanMeier, logRank, roc, wilsonInterval } from '#biostat';
import { aml, aSAH } from '../../../../libs/biostat/src/testing/r-datasets.js';
import { pefr } from '../../../../libs/biostat/src/testing/published-datasets.js';
import { blandAltmanPlot } from './bland-altman.plot.js';
import { cusumPlot } from './cusum.plot.js';
import { forestPlot } from './forest.plot.js';
import { atRiskAt, kaplanMeierPlot, thinIndices } from './kaplan-meier.plot.js';
import { kpiTrendPlot } from './kpi-trend.plot.js';
import { rocPlot } from './roc.plot.js';
import { niceTicks, num } from './svg.js';

function parse(svg: string): Document {
  const doc = new DOMParser({
    onError: (level, message) => {
      throw new Error(`${level}: ${message}`);
    },
  }).parseFromString(svg, 'image/svg+xml');
  return doc;
}

function all(doc: Document, tag: string): Element[] {
  return Array.from(doc.getElementsByTagName(tag));
}

function byClass(doc: Document, cls: string): Element[] {
  return Array.from(doc.getElementsByTagName('*')).filter((e) => (e.getAttribute('class') ?? '').split(' ').includes(cls));
}

const amlGroup = (g: number) => ({
  time: aml.time.filter((_, i) => aml.group[i] === g),
  event: aml.event.filter((_, i) => aml.group[i] === g),
});

describe('Kaplan–Meier plot', () => {
  const maintained = kaplanMeier(amlGroup(0));
  const nonMaintained = kaplanMeier(amlGroup(1));
  const svg = kaplanMeierPlot({
    title: 'AML: maintained vs not',
    timeLabel: 'Weeks',
    curves: [
      { label: 'Maintained', km: maintained },
      { label: 'Nonmaintained', km: nonMaintained },
    ],
    logRank: logRank({ ...aml, group: [...aml.group] }),
  });
  const doc = parse(svg);

  it('is well-formed SVG with a title, two curves, two CI bands and both axes', () => {
    expect(doc.documentElement?.nodeName).toBe('svg');
    expect(doc.documentElement?.getAttribute('xmlns')).toBe('http://www.w3.org/2000/svg');
    expect(all(doc, 'title')[0]?.textContent).toBe('AML: maintained vs not');
    expect(byClass(doc, 'curve')).toHaveLength(2);
    expect(byClass(doc, 'ci')).toHaveLength(2);
    expect(byClass(doc, 'x-axis')).toHaveLength(1);
    expect(byClass(doc, 'y-axis')).toHaveLength(1);
    expect(byClass(doc, 'censor')).toHaveLength(2);
    expect(svg).not.toMatch(/NaN|Infinity|undefined/);
  });

  it('prints the numbers at risk under each x tick, equal to those with time ≥ tick', () => {
    const rows = byClass(doc, 'at-risk-row');
    expect(rows.map((r) => r.getAttribute('data-group'))).toEqual(['Maintained', 'Nonmaintained']);
    const counts = Array.from(rows[0]!.getElementsByTagName('text')).filter((t) => t.getAttribute('class') === 'at-risk-count');
    const ticks = counts.map((c) => Number(c.getAttribute('data-time')));
    expect(ticks[0]).toBe(0);
    const times = amlGroup(0).time;
    for (const [i, c] of counts.entries()) expect(Number(c.textContent)).toBe(times.filter((t) => t >= ticks[i]!).length);
    expect(Number(counts[0]!.textContent)).toBe(11);
  });

  it('labels the y axis from 0 to 1 and shows the log-rank test', () => {
    const yLabels = Array.from(byClass(doc, 'y-axis')[0]!.getElementsByTagName('text')).map((t) => t.textContent);
    expect(yLabels).toEqual(expect.arrayContaining(['0', '0.2', '1', 'Survival probability']));
    expect(byClass(doc, 'log-rank')[0]?.textContent).toContain('χ² = 3.40 (1 df), p = 0.0653');
  });

  it('counts nobody at risk after the last time', () => {
    expect(atRiskAt(maintained, 1000)).toBe(0);
    expect(atRiskAt(maintained, 13)).toBe(10);
    expect(atRiskAt(maintained, 14)).toBe(8);
  });
});

describe('thinning large curves', () => {
  it('keeps the first and last index and at most about max points, and draws the at-risk table from the full curve', () => {
    expect(thinIndices(5, 10)).toEqual([0, 1, 2, 3, 4]);
    const idx = thinIndices(100_000, 1500);
    expect(idx[0]).toBe(0);
    expect(idx.at(-1)).toBe(99_999);
    expect(idx.length).toBeLessThanOrEqual(1502);
    const n = 20_000;
    const time = Array.from({ length: n }, (_, i) => i + 1);
    const km = kaplanMeier({ time, event: time.map((t) => (t % 3 === 0 ? 0 : 1)) });
    const svg = kaplanMeierPlot({ title: 'big', timeLabel: 'days', curves: [{ label: 'all', km }] });
    const doc = parse(svg);
    const counts = byClass(doc, 'at-risk-count');
    for (const c of counts) expect(Number(c.textContent)).toBe(atRiskAt(km, Number(c.getAttribute('data-time'))));
    expect(svg.length).toBeLessThan(200_000);
  });
});

describe('ROC plot', () => {
  const r = roc({ score: [...aSAH.s100b], label: [...aSAH.label] });
  const svg = rocPlot({
    title: 'ROC s100b',
    curves: [{ label: 's100b', points: r.curve, auc: r.auc, lower: r.lower, upper: r.upper }],
    operatingPoint: { sensitivity: 0.634, specificity: 0.806, threshold: 0.205 },
  });
  const doc = parse(svg);
  it('draws the curve, the chance diagonal, the operating point and the AUC with its DeLong CI', () => {
    expect(byClass(doc, 'roc-curve')).toHaveLength(1);
    expect(byClass(doc, 'chance')).toHaveLength(1);
    expect(byClass(doc, 'operating-point')).toHaveLength(1);
    expect(svg).toContain('AUC 0.731 (0.630–0.833)');
    const d = byClass(doc, 'roc-curve')[0]!.getAttribute('d')!;
    // Starts at (0,0) → bottom-left of the plot box, ends at (1,1) → top-right.
    expect(d.startsWith('M90,470')).toBe(true);
    expect(d.endsWith('L510,50')).toBe(true);
  });
});

describe('Bland–Altman plot', () => {
  const ba = blandAltman([...pefr.wright], [...pefr.miniWright]);
  const svg = blandAltmanPlot({ title: 'Wright vs mini-Wright', unit: 'l/min', ...ba });
  const doc = parse(svg);
  it('has one point per pair, the bias and both limits with CI bands', () => {
    expect(all(doc, 'circle')).toHaveLength(17);
    expect(byClass(doc, 'bias')).toHaveLength(1);
    expect(byClass(doc, 'loa')).toHaveLength(2);
    expect(byClass(doc, 'loa-ci')).toHaveLength(2);
    expect(svg).toContain('bias -2.118');
  });
});

describe('forest plot', () => {
  const terms = [
    { name: 'biomarker', ratio: 1.8, lower: 1.2, upper: 2.7, p: 0.004 },
    { name: 'age', ratio: 1.02, lower: 0.99, upper: 1.05, p: 0.21 },
    { name: 'sex', ratio: 0.6, lower: 0.35, upper: 1.03, p: 0.064 },
  ];
  const svg = forestPlot({ title: 'Cox hazard ratios', ratioLabel: 'Hazard ratio (95 % CI, log scale)', terms, note: 'n = 80, 31 events' });
  const doc = parse(svg);
  const nullX = Number(byClass(doc, 'null-line')[0]!.getAttribute('x1'));
  it('draws one square and one whisker per term, labelled, and the null line at 1', () => {
    expect(byClass(doc, 'term')).toHaveLength(3);
    expect(byClass(doc, 'estimate')).toHaveLength(3);
    expect(byClass(doc, 'ci')).toHaveLength(3);
    expect(byClass(doc, 'term-label').map((e) => e.textContent)).toEqual(['biomarker', 'age', 'sex']);
    expect(svg).toContain('1.8 (1.2–2.7), p = 0.004');
    const oneTick = byClass(doc, 'tick-label').find((e) => e.textContent === '1')!;
    expect(Number(oneTick.getAttribute('x'))).toBeCloseTo(nullX, 2);
  });
  it('puts a protective ratio left of the null and a harmful one right, its whisker from lower to upper on a log axis', () => {
    const centre = (i: number) => Number(byClass(doc, 'estimate')[i]!.getAttribute('x')) + 5;
    expect(centre(0)).toBeGreaterThan(nullX);
    expect(centre(2)).toBeLessThan(nullX);
    const ci = byClass(doc, 'ci')[0]!;
    const [x1, x2] = [Number(ci.getAttribute('x1')), Number(ci.getAttribute('x2'))];
    // Log scale: the square sits where log(1.8) falls between log(1.2) and log(2.7).
    const frac = (Math.log(1.8) - Math.log(1.2)) / (Math.log(2.7) - Math.log(1.2));
    expect(centre(0)).toBeCloseTo(x1 + frac * (x2 - x1), 1);
  });
  it('refuses a ratio that cannot sit on a log axis instead of drawing it somewhere', () => {
    expect(() => forestPlot({ title: 't', ratioLabel: 'r', terms: [{ name: 'x', ratio: 0, lower: 0, upper: 1, p: 1 }] })).toThrow(/positive/);
  });
});

describe('CUSUM plot', () => {
  const values = [0, 0.1, -0.2, 0.3, 2, 2.5, 2.2, 0, 0.1];
  const c = cusum(values, { target: 0, k: 0.5, h: 2 });
  const svg = cusumPlot({ title: 'CUSUM', periods: values.map((_, i) => `2026-0${i + 1}`), h: 2, ...c });
  const doc = parse(svg);
  it('draws both sums, ±h and one marker per alarm', () => {
    expect(c.upperAlarms.length).toBeGreaterThan(0);
    expect(byClass(doc, 'cusum-upper')).toHaveLength(1);
    expect(byClass(doc, 'cusum-lower')).toHaveLength(1);
    expect(byClass(doc, 'decision-interval')).toHaveLength(2);
    expect(byClass(doc, 'alarm')).toHaveLength(c.upperAlarms.length + c.lowerAlarms.length);
    expect(byClass(doc, 'alarm')[0]?.getAttribute('data-period')).toBe(`2026-0${c.upperAlarms[0]! + 1}`);
  });
});

describe('KPI trend plot', () => {
  it('draws a point with an error bar per round with data, skips empty rounds, and shows both targets', () => {
    const svg = kpiTrendPlot({
      title: 'Recall rate',
      valueLabel: 'Recall rate',
      rounds: ['R1', 'R2', 'R3'],
      series: [{ label: 'all sites', points: [wilsonInterval(60, 1000), null, wilsonInterval(40, 1000)] }],
      acceptable: 0.07,
      desirable: 0.05,
    });
    const doc = parse(svg);
    expect(byClass(doc, 'kpi-point')).toHaveLength(2);
    expect(byClass(doc, 'error-bar')).toHaveLength(2);
    expect(byClass(doc, 'target-acceptable')).toHaveLength(1);
    expect(byClass(doc, 'target-desirable')).toHaveLength(1);
    const xLabels = Array.from(byClass(doc, 'x-axis')[0]!.getElementsByTagName('text')).map((t) => t.textContent);
    expect(xLabels).toEqual(['R1', 'R2', 'R3', 'Screening round']);
  });
});

describe('SVG primitives', () => {
  it('refuse a non-finite coordinate instead of drawing a blank picture', () => {
    expect(() => num(Number.NaN)).toThrow(/non-finite/);
    expect(() => num(Number.POSITIVE_INFINITY)).toThrow(/non-finite/);
  });
  it('choose 1-2-5 ticks', () => {
    expect(niceTicks(0, 161)).toEqual([0, 50, 100, 150]);
    expect(niceTicks(0, 161, 10)).toEqual([0, 20, 40, 60, 80, 100, 120, 140, 160]);
    expect(niceTicks(0, 1, 5)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
  });
  it('escape labels', () => {
    const svg = kpiTrendPlot({ title: 'a < b & "c"', valueLabel: 'x', rounds: ['<R1>'], series: [{ label: 's&t', points: [wilsonInterval(1, 2)] }] });
    expect(() => parse(svg)).not.toThrow();
    expect(svg).toContain('a &lt; b &amp; &quot;c&quot;');
  });
});
