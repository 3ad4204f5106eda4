import type { BlandAltmanPlotInput } from '../plots/bland-altman.plot.js';
import type { CusumPlotInput } from '../plots/cusum.plot.js';
import { thinIndices, type KmPlotInput } from '../plots/kaplan-meier.plot.js';
import type { KpiTrendPlotInput } from '../plots/kpi-trend.plot.js';
import type { RocPlotInput } from '../plots/roc.plot.js';
import type { blandAltmanSection } from './agreement.service.js';
import type { KpiGroup } from './screening-kpis.service.js';
import type { KpiName } from './screening-kpis.statistics.js';
import type { CusumSeries } from './surveillance.statistics.js';
import type { PerformanceSection, rocSection, survivalSection } from './validation-study.statistics.js';

/** Where a result's picture is served: the same input, base64url JSON in `q` (GET /plots/<kind>). */
export function plotUrl(kind: string, input: unknown, extra: Record<string, string> = {}): string {
  const q = Buffer.from(JSON.stringify(input)).toString('base64url');
  const more = Object.entries(extra)
    .map(([k, v]) => `&${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .join('');
  return `/plots/${kind}?q=${q}${more}`;
}

export function rocPlotInput(title: string, r: ReturnType<typeof rocSection>, perf: PerformanceSection | null): RocPlotInput {
  // A curve of 100,000 thresholds is thinned for drawing (the ends are kept, so it still runs from (0,0) to (1,1)).
  const points = thinIndices(r.curve.length).map((i) => r.curve[i] as (typeof r.curve)[number]);
  return {
    title,
    curves: [{ label: 'biomarker', points, auc: r.auc, lower: r.lower, upper: r.upper }],
    operatingPoint:
      perf && perf.sensitivity && perf.specificity
        ? { sensitivity: perf.sensitivity.estimate, specificity: perf.specificity.estimate, threshold: perf.threshold }
        : null,
  };
}

export function kmPlotInput(title: string, s: ReturnType<typeof survivalSection>): KmPlotInput {
  return { title, timeLabel: 'Days since index scan', curves: s.strata.map((st) => ({ label: st.label, km: st.km })), logRank: s.logRank };
}

export function blandAltmanPlotInput(title: string, ba: ReturnType<typeof blandAltmanSection>, unit: string | null): BlandAltmanPlotInput {
  return { title, unit, ...ba };
}

export function cusumPlotInput(title: string, c: CusumSeries): CusumPlotInput {
  return { title, periods: c.months, upper: c.upper, lower: c.lower, h: c.h, upperAlarms: c.upperAlarms, lowerAlarms: c.lowerAlarms };
}

export function kpiTrendPlotInput(title: string, groups: readonly KpiGroup[], kpi: KpiName): KpiTrendPlotInput {
  const rounds = groups.filter((g) => g.roundId !== null && g.siteId === null);
  const sites = [...new Set(groups.filter((g) => g.roundId !== null && g.siteId !== null).map((g) => g.siteId as string))];
  const point = (g: KpiGroup | undefined) => {
    const v = g?.kpis.find((k) => k.kpi === kpi);
    return v && v.estimate !== null && v.lower !== null && v.upper !== null ? { estimate: v.estimate, lower: v.lower, upper: v.upper } : null;
  };
  const first = rounds[0]?.kpis.find((k) => k.kpi === kpi);
  return {
    title,
    valueLabel: kpi.replace(/_/g, ' ').toLowerCase() + (first?.scale === 1000 ? ' (per 1000)' : ''),
    rounds: rounds.map((r) => r.roundName ?? r.roundId ?? ''),
    series: [
      { label: 'all sites', points: rounds.map((r) => point(r)) },
      ...sites.map((s) => ({ label: s, points: rounds.map((r) => point(groups.find((g) => g.roundId === r.roundId && g.siteId === s))) })),
    ],
    acceptable: first?.acceptable ?? null,
    desirable: first?.desirable ?? null,
  };
}
