import type { DomainEvent } from '../decider.js';

export const CANCER_TYPES = ['breast', 'lung', 'colorectal', 'prostate', 'cervical', 'other'] as const;
export type CancerType = (typeof CANCER_TYPES)[number];
/** KPIs of the EU breast screening guidelines (domain-reference §4), made configurable per programme. */
export const SCREENING_KPIS = [
  'participation_rate',
  'recall_rate',
  'cancer_detection_rate',
  'ppv_of_recall',
  'interval_cancer_rate',
  'programme_sensitivity',
] as const;
export type ScreeningKpi = (typeof SCREENING_KPIS)[number];
export const KPI_SCOPES = ['all_rounds', 'first_round', 'subsequent_rounds'] as const;
export type KpiScope = (typeof KPI_SCOPES)[number];
/** Whether a higher value is better (participation) or worse (recall rate). */
export const KPI_DIRECTIONS = ['at_least', 'at_most'] as const;
export type KpiDirection = (typeof KPI_DIRECTIONS)[number];

export interface KpiTarget {
  readonly kpi: ScreeningKpi;
  readonly scope: KpiScope;
  readonly direction: KpiDirection;
  /** As a fraction (0.7 = 70 %) for rates, per 1000 for detection and interval cancer rates. */
  readonly acceptable: number;
  readonly desirable: number;
}

export type ScreeningProgrammeDefined = DomainEvent<
  'ScreeningProgrammeDefined',
  {
    readonly programmeId: string;
    readonly name: string;
    readonly cancerType: CancerType;
    readonly targetPopulation: string;
    readonly ageRange: { readonly min: number; readonly max: number };
    readonly intervalMonths: number;
    readonly kpiTargets: readonly KpiTarget[];
    readonly definedAt: string;
  }
>;
export type ScreeningRoundOpened = DomainEvent<
  'ScreeningRoundOpened',
  { readonly programmeId: string; readonly roundId: string; readonly name: string; readonly roundNumber: number; readonly opensOn: string }
>;
export type ScreeningRoundClosed = DomainEvent<'ScreeningRoundClosed', { readonly programmeId: string; readonly roundId: string; readonly closesOn: string }>;

export type ProgrammeEvent = ScreeningProgrammeDefined | ScreeningRoundOpened | ScreeningRoundClosed;
