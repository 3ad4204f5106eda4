import { axes, colour, document, escapeXml, legend, line, linearScale, niceDomain, num, polyline, text, type Box } from './svg.js';

export interface KpiTrendPlotInput {
  readonly title: string;
  readonly valueLabel: string;
  /** x categories (rounds), in order. */
  readonly rounds: readonly string[];
  /** One series per site (or "all"); `null` where a round has no denominator. */
  readonly series: readonly {
    readonly label: string;
    readonly points: readonly ({ readonly estimate: number; readonly lower: number; readonly upper: number } | null)[];
  }[];
  readonly acceptable?: number | null;
  readonly desirable?: number | null;
}

/** A KPI per round with Wilson error bars, one line per series, the programme's targets as reference lines. */
export function kpiTrendPlot(input: KpiTrendPlotInput): string {
  const plot: Box = { left: 90, top: 50, width: 600, height: 320 };
  const n = Math.max(1, input.rounds.length);
  const values = input.series.flatMap((s) => s.points.flatMap((p) => (p ? [p.lower, p.upper] : [])));
  const refs = [input.acceptable, input.desirable].filter((v): v is number => typeof v === 'number');
  const all = [...values, ...refs, 0];
  const x = linearScale([-0.5, n - 0.5], [plot.left, plot.left + plot.width]);
  const y = linearScale(niceDomain(Math.min(...all), Math.max(...all, 1e-9)), [plot.top + plot.height, plot.top]);
  const ticks = input.rounds.map((_, i) => i);
  const parts = [axes(plot, x, y, { label: 'Screening round', ticks, tickLabel: (i) => input.rounds[i] ?? '' }, { label: input.valueLabel })];
  const right = plot.left + plot.width;
  const ref = (v: number | null | undefined, name: string, stroke: string): void => {
    if (typeof v !== 'number') return;
    parts.push(line(plot.left, y(v), right, y(v), { class: `target target-${name}`, stroke, 'stroke-dasharray': '6 4', 'stroke-width': 1.5 }));
    parts.push(text(right - 4, y(v) - 5, `${name} ${Number(v.toPrecision(4))}`, { 'font-size': 11, 'text-anchor': 'end', fill: stroke }));
  };
  ref(input.acceptable, 'acceptable', '#ff7f0e');
  ref(input.desirable, 'desirable', '#2ca02c');
  const offset = (s: number): number => (input.series.length > 1 ? (s - (input.series.length - 1) / 2) * 0.08 : 0);
  input.series.forEach((s, si) => {
    const c = colour(si);
    const pts = s.points.flatMap((p, i) => (p ? [[x(i + offset(si)), y(p.estimate)] as [number, number]] : []));
    if (pts.length > 1) parts.push(`<path class="kpi-line" fill="none" stroke="${c}" stroke-width="2" d="${polyline(pts)}"/>`);
    parts.push(`<g class="kpi-series" data-label="${escapeXml(s.label)}" stroke="${c}" fill="${c}">`);
    s.points.forEach((p, i) => {
      if (!p) return;
      const cx = x(i + offset(si));
      parts.push(line(cx, y(p.lower), cx, y(p.upper), { class: 'error-bar', 'stroke-width': 1.5 }));
      parts.push(`<circle class="kpi-point" cx="${num(cx)}" cy="${num(y(p.estimate))}" r="4.5"/>`);
    });
    parts.push('</g>');
  });
  parts.push(
    legend(
      plot.left + 16,
      plot.top + 16,
      input.series.map((s, i) => ({ label: s.label, colour: colour(i) })),
    ),
  );
  return document(plot.left + plot.width + 40, plot.top + plot.height + 60, input.title, parts.join(''));
}
