import type { DataQualityRuleKind, LogicValue } from './quality.events.js';

/**
 * A rule as the client states it: the kind and the parameters that kind reads (others are ignored). `expression`
 * is json-logic as JSON text, parsed and checked by the decider.
 */
export interface DataQualityRuleInput {
  readonly kind: DataQualityRuleKind;
  readonly name: string;
  readonly biomarkerId?: string | null;
  readonly expression?: string | LogicValue | null;
  readonly min?: number | null;
  readonly max?: number | null;
  readonly timePoints?: readonly string[] | null;
  readonly toleranceDays?: number | null;
  readonly maxRelativeDifference?: number | null;
  readonly maxDaysWithoutFollowUp?: number | null;
}

export interface DefineDataQualityRule extends DataQualityRuleInput {
  readonly type: 'DefineDataQualityRule';
  readonly ruleId: string;
  readonly trialId: string | null;
  readonly programmeId: string | null;
}
export interface ChangeDataQualityRule extends DataQualityRuleInput {
  readonly type: 'ChangeDataQualityRule';
  readonly ruleId: string;
  readonly reason: string;
}
export interface RetireDataQualityRule {
  readonly type: 'RetireDataQualityRule';
  readonly ruleId: string;
  readonly reason: string;
}
export type DataQualityRuleCommand = DefineDataQualityRule | ChangeDataQualityRule | RetireDataQualityRule;

/** Issued by the data-quality monitor for a finding; a no-op when the query exists (deterministic ids). */
export interface OpenDataQuery {
  readonly type: 'OpenDataQuery';
  readonly queryId: string;
  readonly trialId: string | null;
  readonly programmeId: string | null;
  readonly ruleId: string;
  readonly ruleVersion: number;
  readonly ruleKind: DataQualityRuleKind;
  readonly findingKey: string;
  readonly subjectId: string;
  readonly siteId: string | null;
  readonly measurementId: string | null;
  readonly field: string;
  readonly message: string;
}
export interface AnswerDataQuery {
  readonly type: 'AnswerDataQuery';
  readonly queryId: string;
  readonly reason: string;
}
/** Issued by the monitor when the finding is gone; a no-op unless the query is open or answered. */
export interface ResolveDataQuery {
  readonly type: 'ResolveDataQuery';
  readonly queryId: string;
  readonly reason: string;
}
export interface CloseDataQuery {
  readonly type: 'CloseDataQuery';
  readonly queryId: string;
  readonly reason: string | null;
}
export interface ReopenDataQuery {
  readonly type: 'ReopenDataQuery';
  readonly queryId: string;
  readonly reason: string;
}
export type DataQueryCommand = OpenDataQuery | AnswerDataQuery | ResolveDataQuery | CloseDataQuery | ReopenDataQuery;
