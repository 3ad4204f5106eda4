import { document, escapeXml, formatTick, line, linearScale, num, text, type Box } from './svg.js';

export interface ForestTerm {
  readonly name: string;
  /** Hazard (or odds) ratio per unit and its 95 % limits: all > 0. */
  readonly ratio: number;
  readonly lower: number;
  readonly upper: number;
  readonly p: number;
}

export interface ForestPlotInput {
  readonly title: string;
  /** x-axis label, e.g. "Hazard ratio per unit (95 % CI, log scale)". */
  readonly ratioLabel: string;
  readonly terms: readonly ForestTerm[];
  /** Printed under the title, e.g. "n = 120, 40 events". */
  readonly note?: string | null;
}

/** Ratios of 1-2-5 steps on a log axis: the ticks a reader expects on a forest plot. */
function logTicks(min: number, max: number): number[] {
  const ticks: number[] = [];
  for (let k = Math.floor(Math.log10(min)) - 1; k <= Math.ceil(Math.log10(max)) + 1; k++) {
    for (const m of [1, 2, 5]) {
      const v = Number((m * Math.pow(10, k)).toPrecision(6));
      if (v >= min * (1 - 1e-9) && v <= max * (1 + 1e-9)) ticks.push(v);
    }
  }
  return ticks;
}

/**
 * One row per model term: the ratio as a square, its 95 % CI as a whisker, the null line at 1, on a log axis (a ratio
 * of 2 and one of ½ are equally far from 1). The term name and "ratio (lower–upper)" are printed beside each row, so
 * the picture can be read without the table.
 */
export function forestPlot(input: ForestPlotInput): string {
  const rowHeight = 28;
  const plot: Box = { left: 170, top: input.note ? 62 : 50, width: 380, height: Math.max(1, input.terms.length) * rowHeight + 12 };
  const values = input.terms.flatMap((t) => [t.lower, t.upper, t.ratio]);
  for (const v of values) if (!(v > 0) || !Number.isFinite(v)) throw new Error(`forest plot needs finite positive ratios, got ${v}`);
  // The axis always shows 1 (the null), and at least ×/÷ 2 around it.
  const lo = Math.min(0.5, ...values);
  const hi = Math.max(2, ...values);
  const ticks = logTicks(lo, hi);
  const logX = linearScale([Math.log(lo), Math.log(hi)], [plot.left, plot.left + plot.width]);
  const x = (v: number) => logX(Math.log(v));
  const bottom = plot.top + plot.height;
  const parts: string[] = [];
  parts.push(`<g class="grid" stroke="#e6e6e6" stroke-width="1">`);
  for (const t of ticks) parts.push(line(x(t), plot.top, x(t), bottom));
  parts.push('</g>');
  parts.push(`<g class="axis x-axis" font-size="12" fill="#333" text-anchor="middle">`);
  parts.push(line(plot.left, bottom, plot.left + plot.width, bottom, { stroke: '#333' }));
  for (const t of ticks) {
    parts.push(line(x(t), bottom, x(t), bottom + 5, { stroke: '#333', class: 'tick' }));
    parts.push(text(x(t), bottom + 18, formatTick(t), { class: 'tick-label' }));
  }
  parts.push(text(plot.left + plot.width / 2, bottom + 38, input.ratioLabel, { class: 'axis-label', 'font-size': 13 }));
  parts.push('</g>');
  parts.push(line(x(1), plot.top, x(1), bottom, { class: 'null-line', stroke: '#555', 'stroke-dasharray': '4 3' }));
  const fmt = (v: number) => String(Number(v.toPrecision(3)));
  input.terms.forEach((t, i) => {
    const cy = plot.top + 6 + rowHeight * (i + 0.5);
    parts.push(`<g class="term" data-term="${escapeXml(t.name)}">`);
    parts.push(text(plot.left - 10, cy + 4, t.name, { class: 'term-label', 'font-size': 12, 'text-anchor': 'end', fill: '#222' }));
    parts.push(line(x(t.lower), cy, x(t.upper), cy, { class: 'ci', stroke: '#1f77b4', 'stroke-width': 1.8 }));
    parts.push(`<rect class="estimate" x="${num(x(t.ratio) - 5)}" y="${num(cy - 5)}" width="10" height="10" fill="#1f77b4"/>`);
    const p = t.p < 0.001 ? 'p < 0.001' : `p = ${fmt(t.p)}`;
    parts.push(
      text(plot.left + plot.width + 10, cy + 4, `${fmt(t.ratio)} (${fmt(t.lower)}–${fmt(t.upper)}), ${p}`, {
        class: 'term-value',
        'font-size': 11,
        fill: '#333',
      }),
    );
    parts.push('</g>');
  });
  if (input.note) parts.push(text(plot.left, 44, input.note, { class: 'note', 'font-size': 12, fill: '#333' }));
  return document(plot.left + plot.width + 200, bottom + 60, input.title, parts.join(''));
}
