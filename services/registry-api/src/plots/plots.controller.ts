import { Controller, Get, Param, Req, Res, UseFilters } from '@nestjs/common';
import { DomainError } from '#domain';
import { GraphQLSchemaHost } from '@nestjs/graphql';
import type { Request, Response } from 'express';
import { coerceInputValue, isInputType } from 'graphql';
import { findUnsafeInput } from '../hardening/input-sanitation.js';
import { actorOf } from '../auth/authentication.middleware.js';
import { ApiErrorHttpFilter } from '../auth/api-error.http-filter.js';
import { Authorize } from '../auth/authorize.decorator.js';
import { AgreementService, blandAltmanSection, type AgreementInput } from '../analytics/agreement.service.js';
import { blandAltmanPlotInput, cusumPlotInput, kmPlotInput, kpiTrendPlotInput, rocPlotInput } from '../analytics/analytics.plots.js';
import { kpiGroups, ScreeningKpiService, type ScreeningKpiInput } from '../analytics/screening-kpis.service.js';
import { KPI_NAMES, type KpiName } from '../analytics/screening-kpis.statistics.js';
import { surveillanceReport, SurveillanceService, type SurveillanceInput } from '../analytics/surveillance.service.js';
import { SurveillanceReportService } from '../analytics/surveillance-report.service.js';
import { ValidationStudyService, type ValidationStudyInput } from '../analytics/validation-study.service.js';
import { parseMultivariable, ValidationStudyCovariates } from '../analytics/validation-study.covariates.js';
import { multivariableCox } from '../analytics/validation-study.multivariable.js';
import { performanceSection, rocSection, survivalSection } from '../analytics/validation-study.statistics.js';
import { ApiError } from '../graphql/error-mapping.js';
import { parseQueryParameters } from '../http/query-parameters.js';
import { blandAltmanPlot } from './bland-altman.plot.js';
import { cusumPlot } from './cusum.plot.js';
import { forestPlot } from './forest.plot.js';
import { kaplanMeierPlot } from './kaplan-meier.plot.js';
import { kpiTrendPlot } from './kpi-trend.plot.js';
import { rocPlot } from './roc.plot.js';
import { surveillanceReportPage } from './surveillance-report.page.js';

const STATUS: Record<string, number> = { UNAUTHENTICATED: 401, FORBIDDEN: 403, NOT_FOUND: 404, BAD_USER_INPUT: 400 };

/** The query parameters each plot accepts (analytics.plots.ts plotUrl writes them); any other is refused, never dropped. */
const PLOT_PARAMETERS: Readonly<Record<string, Readonly<Record<string, 'one'>>>> = {
  roc: { q: 'one' },
  'kaplan-meier': { q: 'one' },
  'bland-altman': { q: 'one' },
  forest: { q: 'one' },
  cusum: { q: 'one', siteId: 'one' },
  'kpi-trend': { q: 'one', kpi: 'one' },
};

/**
 * `q` as the GraphQL input it stands for: decoded, put through the edge's input rules and coerced by the schema's
 * own input type (required fields, enums, scalars), exactly as the query's argument would be. A `q` of any other
 * shape used to reach the services as it was and fail there with a TypeError (500, not even logged).
 */
function decode<T>(q: string | undefined, schema: GraphQLSchemaHost['schema'], typeName: string): T {
  if (typeof q !== 'string' || !q)
    throw new ApiError('BAD_USER_INPUT', 'pass the query input as q=<base64url JSON> (copy plotUrl from the GraphQL result)', 'q');
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(q, 'base64url').toString('utf8'));
  } catch {
    throw new ApiError('BAD_USER_INPUT', 'q is not base64url-encoded JSON', 'q');
  }
  const unsafe = findUnsafeInput(value);
  if (unsafe) throw new ApiError(unsafe.code, `q: ${unsafe.message}`, ['q', ...unsafe.path].join('.'));
  const type = schema.getType(typeName);
  if (!type || !isInputType(type)) throw new Error(`schema has no input type ${typeName}`);
  return coerceInputValue(value, type, (path, _invalid, error) => {
    throw new ApiError('BAD_USER_INPUT', `q: ${error.message}`, ['q', ...path].join('.'));
  }) as T;
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
    private readonly schemaHost: GraphQLSchemaHost,
    private readonly reports: SurveillanceReportService,
    private readonly covariates: ValidationStudyCovariates,
  ) {}

  /**
   * GET /plots/surveillance-report?algorithmVersionId=…&from=…&to=… → text/html: the surveillanceReport query as a
   * printable page with its plots (the `htmlUrl` of the result). Same roles and checks as the query.
   */
  @Get('surveillance-report')
  @Authorize({ roles: ['biostatistician', 'screening_manager', 'regulator'], scope: { inHandler: true } })
  async surveillanceReport(@Req() req: Request, @Res() res: Response): Promise<void> {
    try {
      const q = parseQueryParameters(req.originalUrl, { algorithmVersionId: 'one', from: 'one', to: 'one' });
      for (const name of ['algorithmVersionId', 'from', 'to'] as const) {
        if (typeof q[name] !== 'string' || q[name] === '') throw new ApiError('BAD_USER_INPUT', `${name} is required`, name);
      }
      const report = await this.reports.report(actorOf(req), q.algorithmVersionId as string, q.from as string, q.to as string);
      res.status(200).type('text/html; charset=utf-8').setHeader('cache-control', 'private, no-store');
      res.setHeader('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; img-src data:");
      res.send(surveillanceReportPage(report));
    } catch (err) {
      if (!(err instanceof ApiError || err instanceof DomainError)) throw err;
      const status = STATUS[err.code] ?? (err.code === 'INVALID_TEXT' ? 400 : 422);
      res.status(status).json({ errors: [{ message: err.message, extensions: { code: err.code, field: err.field } }] });
    }
  }

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
      // Anything unexpected goes to the global filter (hardening/http-error.filter.ts): logged, masked, 503 for an outage.
      if (!(err instanceof ApiError || err instanceof DomainError)) throw err;
      const status = STATUS[err.code] ?? (err.code === 'INVALID_TEXT' ? 400 : 422);
      res.status(status).json({ errors: [{ message: err.message, extensions: { code: err.code, field: err.field } }] });
    }
  }

  private async render(kind: string, query: Record<string, string | undefined>, req: Request): Promise<string> {
    const actor = actorOf(req);
    switch (kind) {
      case 'roc':
      case 'kaplan-meier': {
        const input = decode<ValidationStudyInput>(query['q'], this.schemaHost.schema, 'ValidationStudyInput');
        if (actor.role === 'screening_manager') throw new ApiError('FORBIDDEN', 'You are not allowed to do this, or it does not exist');
        const { rows } = await this.studies.dataset(actor, input);
        const opts = { higherIsPositive: input.higherIsPositive ?? true, threshold: input.threshold ?? null, strata: input.strata ?? null };
        const title = `${input.biomarkerId} at ${input.timePoint}: ${input.endpoint.outcomeTypes.join(' or ')}`;
        if (kind === 'roc') return rocPlot(rocPlotInput(title, rocSection(rows, opts), performanceSection(rows, opts)));
        return kaplanMeierPlot(kmPlotInput(title, survivalSection(rows, opts)));
      }
      case 'bland-altman': {
        const input = decode<AgreementInput>(query['q'], this.schemaHost.schema, 'AgreementInput');
        if (actor.role === 'screening_manager') throw new ApiError('FORBIDDEN', 'You are not allowed to do this, or it does not exist');
        const { pairs } = await this.agreement.pairs(actor, input);
        return blandAltmanPlot(blandAltmanPlotInput(`${input.biomarkerId}: agreement`, blandAltmanSection(pairs), null));
      }
      case 'forest': {
        // The multivariable Cox model of validationStudy (its `multivariable.cox.terms`), one row per term.
        const input = decode<ValidationStudyInput>(query['q'], this.schemaHost.schema, 'ValidationStudyInput');
        if (!input.multivariable)
          throw new ApiError('BAD_USER_INPUT', 'the forest plot draws the multivariable Cox model: give q.multivariable', 'q.multivariable');
        if (input.endpoint.kind !== 'TIME_TO_EVENT')
          throw new ApiError('BAD_USER_INPUT', 'the forest plot draws hazard ratios: the endpoint must be TIME_TO_EVENT', 'q.endpoint.kind');
        // Checked before reading anything, as the query does: a bad covariate list fails with its field.
        const { specs, options } = parseMultivariable(input.multivariable, {
          timePoint: input.timePoint,
          indexTest: input.indexTest,
          horizonDays: input.endpoint.horizonDays ?? null,
          survival: true,
        });
        if (actor.role === 'screening_manager') throw new ApiError('FORBIDDEN', 'You are not allowed to do this, or it does not exist');
        const { rows } = await this.studies.dataset(actor, input);
        const columns = await this.covariates.columns(rows, specs, input.snapshotId);
        const cox = multivariableCox(rows, columns, options);
        return forestPlot({
          title: `${input.biomarkerId} at ${input.timePoint}: multivariable Cox model`,
          ratioLabel: 'Hazard ratio per unit (95 % CI, log scale)',
          terms: cox.terms,
          note: `n = ${cox.n}, ${cox.events} events`,
        });
      }
      case 'cusum': {
        const input = decode<SurveillanceInput>(query['q'], this.schemaHost.schema, 'SurveillanceInput');
        const report = surveillanceReport(await this.surveillance.data(actor, input), input);
        const siteId = query['siteId'] ?? null;
        if (siteId !== null && typeof siteId !== 'string') throw new ApiError('BAD_USER_INPUT', 'siteId must be one site id', 'siteId');
        const series = report.cusum(siteId);
        return cusumPlot(
          cusumPlotInput(`${input.algorithmVersionId}: ${series.metric.replace(/_/g, ' ').toLowerCase()} CUSUM${siteId ? ` at ${siteId}` : ''}`, series),
        );
      }
      case 'kpi-trend': {
        const input = decode<ScreeningKpiInput>(query['q'], this.schemaHost.schema, 'ScreeningKpiInput');
        const kpi = (query['kpi'] ?? 'RECALL_RATE') as KpiName;
        if (typeof kpi !== 'string') throw new ApiError('BAD_USER_INPUT', `kpi must be one of ${KPI_NAMES.join(', ')}`, 'kpi');
        if (!KPI_NAMES.includes(kpi)) throw new ApiError('BAD_USER_INPUT', `kpi must be one of ${KPI_NAMES.join(', ')}`, 'kpi');
        const data = await this.kpis.data(actor, input);
        return kpiTrendPlot(kpiTrendPlotInput(`${data.programme.name}: ${kpi.replace(/_/g, ' ').toLowerCase()}`, kpiGroups(data, input.bySite ?? false), kpi));
      }
      default:
        throw new ApiError('NOT_FOUND', `no plot called ${kind}; try roc, kaplan-meier, bland-altman, forest, cusum or kpi-trend`, 'kind');
    }
  }
}
