import { axes, colour, document, escapeXml, legend, line, linearScale, niceDomain, niceTicks, num, polyline, text, type Box } from './svg.js';

/** The parts of a `#biostat` KaplanMeierResult the picture needs (one entry per distinct time). */
export interface KmCurveData {
  readonly n: number;
  readonly time: readonly number[];
  readonly atRisk: readonly number[];
  readonly nCensor: readonly number[];
  readonly survival: readonly number[];
  readonly lower: readonly (number | null)[];
  readonly upper: readonly (number | null)[];
}

export interface KmPlotInput {
  readonly title: string;
  readonly timeLabel: string;
  readonly curves: readonly { readonly label: string; readonly km: KmCurveData }[];
  readonly logRank?: { readonly chisq: number; readonly df: number; readonly p: number } | null;
}

/** Number at risk at time t: those whose time is ≥ t (R's summary(survfit, times = t)$n.risk). */
export function atRiskAt(km: KmCurveData, t: number): number {
  const i = km.time.findIndex((time) => time >= t);
  return i < 0 ? 0 : (km.atRisk[i] as number);
}

/** Indices to draw when a curve has more steps than a picture can show (100,000 subjects): every k-th and the last. */
export function thinIndices(length: number, max = 1500): number[] {
  if (length <= max) return Array.from({ length }, (_, i) => i);
  const step = Math.ceil(length / max);
  const idx: number[] = [];
  for (let i = 0; i < length; i += step) idx.push(i);
  if (idx[idx.length - 1] !== length - 1) idx.push(length - 1);
  return idx;
}

/** Right-continuous step function through (0, 1) and every (time, value) change. */
function steps(time: readonly number[], values: readonly number[], xEnd: number): [number, number][] {
  const pts: [number, number][] = [[0, 1]];
  let prev = 1;
  time.forEach((t, i) => {
    const v = values[i] as number;
    if (v !== prev) {
      pts.push([t, prev], [t, v]);
      prev = v;
    }
  });
  pts.push([xEnd, prev]);
  return pts;
}

/**
 * Kaplan–Meier curves with shaded pointwise (log-log) CIs, censoring marks and the numbers at risk under the
 * x ticks — the table readers use to judge how much of the tail is left.
 */
export function kaplanMeierPlot(input: KmPlotInput): string {
  const width = 760;
  const plot: Box = { left: 90, top: 50, width: 620, height: 330 };
  const tableTop = plot.top + plot.height + 62;
  const height = tableTop + 22 + input.curves.length * 18 + 10;
  const tMax = Math.max(1, ...input.curves.flatMap((c) => c.km.time));
  const xDomain = niceDomain(0, tMax, 10);
  const x = linearScale(xDomain, [plot.left, plot.left + plot.width]);
  const y = linearScale([0, 1], [plot.top + plot.height, plot.top]);
  // Dense ticks: each one is also a column of the numbers-at-risk table.
  const xTicks = niceTicks(xDomain[0], xDomain[1], 10);
  const parts: string[] = [axes(plot, x, y, { label: input.timeLabel, ticks: xTicks }, { label: 'Survival probability', ticks: [0, 0.2, 0.4, 0.6, 0.8, 1] })];

  input.curves.forEach((curve, g) => {
    // The numbers at risk come from the full curve; only what is drawn is thinned.
    const keep = thinIndices(curve.km.time.length);
    const full = curve.km;
    const pick = <T>(xs: readonly T[]): T[] => keep.map((i) => xs[i] as T);
    const thinned = keep.length < full.time.length;
    const km = {
      ...full,
      time: pick(full.time),
      survival: pick(full.survival),
      lower: pick(full.lower),
      upper: pick(full.upper),
      nCensor: thinned ? keep.map(() => 0) : pick(full.nCensor),
    };
    const c = colour(g);
    const end = km.time.length > 0 ? (km.time[km.time.length - 1] as number) : 0;
    const upper = km.upper.map((u, i) => u ?? (km.survival[i] as number));
    const lower = km.lower.map((l, i) => l ?? (km.survival[i] as number));
    const up = steps(km.time, upper, end).map(([t, v]) => [x(t), y(v)] as [number, number]);
    const lo = steps(km.time, lower, end).map(([t, v]) => [x(t), y(v)] as [number, number]);
    parts.push(`<path class="ci" fill="${c}" fill-opacity="0.15" stroke="none" d="${polyline([...up, ...lo.reverse()])} Z"/>`);
    const curvePts = steps(km.time, km.survival, end).map(([t, v]) => [x(t), y(v)] as [number, number]);
    parts.push(`<path class="curve" data-group="${escapeXml(curve.label)}" fill="none" stroke="${c}" stroke-width="2.2" d="${polyline(curvePts)}"/>`);
    const marks = km.time
      .map((t, i) =>
        (km.nCensor[i] as number) > 0
          ? `M${num(x(t))},${num(y(km.survival[i] as number) - 4)} v8 M${num(x(t) - 4)},${num(y(km.survival[i] as number))} h8`
          : '',
      )
      .filter((m) => m !== '');
    if (marks.length > 0) parts.push(`<path class="censor" stroke="${c}" stroke-width="1.5" d="${marks.join(' ')}"/>`);
  });

  parts.push(
    legend(
      plot.left + plot.width - 190,
      plot.top + 16,
      input.curves.map((c, g) => ({ label: `${c.label} (n = ${c.km.n})`, colour: colour(g) })),
    ),
  );
  if (input.logRank) {
    const p = input.logRank.p < 0.0001 ? 'p < 0.0001' : `p = ${input.logRank.p.toPrecision(3)}`;
    parts.push(
      text(
        plot.left + plot.width - 190,
        plot.top + 28 + input.curves.length * 18,
        `Log-rank χ² = ${input.logRank.chisq.toFixed(2)} (${input.logRank.df} df), ${p}`,
        { class: 'log-rank', 'font-size': 12, fill: '#333' },
      ),
    );
  }

  const table: string[] = [`<g class="at-risk" font-size="12" text-anchor="middle">`];
  table.push(text(plot.left - 80, tableTop, 'Number at risk', { 'text-anchor': 'start', 'font-weight': 'bold', fill: '#222' }));
  input.curves.forEach((curve, g) => {
    const rowY = tableTop + 20 + g * 18;
    table.push(`<g class="at-risk-row" data-group="${escapeXml(curve.label)}" fill="${colour(g)}">`);
    table.push(text(plot.left - 80, rowY, curve.label.length > 9 ? `${curve.label.slice(0, 8)}…` : curve.label, { 'text-anchor': 'start' }));
    for (const t of xTicks) table.push(text(x(t), rowY, String(atRiskAt(curve.km, t)), { class: 'at-risk-count', 'data-time': String(t) }));
    table.push('</g>');
  });
  table.push('</g>');
  parts.push(table.join(''));
  parts.push(line(plot.left, tableTop - 16, plot.left + plot.width, tableTop - 16, { stroke: '#ccc' }));
  return document(width, height, input.title, parts.join(''));
}
