import { Controller, Get, Param, Req, Res, UseFilters } from '@nestjs/common';
import { DomainError } from '#domain';
import type { Request, Response } from 'express';
import { actorOf } from '../auth/authentication.middleware.js';
import { ApiErrorHttpFilter } from '../auth/api-error.http-filter.js';
import { Authorize } from '../auth/authorize.decorator.js';
import { AgreementService, blandAltmanSection, type AgreementInput } from '../analytics/agreement.service.js';
import { blandAltmanPlotInput, cusumPlotInput, kmPlotInput, kpiTrendPlotInput, rocPlotInput } from '../analytics/analytics.plots.js';
import { kpiGroups, ScreeningKpiService, type ScreeningKpiInput } from '../analytics/screening-kpis.service.js';
import { KPI_NAMES, type KpiName } from '../analytics/screening-kpis.statistics.js';
import { surveillanceReport, SurveillanceService, type SurveillanceInput } from '../analytics/surveillance.service.js';
import { ValidationStudyService, type ValidationStudyInput } from '../analytics/validation-study.service.js';
import { performanceSection, rocSection, survivalSection } from '../analytics/validation-study.statistics.js';
import { ApiError } from '../graphql/error-mapping.js';
import { parseQueryParameters } from '../http/query-parameters.js';
import { blandAltmanPlot } from './bland-altman.plot.js';
import { cusumPlot } from './cusum.plot.js';
import { kaplanMeierPlot } from './kaplan-meier.plot.js';
import { kpiTrendPlot } from './kpi-trend.plot.js';
import { rocPlot } from './roc.plot.js';

const STATUS: Record<string, number> = { UNAUTHENTICATED: 401, FORBIDDEN: 403, NOT_FOUND: 404, BAD_USER_INPUT: 400 };

/** The query parameters each plot accepts (analytics.plots.ts plotUrl writes them); any other is refused, never dropped. */
const PLOT_PARAMETERS: Readonly<Record<string, Readonly<Record<string, 'one'>>>> = {
  roc: { q: 'one' },
  'kaplan-meier': { q: 'one' },
  'bland-altman': { q: 'one' },
  cusum: { q: 'one', siteId: 'one' },
  'kpi-trend': { q: 'one', kpi: 'one' },
};

function decode<T>(q: string | undefined): T {
  if (!q) throw new ApiError('BAD_USER_INPUT', 'pass the query input as q=<base64url JSON> (copy plotUrl from the GraphQL result)', 'q');
  try {
    return JSON.parse(Buffer.from(q, 'base64url').toString('utf8')) as T;
  } catch {
    throw new ApiError('BAD_USER_INPUT', 'q is not base64url-encoded JSON', 'q');
  }
}

/**
 * GET /plots/<kind>?q=… → image/svg+xml. `q` is the GraphQL query's input (each result's `plotUrl`), so the picture
 * is computed from the same data with the same access checks: the bearer token's actor and the services' scope.
 */
// Denials by the guard (401/403) come out as the same JSON error body the handler writes.
@Controller('plots')
@UseFilters(ApiErrorHttpFilter)
export class PlotsController {
  constructor(
    private readonly studies: ValidationStudyService,
    private readonly agreement: AgreementService,
    private readonly surveillance: SurveillanceService,
    private readonly kpis: ScreeningKpiService,
  ) {}

  @Get(':kind')
  @Authorize({ roles: ['biostatistician', 'screening_manager', 'regulator'], scope: { inHandler: true } })
  async plot(@Param('kind') kind: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    try {
      // An unknown kind gets its NOT_FOUND from render, whatever its parameters.
      const spec = Object.hasOwn(PLOT_PARAMETERS, kind) ? PLOT_PARAMETERS[kind]! : {};
      const query: Record<string, string | undefined> = Object.keys(spec).length > 0 ? parseQueryParameters(req.originalUrl, spec) : {};
      const svg = await this.render(kind, query, req);
      res.status(200).type('image/svg+xml').setHeader('cache-control', 'private, no-store');
      res.send(svg);
    } catch (err) {
      const code = err instanceof ApiError || err instanceof DomainError ? err.code : 'INTERNAL_SERVER_ERROR';
      const status = STATUS[code] ?? (err instanceof ApiError || err instanceof DomainError ? 422 : 500);
      const field = err instanceof ApiError || err instanceof DomainError ? err.field : undefined;
      res.status(status).json({ errors: [{ message: status === 500 ? 'Internal error' : (err as Error).message, extensions: { code, field } }] });
    }
  }

  private async render(kind: string, query: Record<string, string | undefined>, req: Request): Promise<string> {
    const actor = actorOf(req);
    switch (kind) {
      case 'roc':
      case 'kaplan-meier': {
        const input = decode<ValidationStudyInput>(query['q']);
        if (actor.role === 'screening_manager') throw new ApiError('FORBIDDEN', 'You are not allowed to do this, or it does not exist');
        const { rows } = await this.studies.dataset(actor, input);
        const opts = { higherIsPositive: input.higherIsPositive ?? true, threshold: input.threshold ?? null, strata: input.strata ?? null };
        const title = `${input.biomarkerId} at ${input.timePoint}: ${input.endpoint.outcomeTypes.join(' or ')}`;
        if (kind === 'roc') return rocPlot(rocPlotInput(title, rocSection(rows, opts), performanceSection(rows, opts)));
        return kaplanMeierPlot(kmPlotInput(title, survivalSection(rows, opts)));
      }
      case 'bland-altman': {
        const input = decode<AgreementInput>(query['q']);
        if (actor.role === 'screening_manager') throw new ApiError('FORBIDDEN', 'You are not allowed to do this, or it does not exist');
        const { pairs } = await this.agreement.pairs(actor, input);
        return blandAltmanPlot(blandAltmanPlotInput(`${input.biomarkerId}: agreement`, blandAltmanSection(pairs), null));
      }
      case 'cusum': {
        const input = decode<SurveillanceInput>(query['q']);
        const report = surveillanceReport(await this.surveillance.data(actor, input), input);
        const siteId = query['siteId'] ?? null;
        const series = report.cusum(siteId);
        return cusumPlot(cusumPlotInput(`${input.algorithmVersionId}: ${series.metric.replace(/_/g, ' ').toLowerCase()} CUSUM${siteId ? ` at ${siteId}` : ''}`, series));
      }
      case 'kpi-trend': {
        const input = decode<ScreeningKpiInput>(query['q']);
        const kpi = (query['kpi'] ?? 'RECALL_RATE') as KpiName;
        if (!KPI_NAMES.includes(kpi)) throw new ApiError('BAD_USER_INPUT', `kpi must be one of ${KPI_NAMES.join(', ')}`, 'kpi');
        const data = await this.kpis.data(actor, input);
        return kpiTrendPlot(kpiTrendPlotInput(`${data.programme.name}: ${kpi.replace(/_/g, ' ').toLowerCase()}`, kpiGroups(data, input.bySite ?? false), kpi));
      }
      default:
        throw new ApiError('NOT_FOUND', `no plot called ${kind}; try roc, kaplan-meier, bland-altman, cusum or kpi-trend`, 'kind');
    }
  }
}
