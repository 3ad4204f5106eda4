import type { CeClass, RegulatoryStatusKind } from './algorithm.events.js';

export interface RegisterAlgorithmVersion {
  readonly type: 'RegisterAlgorithmVersion';
  readonly algorithmVersionId: string;
  readonly manufacturer: string;
  readonly name: string;
  readonly version: string;
  readonly intendedUse: string;
  readonly regulatory: {
    readonly status: RegulatoryStatusKind;
    readonly ceClass?: CeClass | null;
    readonly udiDi?: string | null;
    readonly clearanceNumber?: string | null;
  };
  readonly biomarkerIds: readonly string[];
  readonly predecessorVersionId?: string | null;
  /** The declared range of the version's screening score; required before it records AI screening readings. */
  readonly scoreRange?: { readonly min: number; readonly max: number } | null;
}

export interface SuspendAlgorithmVersion {
  readonly type: 'SuspendAlgorithmVersion';
  readonly algorithmVersionId: string;
  readonly reason: string;
}

export interface ReinstateAlgorithmVersion {
  readonly type: 'ReinstateAlgorithmVersion';
  readonly algorithmVersionId: string;
  readonly reason: string;
}

/** Final: a withdrawn version never measures again. */
export interface WithdrawAlgorithmVersion {
  readonly type: 'WithdrawAlgorithmVersion';
  readonly algorithmVersionId: string;
  readonly reason: string;
}

export type AlgorithmCommand = RegisterAlgorithmVersion | SuspendAlgorithmVersion | ReinstateAlgorithmVersion | WithdrawAlgorithmVersion;
