import type { CancerType, KpiTarget } from './programme.events.js';

export interface DefineScreeningProgramme {
  readonly type: 'DefineScreeningProgramme';
  readonly programmeId: string;
  readonly name: string;
  readonly cancerType: CancerType;
  readonly targetPopulation: string;
  readonly ageRange: { readonly min: number; readonly max: number };
  readonly intervalMonths: number;
  readonly kpiTargets: readonly KpiTarget[];
}

export interface OpenScreeningRound {
  readonly type: 'OpenScreeningRound';
  readonly programmeId: string;
  readonly roundId: string;
  readonly name: string;
  /** YYYY-MM-DD; may lie in the future (a round is planned ahead). */
  readonly opensOn: string;
}

export interface CloseScreeningRound {
  readonly type: 'CloseScreeningRound';
  readonly programmeId: string;
  readonly roundId: string;
  readonly closesOn: string;
}

export type ProgrammeCommand = DefineScreeningProgramme | OpenScreeningRound | CloseScreeningRound;
