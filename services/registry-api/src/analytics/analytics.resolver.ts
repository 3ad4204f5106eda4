import { Args, Context, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import type { KaplanMeierResult } from '#biostat';
import { Authorize } from '../auth/authorize.decorator.js';
import type { GraphqlContext } from '../graphql/graphql-context.js';
import { AgreementService, blandAltmanSection, iccSection, type AgreementInput, type AgreementPair } from './agreement.service.js';
import { plotUrl } from './analytics.plots.js';
import type { ReadingSelectionInput } from './analytics.reading-selection.js';
import { RecistService } from './recist.service.js';
import { kpiGroups, ScreeningKpiService, type ScreeningKpiInput } from './screening-kpis.service.js';
import { compareVersions, surveillanceReport, SurveillanceService, type SurveillanceInput } from './surveillance.service.js';
import { rates, rollUp } from './surveillance.statistics.js';
import { driftResult } from './surveillance-drift.dataset.js';
import { SurveillanceReportService } from './surveillance-report.service.js';
import { ValidationStudyService, type ValidationStudyDataset, type ValidationStudyInput } from './validation-study.service.js';
import { parseMultivariable, ValidationStudyCovariates, type CovariateSpec } from './validation-study.covariates.js';
import {
  binaryCompleteCases,
  multivariableCox,
  multivariableLogistic,
  survivalCompleteCases,
  type CovariateColumn,
  type MultivariableOptions,
} from './validation-study.multivariable.js';
import { coxSection, performanceSection, proportion, rocSection, survivalSection, type StudyOptions } from './validation-study.statistics.js';

const STUDY_ROLES = ['biostatistician', 'regulator'] as const;
const SCREENING_ROLES = ['biostatistician', 'screening_manager', 'regulator'] as const;

const options = (input: ValidationStudyInput): StudyOptions => ({
  higherIsPositive: input.higherIsPositive ?? true,
  threshold: input.threshold ?? null,
  strata: input.strata ?? null,
});
const hasBinary = (input: ValidationStudyInput) => input.endpoint.horizonDays !== undefined && input.endpoint.horizonDays !== null;
const hasSurvival = (input: ValidationStudyInput) => input.endpoint.kind === 'TIME_TO_EVENT';

function kmSteps(km: KaplanMeierResult) {
  return km.time.map((time, i) => ({
    time,
    atRisk: km.atRisk[i],
    events: km.nEvent[i],
    censored: km.nCensor[i],
    survival: km.survival[i],
    lower: km.lower[i],
    upper: km.upper[i],
  }));
}

/** Thin: builds the input, asks a service for the dataset, leaves each statistic to its own field. */
@Resolver('ValidationStudy')
export class ValidationStudyResolver {
  constructor(
    private readonly studies: ValidationStudyService,
    private readonly covariates: ValidationStudyCovariates,
  ) {}

  @Query('validationStudy')
  @Authorize({ roles: [...STUDY_ROLES], scope: { inHandler: true } })
  async validationStudy(@Args('input') input: ValidationStudyInput, @Context() ctx: GraphqlContext) {
    // Checked before reading anything: a bad covariate list fails the whole query with its field.
    const multivariable = input.multivariable
      ? parseMultivariable(input.multivariable, {
          timePoint: input.timePoint,
          indexTest: input.indexTest,
          horizonDays: input.endpoint.horizonDays ?? null,
          survival: hasSurvival(input),
        })
      : null;
    const dataset = await this.studies.dataset(ctx.actor, input);
    return {
      dataset,
      parsedMultivariable: multivariable,
      computedAtPosition: dataset.computedAtPosition,
      snapshotId: dataset.snapshotId,
      subjectCount: dataset.rows.length,
      includedCount: dataset.rows.filter((r) => r.included).length,
      fetchMs: dataset.fetchMs,
      plotUrl: plotUrl('roc', input),
      kaplanMeierPlotUrl: plotUrl('kaplan-meier', input),
      forestPlotUrl: multivariable && hasSurvival(input) ? plotUrl('forest', input) : null,
    };
  }

  @ResolveField('rows')
  rows(@Parent() parent: { dataset: ValidationStudyDataset }) {
    const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
    return parent.dataset.rows.map((r) => ({ ...r, measuredAt: iso(r.measuredMs), eventAt: iso(r.eventMs), lastKnownAliveAt: iso(r.lastKnownMs) }));
  }

  @ResolveField('roc')
  roc(@Parent() parent: { dataset: ValidationStudyDataset }) {
    const { input, rows } = parent.dataset;
    return hasBinary(input) ? rocSection(rows, options(input)) : null;
  }

  @ResolveField('performance')
  performance(@Parent() parent: { dataset: ValidationStudyDataset }) {
    const { input, rows } = parent.dataset;
    if (!hasBinary(input)) return null;
    const p = performanceSection(rows, options(input));
    return { ...p, sensitivity: proportion(p.sensitivity), specificity: proportion(p.specificity), ppv: proportion(p.ppv), npv: proportion(p.npv) };
  }

  @ResolveField('kaplanMeier')
  kaplanMeier(@Parent() parent: { dataset: ValidationStudyDataset }) {
    const { input, rows } = parent.dataset;
    if (!hasSurvival(input)) return null;
    const s = survivalSection(rows, options(input));
    return {
      logRank: s.logRank ? { chisq: s.logRank.chisq, df: s.logRank.df, p: s.logRank.p } : null,
      strata: s.strata.map((st) => ({
        label: st.label,
        lower: st.lower,
        upper: st.upper,
        n: st.km.n,
        events: st.km.events,
        median: st.km.median,
        medianLower: st.km.medianLower,
        medianUpper: st.km.medianUpper,
        steps: kmSteps(st.km),
      })),
    };
  }

  @ResolveField('cox')
  cox(@Parent() parent: { dataset: ValidationStudyDataset }) {
    const { input, rows } = parent.dataset;
    return hasSurvival(input) ? coxSection(rows, options(input)) : null;
  }

  @ResolveField('multivariable')
  async multivariable(
    @Parent() parent: { dataset: ValidationStudyDataset; parsedMultivariable: ParsedMultivariable | null },
  ): Promise<(MultivariableParent & Record<string, unknown>) | null> {
    const { input, rows } = parent.dataset;
    if (!parent.parsedMultivariable) return null;
    const { specs, options: mv } = parent.parsedMultivariable;
    const columns = await this.covariates.columns(rows, specs, input.snapshotId);
    return {
      rows,
      columns,
      options: mv,
      survival: hasSurvival(input),
      binary: hasBinary(input),
      covariates: columns.map((c) => ({ name: c.name, coding: c.coding })),
      survivalCases: hasSurvival(input) ? survivalCompleteCases(rows, columns) : null,
      binaryCases: hasBinary(input) ? binaryCompleteCases(rows, columns) : null,
    };
  }
}

type ParsedMultivariable = { specs: CovariateSpec[]; options: MultivariableOptions };
interface MultivariableParent {
  readonly rows: ValidationStudyDataset['rows'];
  readonly columns: CovariateColumn[];
  readonly options: MultivariableOptions;
  readonly survival: boolean;
  readonly binary: boolean;
}

/** Each model is its own field: it is fitted only when selected, and one that cannot be fitted fails alone. */
@Resolver('MultivariableValidation')
export class MultivariableValidationResolver {
  @ResolveField('cox')
  cox(@Parent() p: MultivariableParent) {
    return p.survival ? multivariableCox(p.rows, p.columns, p.options) : null;
  }

  @ResolveField('logistic')
  logistic(@Parent() p: MultivariableParent) {
    return p.binary ? multivariableLogistic(p.rows, p.columns) : null;
  }
}

@Resolver('Agreement')
export class AgreementResolver {
  constructor(private readonly agreement: AgreementService) {}

  @Query('agreement')
  @Authorize({ roles: [...STUDY_ROLES], scope: { inHandler: true } })
  async agreementQuery(@Args('input') input: AgreementInput, @Context() ctx: GraphqlContext) {
    const { pairs, fetchMs, snapshotId, asOf, computedAtPosition } = await this.agreement.pairs(ctx.actor, input);
    return { pairs, pairCount: pairs.length, fetchMs, snapshotId, asOf, computedAtPosition, plotUrl: plotUrl('bland-altman', input) };
  }

  @ResolveField('blandAltman')
  blandAltman(@Parent() parent: { pairs: AgreementPair[] }) {
    return blandAltmanSection(parent.pairs);
  }

  @ResolveField('icc')
  icc(@Parent() parent: { pairs: AgreementPair[] }) {
    return iccSection(parent.pairs);
  }
}

@Resolver('AlgorithmSurveillance')
export class SurveillanceResolver {
  constructor(
    private readonly surveillance: SurveillanceService,
    private readonly reports: SurveillanceReportService,
  ) {}

  @Query('algorithmSurveillance')
  @Authorize({ roles: [...SCREENING_ROLES], scope: { inHandler: true } })
  async algorithmSurveillance(@Args('input') input: SurveillanceInput, @Context() ctx: GraphqlContext) {
    const data = await this.surveillance.data(ctx.actor, input);
    const report = surveillanceReport(data, input);
    let comparison = null;
    if (input.compareWithPredecessor) {
      const predecessorVersionId = await this.surveillance.predecessorOf(input.algorithmVersionId);
      if (predecessorVersionId) {
        const previous = rates(rollUp((await this.surveillance.data(ctx.actor, input, predecessorVersionId)).cells).total);
        comparison = { predecessorVersionId, predecessor: previous, ...compareVersions(report.total, previous) };
      }
    }
    return {
      algorithmVersionId: input.algorithmVersionId,
      computedAtPosition: data.computedAtPosition,
      snapshotId: data.snapshotId,
      asOf: data.asOf,
      // Its own field: a drift that cannot be computed is null with its error, the counts still resolve.
      drift: data.drift ? () => driftResult(data.drift!.plan, data.drift!.pairs, data.drift!.personalOpened) : null,
      cells: report.cells,
      monthly: report.monthly,
      total: report.total,
      // One series per site: a failing one becomes a null item with its error, the others still resolve.
      cusum: report.cusumInputs.map(({ siteId }) => {
        try {
          const series = report.cusum(siteId);
          return { ...series, plotUrl: plotUrl('cusum', input, siteId === null ? {} : { siteId }) };
        } catch (err) {
          return err instanceof Error ? err : new Error(String(err));
        }
      }),
      comparison,
      fetchMs: data.fetchMs,
      plotUrl: plotUrl('cusum', input),
    };
  }

  @ResolveField('drift')
  drift(@Parent() p: { drift: (() => unknown) | null }) {
    return p.drift ? p.drift() : null;
  }

  @Query('surveillanceAlarms')
  @Authorize({ roles: [...SCREENING_ROLES], scope: 'global' })
  surveillanceAlarms(@Args('algorithmVersionId') algorithmVersionId: string) {
    // Alarms concern an algorithm version (a product on the market), not a trial or programme: global scope.
    return this.surveillance.alarms(algorithmVersionId);
  }

  @Query('surveillanceDriftAlarms')
  @Authorize({ roles: [...SCREENING_ROLES], scope: 'global' })
  surveillanceDriftAlarms(@Args('algorithmVersionId') algorithmVersionId: string) {
    return this.surveillance.driftAlarms(algorithmVersionId);
  }

  @Mutation('raiseSurveillanceAlarms')
  @Authorize({ roles: ['screening_manager', 'admin'], scope: { inHandler: true } })
  async raiseSurveillanceAlarms(@Args('commandId') commandId: string, @Args('input') input: SurveillanceInput, @Context() ctx: GraphqlContext) {
    const data = await this.surveillance.data(ctx.actor, input);
    const report = surveillanceReport(data, input);
    const alarms = report.cusumInputs.flatMap(({ siteId }) => {
      try {
        return report.cusum(siteId).alarms;
      } catch {
        return [];
      }
    });
    const driftAlarms = data.drift ? driftResult(data.drift.plan, data.drift.pairs, data.drift.personalOpened).alarms() : [];
    const receipt = await this.surveillance.raise(
      ctx.actor,
      ctx.correlationId,
      commandId,
      input.algorithmVersionId,
      alarms,
      data.computedAtPosition,
      driftAlarms,
    );
    return { ...receipt, alarms, driftAlarms };
  }

  @Query('surveillanceReport')
  @Authorize({ roles: [...SCREENING_ROLES], scope: { inHandler: true } })
  surveillanceReport(
    @Args('algorithmVersionId') algorithmVersionId: string,
    @Args('from') from: Date | string,
    @Args('to') to: Date | string,
    @Context() ctx: GraphqlContext,
  ) {
    const iso = (v: Date | string) => (v instanceof Date ? v.toISOString() : v);
    return this.reports.report(ctx.actor, algorithmVersionId, iso(from), iso(to));
  }
}

type LazyStratum = { agreement(): unknown; monthly(): unknown; chart(): unknown; alarms(): unknown };

/** Drift statistics are computed per selected field (lib functions on the parent): one that fails fails alone. */
@Resolver('DriftStratum')
export class DriftStratumResolver {
  @ResolveField('agreement')
  agreement(@Parent() p: LazyStratum) {
    return p.agreement();
  }

  @ResolveField('monthly')
  monthly(@Parent() p: LazyStratum) {
    return p.monthly();
  }

  @ResolveField('chart')
  chart(@Parent() p: LazyStratum) {
    return p.chart();
  }

  @ResolveField('alarms')
  alarms(@Parent() p: LazyStratum) {
    return p.alarms();
  }
}

@Resolver('DriftSurveillance')
export class DriftSurveillanceResolver {
  @ResolveField('alarms')
  alarms(@Parent() p: { alarms(): unknown }) {
    return p.alarms();
  }
}

@Resolver('ScreeningKpis')
export class ScreeningKpiResolver {
  constructor(private readonly kpis: ScreeningKpiService) {}

  @Query('screeningKpis')
  @Authorize({ roles: [...SCREENING_ROLES], scope: { programme: (args) => args.input.programmeId } })
  async screeningKpis(@Args('input') input: ScreeningKpiInput, @Context() ctx: GraphqlContext) {
    const data = await this.kpis.data(ctx.actor, input);
    return {
      programmeId: data.programme.programmeId,
      programmeName: data.programme.name,
      computedAtPosition: data.computedAtPosition,
      snapshotId: data.snapshotId,
      groups: kpiGroups(data, input.bySite ?? false),
      fetchMs: data.fetchMs,
      plotUrl: plotUrl('kpi-trend', input),
    };
  }
}

@Resolver('RecistAssessment')
export class RecistResolver {
  constructor(private readonly recist: RecistService) {}

  @Query('recist')
  @Authorize({ roles: ['coordinator', 'biostatistician', 'regulator'], scope: { inHandler: true } })
  recistQuery(
    @Args('subjectId') subjectId: string,
    @Args('studyId') studyId: string | undefined,
    @Args('reading') reading: ReadingSelectionInput,
    @Args('snapshotId') snapshotId: string | undefined,
    @Args('asOf') asOf: Date | undefined,
    @Context() ctx: GraphqlContext,
  ) {
    return this.recist.assess(ctx.actor, subjectId, studyId, reading, { snapshotId, asOf });
  }
}
