import { axes, colour, document, escapeXml, legend, line, linearScale, num, polyline, text, type Box } from './svg.js';

export interface RocPlotInput {
  readonly title: string;
  readonly curves: readonly {
    readonly label: string;
    readonly points: readonly { readonly sensitivity: number; readonly specificity: number }[];
    readonly auc: number;
    readonly lower: number;
    readonly upper: number;
  }[];
  /** The operating point reported with the curve (given or Youden threshold). */
  readonly operatingPoint?: { readonly sensitivity: number; readonly specificity: number; readonly threshold: number } | null;
}

/** ROC curves (sensitivity against 1 − specificity) with the chance diagonal and AUC (DeLong CI) in the legend. */
export function rocPlot(input: RocPlotInput): string {
  const plot: Box = { left: 90, top: 50, width: 420, height: 420 };
  const x = linearScale([0, 1], [plot.left, plot.left + plot.width]);
  const y = linearScale([0, 1], [plot.top + plot.height, plot.top]);
  const ticks = [0, 0.2, 0.4, 0.6, 0.8, 1];
  const parts = [axes(plot, x, y, { label: '1 − specificity', ticks }, { label: 'Sensitivity', ticks })];
  parts.push(line(x(0), y(0), x(1), y(1), { class: 'chance', stroke: '#999', 'stroke-dasharray': '5 4' }));
  input.curves.forEach((c, i) => {
    // pROC orders points by threshold; sorting by (1 − spec, sens) draws the staircase left to right.
    const pts = [...c.points]
      .map((p) => [1 - p.specificity, p.sensitivity] as const)
      .sort((a, b) => a[0] - b[0] || a[1] - b[1])
      .map(([fpr, tpr]) => [x(fpr), y(tpr)] as [number, number]);
    parts.push(`<path class="roc-curve" data-label="${escapeXml(c.label)}" fill="none" stroke="${colour(i)}" stroke-width="2.2" d="${polyline(pts)}"/>`);
  });
  if (input.operatingPoint) {
    const op = input.operatingPoint;
    parts.push(`<circle class="operating-point" cx="${num(x(1 - op.specificity))}" cy="${num(y(op.sensitivity))}" r="5" fill="#000"/>`);
    parts.push(text(x(1 - op.specificity) + 8, y(op.sensitivity) + 16, `threshold ${Number(op.threshold.toPrecision(4))}`, { 'font-size': 11, fill: '#000' }));
  }
  parts.push(
    legend(
      plot.left + plot.width - 230,
      plot.top + plot.height - 20 - 18 * (input.curves.length - 1),
      input.curves.map((c, i) => ({ label: `${c.label}: AUC ${c.auc.toFixed(3)} (${c.lower.toFixed(3)}–${c.upper.toFixed(3)})`, colour: colour(i) })),
    ),
  );
  return document(plot.left + plot.width + 40, plot.top + plot.height + 60, input.title, parts.join(''));
}
