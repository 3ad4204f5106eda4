import { axes, document, legend, line, linearScale, niceDomain, num, polyline, text, type Box } from './svg.js';

export interface CusumPlotInput {
  readonly title: string;
  /** One label per period (e.g. month), in order. */
  readonly periods: readonly string[];
  readonly upper: readonly number[];
  readonly lower: readonly number[];
  readonly h: number;
  readonly upperAlarms: readonly number[];
  readonly lowerAlarms: readonly number[];
}

/** Upper sum above the axis, lower sum mirrored below it, the decision interval ±h, alarms as red markers. */
export function cusumPlot(input: CusumPlotInput): string {
  const plot: Box = { left: 90, top: 50, width: 600, height: 320 };
  const n = Math.max(1, input.periods.length);
  const extent = Math.max(input.h * 1.2, ...input.upper, ...input.lower);
  const x = linearScale([0, Math.max(1, n - 1)], [plot.left + 10, plot.left + plot.width - 10]);
  const y = linearScale(niceDomain(-extent, extent), [plot.top + plot.height, plot.top]);
  const every = Math.max(1, Math.ceil(n / 10));
  const ticks = input.periods.map((_, i) => i).filter((i) => i % every === 0);
  const parts = [axes(plot, x, y, { label: 'Period', ticks, tickLabel: (i) => input.periods[i] ?? '' }, { label: 'Cumulative sum (upper +, lower −)' })];
  const right = plot.left + plot.width;
  parts.push(line(plot.left, y(input.h), right, y(input.h), { class: 'decision-interval', stroke: '#d62728', 'stroke-dasharray': '6 4' }));
  parts.push(line(plot.left, y(-input.h), right, y(-input.h), { class: 'decision-interval', stroke: '#d62728', 'stroke-dasharray': '6 4' }));
  parts.push(text(right - 4, y(input.h) - 5, `h = ${input.h}`, { 'font-size': 11, 'text-anchor': 'end', fill: '#d62728' }));
  parts.push(line(plot.left, y(0), right, y(0), { stroke: '#999' }));
  if (input.upper.length > 0) {
    parts.push(`<path class="cusum-upper" fill="none" stroke="#1f77b4" stroke-width="2" d="${polyline(input.upper.map((v, i) => [x(i), y(v)]))}"/>`);
    parts.push(`<path class="cusum-lower" fill="none" stroke="#2ca02c" stroke-width="2" d="${polyline(input.lower.map((v, i) => [x(i), y(-v)]))}"/>`);
  }
  for (const i of input.upperAlarms)
    parts.push(
      `<circle class="alarm" data-period="${input.periods[i] ?? i}" cx="${num(x(i))}" cy="${num(y(input.upper[i] as number))}" r="6" fill="#d62728"/>`,
    );
  for (const i of input.lowerAlarms)
    parts.push(
      `<circle class="alarm" data-period="${input.periods[i] ?? i}" cx="${num(x(i))}" cy="${num(y(-(input.lower[i] as number)))}" r="6" fill="#ff7f0e"/>`,
    );
  parts.push(
    legend(plot.left + 16, plot.top + 16, [
      { label: 'upper CUSUM (increase)', colour: '#1f77b4' },
      { label: 'lower CUSUM (decrease)', colour: '#2ca02c' },
    ]),
  );
  return document(plot.left + plot.width + 40, plot.top + plot.height + 60, input.title, parts.join(''));
}
