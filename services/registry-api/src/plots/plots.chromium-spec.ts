import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { blandAltman, cusum, kaplanMeier, logRank, roc, wilsonInterval } from '#biostat';
import { aml, aSAH } from '../../../../libs/biostat/src/testing/r-datasets.js';
import { pefr } from '../../../../libs/biostat/src/testing/published-datasets.js';
import { blandAltmanPlot } from './bland-altman.plot.js';
import { cusumPlot } from './cusum.plot.js';
import { kaplanMeierPlot } from './kaplan-meier.plot.js';
import { kpiTrendPlot } from './kpi-trend.plot.js';
import { decodePng, pixelCensus } from './png.js';
import { rocPlot } from './roc.plot.js';

// `npm run test:plots`: each plot rendered by a real browser, so an SVG that parses but draws nothing (a bad
// viewBox, NaN in a path, white on white) fails here. PNGs are kept in PLOTS_OUT (default: $TMPDIR/registry-plots).
const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const OUT = process.env['PLOTS_OUT'] ?? join(tmpdir(), 'registry-plots');

function render(name: string, svg: string): ReturnType<typeof pixelCensus> & { width: number; height: number } {
  const width = Number(/width="([\d.]+)"/.exec(svg)?.[1]);
  const height = Number(/height="([\d.]+)"/.exec(svg)?.[1]);
  const svgPath = join(OUT, `${name}.svg`);
  const pngPath = join(OUT, `${name}.png`);
  writeFileSync(svgPath, svg);
  execFileSync(
    CHROMIUM,
    [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-dev-shm-usage',
      '--hide-scrollbars',
      '--no-first-run',
      `--window-size=${Math.ceil(width)},${Math.ceil(height)}`,
      `--screenshot=${pngPath}`,
      `file://${svgPath}`,
    ],
    { stdio: 'pipe', timeout: 60000 },
  );
  const img = decodePng(readFileSync(pngPath));
  return { ...pixelCensus(img), width: img.width, height: img.height };
}

const group = (g: number) => ({ time: aml.time.filter((_, i) => aml.group[i] === g), event: aml.event.filter((_, i) => aml.group[i] === g) });
const r = roc({ score: [...aSAH.s100b], label: [...aSAH.label] });
const ba = blandAltman([...pefr.wright], [...pefr.miniWright]);
const drift = [0.1, -0.2, 0.3, 0, 0.4, 1.8, 2.2, 2.6, 1.9, 0.2, -0.1, 0.3];
const c = cusum(drift, { target: 0, k: 0.5, h: 2 });

const PLOTS: Record<string, string> = {
  'kaplan-meier': kaplanMeierPlot({
    title: 'AML: time to relapse by maintenance',
    timeLabel: 'Weeks',
    curves: [
      { label: 'Maintained', km: kaplanMeier(group(0)) },
      { label: 'Nonmaintained', km: kaplanMeier(group(1)) },
    ],
    logRank: logRank({ ...aml, group: [...aml.group] }),
  }),
  roc: rocPlot({
    title: 'aSAH: s100b',
    curves: [{ label: 's100b', points: r.curve, auc: r.auc, lower: r.lower, upper: r.upper }],
    operatingPoint: { ...r.curve[40]!, threshold: 0.2 },
  }),
  'bland-altman': blandAltmanPlot({ title: 'PEFR: Wright vs mini-Wright', unit: 'l/min', ...ba }),
  cusum: cusumPlot({ title: 'AI-positive rate drift', periods: drift.map((_, i) => `2026-${String(i + 1).padStart(2, '0')}`), h: 2, ...c }),
  'kpi-trend': kpiTrendPlot({
    title: 'Recall rate by round',
    valueLabel: 'Recall rate',
    rounds: ['Round 1', 'Round 2', 'Round 3'],
    series: [
      { label: 'Site A', points: [wilsonInterval(70, 1000), wilsonInterval(45, 1100), wilsonInterval(38, 1050)] },
      { label: 'Site B', points: [wilsonInterval(52, 800), wilsonInterval(41, 820), null] },
    ],
    acceptable: 0.07,
    desirable: 0.05,
  }),
};

describe('plots rendered by headless Chromium', () => {
  it(`finds Chromium at ${CHROMIUM} (install it with: apt-get install -y chromium, or set CHROMIUM_PATH)`, () => {
    expect(existsSync(CHROMIUM)).toBe(true);
    mkdirSync(OUT, { recursive: true });
  });

  it.each(Object.keys(PLOTS))('%s renders a picture that is not blank', (name) => {
    const census = render(name, PLOTS[name] as string);
    console.log(
      `${name}: ${census.width}×${census.height}, ${census.nonWhite} non-white (${((100 * census.nonWhite) / census.total).toFixed(1)} %), ${census.coloured} coloured → ${join(OUT, `${name}.png`)}`,
    );
    expect(census.width).toBeGreaterThan(300);
    // Axes, text and curves: at least 2 % of the picture ink, at least a few hundred clearly coloured pixels.
    expect(census.nonWhite / census.total).toBeGreaterThan(0.02);
    expect(census.coloured).toBeGreaterThan(300);
    // …and not a solid block either (a missing background or a broken fill).
    expect(census.nonWhite / census.total).toBeLessThan(0.6);
  });
});
