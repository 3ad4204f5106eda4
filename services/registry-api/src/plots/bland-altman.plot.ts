import { axes, document, line, linearScale, niceDomain, num, text, type Box } from './svg.js';

export interface BlandAltmanPlotInput {
  readonly title: string;
  readonly unit?: string | null;
  readonly means: readonly number[];
  readonly differences: readonly number[];
  readonly bias: number;
  readonly lower: number;
  readonly upper: number;
  readonly biasCi?: { readonly lower: number; readonly upper: number } | null;
  readonly lowerCi?: { readonly lower: number; readonly upper: number } | null;
  readonly upperCi?: { readonly lower: number; readonly upper: number } | null;
}

/** Difference against mean per pair, the bias and the limits of agreement, each with its CI as a band. */
export function blandAltmanPlot(input: BlandAltmanPlotInput): string {
  const plot: Box = { left: 90, top: 50, width: 560, height: 360 };
  const unit = input.unit ? ` (${input.unit})` : '';
  const xs = input.means.length > 0 ? input.means : [0, 1];
  const ys = [...input.differences, input.lower, input.upper, input.lowerCi?.lower ?? input.lower, input.upperCi?.upper ?? input.upper];
  const x = linearScale(niceDomain(Math.min(...xs), Math.max(...xs)), [plot.left, plot.left + plot.width]);
  const y = linearScale(niceDomain(Math.min(...ys), Math.max(...ys)), [plot.top + plot.height, plot.top]);
  const parts = [axes(plot, x, y, { label: `Mean of the two measurements${unit}` }, { label: `Difference${unit}` })];
  const right = plot.left + plot.width;
  const band = (ci: { lower: number; upper: number } | null | undefined, cls: string, fill: string): void => {
    if (!ci) return;
    parts.push(
      `<rect class="${cls}" x="${num(plot.left)}" y="${num(y(ci.upper))}" width="${num(plot.width)}" height="${num(Math.max(0.5, y(ci.lower) - y(ci.upper)))}" fill="${fill}" fill-opacity="0.15"/>`,
    );
  };
  band(input.biasCi, 'bias-ci', '#1f77b4');
  band(input.lowerCi, 'loa-ci', '#d62728');
  band(input.upperCi, 'loa-ci', '#d62728');
  parts.push(line(plot.left, y(0), right, y(0), { class: 'zero', stroke: '#999', 'stroke-dasharray': '2 3' }));
  parts.push(`<g class="points" fill="#1f77b4" fill-opacity="0.7">`);
  input.means.forEach((m, i) => parts.push(`<circle cx="${num(x(m))}" cy="${num(y(input.differences[i] as number))}" r="3"/>`));
  parts.push('</g>');
  const label = (v: number, name: string, cls: string, stroke: string): void => {
    parts.push(line(plot.left, y(v), right, y(v), { class: cls, stroke, 'stroke-width': 1.8, 'stroke-dasharray': cls === 'bias' ? '' : '6 4' }));
    parts.push(text(right - 4, y(v) - 5, `${name} ${Number(v.toPrecision(4))}`, { 'font-size': 11, 'text-anchor': 'end', fill: stroke }));
  };
  label(input.bias, 'bias', 'bias', '#1f77b4');
  label(input.upper, 'upper LoA', 'loa', '#d62728');
  label(input.lower, 'lower LoA', 'loa', '#d62728');
  parts.push(text(plot.left + 8, plot.top + 14, `n = ${input.means.length}`, { 'font-size': 12, fill: '#333' }));
  return document(plot.left + plot.width + 40, plot.top + plot.height + 60, input.title, parts.join(''));
}
