import type { Proportion } from '#biostat';
import type { SurveillanceReport } from '../analytics/surveillance-report.service.js';
import { cusumPlot } from './cusum.plot.js';
import { escapeXml } from './svg.js';

const esc = (v: unknown): string => escapeXml(v === null || v === undefined ? '—' : String(v));
const fixed = (v: number | null | undefined, digits = 2): string => (v === null || v === undefined ? '—' : v.toFixed(digits));
const pct = (p: Proportion | null): string => (p ? `${(100 * p.estimate).toFixed(1)} % (${(100 * p.lower).toFixed(1)}–${(100 * p.upper).toFixed(1)})` : '—');

function table(head: readonly string[], rows: readonly (readonly string[])[]): string {
  if (rows.length === 0) return '<p class="none">None.</p>';
  return `<table><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`)
    .join('')}</tbody></table>`;
}

/** Runs a lazy statistic: its value, or the error's message shown in its place (the page never fails on one section). */
function attempt<T>(f: () => T): T | Error {
  try {
    return f();
  } catch (err) {
    return err instanceof Error ? err : new Error(String(err));
  }
}

/**
 * The periodic safety update report as one self-contained HTML page (inline SVG plots, no script, no external
 * resources): printable to PDF from any browser. Every value is escaped; ids and strata come from the registry's data.
 */
export function surveillanceReportPage(r: SurveillanceReport): string {
  const parts: string[] = [];
  const a = r.algorithm;
  parts.push(`<h1>Post-market surveillance report: ${esc(a.manufacturer)} ${esc(a.name)} ${esc(a.version)}</h1>`);
  parts.push(
    `<p>Algorithm version <code>${esc(r.algorithmVersionId)}</code> (${esc(a.status)}; intended use: ${esc(a.intendedUse)}; predecessor ${esc(
      a.predecessorId,
    )}). Period ${esc(r.from)} to ${esc(r.to)} (exclusive). Generated ${esc(r.generatedAt)} at read-model position ${esc(r.computedAtPosition)}.</p>`,
  );
  parts.push('<h2>1. Use</h2>');
  parts.push(`<p>${r.use.screeningReadings} screening readings and ${r.use.aiMeasurements} quantitative outputs at ${r.use.sites} site(s).</p>`);
  parts.push(
    table(
      ['Month', 'Screening readings', 'AI measurements'],
      r.use.monthly.map((m) => [esc(m.month), String(m.screeningReadings), String(m.aiMeasurements)]),
    ),
  );
  parts.push('<h2>2. Performance per site (95 % Wilson CIs)</h2>');
  parts.push(
    table(
      ['Site', 'Readings', 'AI positive rate', 'Sensitivity', 'Specificity', 'Agreement with reader', 'Correction rate'],
      [r.total, ...r.perSite].map((c) => [
        c === r.total ? '<b>all sites</b>' : esc(c.siteId),
        String(c.readings),
        pct(c.aiPositiveRate),
        pct(c.sensitivity),
        pct(c.specificity),
        pct(c.readerAgreementRate),
        pct(c.correctionRate),
      ]),
    ),
  );
  const overallCusum = attempt(() => r.binaryCusum(null));
  if (!(overallCusum instanceof Error) && overallCusum.months.length > 0) {
    parts.push(
      `<figure>${cusumPlot({ title: `AI positive rate CUSUM, all sites`, periods: overallCusum.months, upper: overallCusum.upper, lower: overallCusum.lower, h: overallCusum.h, upperAlarms: overallCusum.upperAlarms, lowerAlarms: overallCusum.lowerAlarms })}</figure>`,
    );
  }
  parts.push('<h2>3. Quantitative outputs against the human reference</h2>');
  if (r.drift.length === 0) parts.push('<p class="none">The version measures no biomarker.</p>');
  for (const d of r.drift) {
    if (d instanceof Error) {
      parts.push(`<p class="error">${esc(d.message)}</p>`);
      continue;
    }
    const s = d.settings;
    parts.push(`<h3>${esc(d.biomarkerId)}: ${d.pairCount} pairs with ${esc(d.reference)}</h3>`);
    parts.push(
      `<p>Difference on the ${esc(s.scale)} scale. In control: bias ${fixed(s.expectedBias)} and SD ${fixed(s.expectedSd)} (${esc(s.inControlSource)}, ${
        s.baselineCasesUsed
      } baseline pairs). CUSUM k = ${s.k}, h = ${s.h} (expected cases between false alarms ≈ ${s.cusumArlInControl.toFixed(0)}; to detect a ${
        s.shiftSd
      } SD shift ≈ ${s.cusumArlAtShift.toFixed(1)}); EWMA λ = ${s.lambda}, L = ${s.L}.</p>`,
    );
    const rows: string[][] = [];
    for (const st of [d.overall, ...d.strata]) {
      if (st instanceof Error) {
        rows.push([`<i>${esc(st.message)}</i>`, '', '', '', '', '']);
        continue;
      }
      const ag = attempt(() => st.agreement());
      const al = attempt(() => st.alarms());
      rows.push([
        `${esc(st.dimension)} = ${esc(st.value)}`,
        String(st.pairCount),
        ag instanceof Error ? esc(ag.message) : `${fixed(ag.bias)} (${fixed(ag.biasCi.lower)} to ${fixed(ag.biasCi.upper)})`,
        ag instanceof Error ? '—' : `${fixed(ag.lower)} to ${fixed(ag.upper)}`,
        al instanceof Error ? esc(al.message) : String(al.length),
        al instanceof Error ? '' : esc([...new Set(al.map((x) => `${x.chart} ${x.direction.toLowerCase()} at case ${x.caseNumber} (${x.month})`))].join('; ')),
      ]);
    }
    parts.push(table(['Stratum', 'Pairs', 'Bias (95 % CI)', 'Limits of agreement', 'Alarms', 'First crossings'], rows));
    for (const st of [d.overall, ...d.strata]) {
      if (st instanceof Error) continue;
      const chart = attempt(() => st.chart());
      if (chart instanceof Error || chart.alarms.length === 0) continue;
      parts.push(
        `<figure>${cusumPlot({
          title: `${d.biomarkerId} CUSUM of the bias, ${st.dimension} = ${st.value}`,
          periods: chart.months.map((m, i) => `${i + 1} (${m})`),
          upper: chart.cusumUpper,
          lower: chart.cusumLower,
          h: s.h,
          upperAlarms: chart.cusumUpperAlarms,
          lowerAlarms: chart.cusumLowerAlarms,
        })}</figure>`,
      );
    }
  }
  parts.push('<h2>4. Alarms of the period</h2>');
  parts.push(
    table(
      ['Window', 'Metric / stratum', 'Direction', 'Statistic', 'Raised at', 'Raised by'],
      [
        ...r.alarms.map((x) => [
          esc(x.month),
          esc(`${x.metric} ${x.siteId ?? 'all sites'}`),
          esc(x.direction),
          fixed(x.statistic),
          esc(x.raisedAt),
          esc(x.raisedBy),
        ]),
        ...r.driftAlarms.map((x) => [
          esc(x.alarm.month),
          esc(`${x.alarm.biomarkerId} ${x.alarm.chart} ${x.alarm.dimension} = ${x.alarm.stratum}`),
          esc(x.alarm.direction),
          fixed(x.alarm.statistic),
          esc(x.raisedAt),
          esc(x.raisedBy),
        ]),
      ],
    ),
  );
  parts.push('<h2>5. Actions</h2>');
  parts.push(`<p>${esc(r.actions)}</p>`);
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(`PMS report ${a.name} ${a.version}`)}</title><style>
body{font-family:Helvetica,Arial,sans-serif;margin:2em;max-width:1100px}table{border-collapse:collapse;margin:1em 0}th,td{border:1px solid #ccc;padding:4px 8px;text-align:left;font-size:13px}
th{background:#f3f3f3}figure{margin:1em 0}.error{color:#b00}.none{color:#666}@media print{figure{page-break-inside:avoid}}
</style></head><body>${parts.join('\n')}</body></html>`;
}
