import type { DomainEvent } from '../decider.js';

/**
 * The built-in kinds of data-quality rule, plus `expression` (a json-logic-js expression over one measurement and
 * its subject). Each kind names what it checks; the monitor turns each finding into one data query.
 */
export const DATA_QUALITY_RULE_KINDS = [
  'expression',
  'range',
  'required_measurement',
  'visit_window',
  'method_consistency',
  'reader_disagreement',
  'duplicate_scan',
  'outcome_before_enrolment',
  'missing_follow_up',
] as const;
export type DataQualityRuleKind = (typeof DATA_QUALITY_RULE_KINDS)[number];

/** json-logic data: plain JSON. */
export type LogicValue = string | number | boolean | null | LogicValue[] | { [key: string]: LogicValue };

/** What each kind of rule needs; stored whole on the rule's events so a change is visible as a new parameter set. */
export type DataQualityRuleParams =
  /** A finding per measurement (of `biomarkerId`, or every one) for which the expression is not truthy. */
  | { readonly kind: 'expression'; readonly biomarkerId: string | null; readonly expression: LogicValue }
  /** A finding per quantitative measurement of the biomarker outside [min, max] (canonical unit), stricter than the catalogue. */
  | { readonly kind: 'range'; readonly biomarkerId: string; readonly min: number | null; readonly max: number | null }
  /** A finding per subject and visit that has data but lacks the biomarker; `timePoints` empty = every scheduled visit. */
  | { readonly kind: 'required_measurement'; readonly biomarkerId: string; readonly timePoints: readonly string[] }
  /** A finding per measurement whose scan lies outside its visit's window (schedule days, plus `toleranceDays`). */
  | { readonly kind: 'visit_window'; readonly toleranceDays: number }
  /** A finding per subject and biomarker measured with more than one method / algorithm version across time points. */
  | { readonly kind: 'method_consistency'; readonly biomarkerId: string | null }
  /** A finding per subject, biomarker, visit and lesion whose readings differ by more than the relative threshold. */
  | { readonly kind: 'reader_disagreement'; readonly biomarkerId: string | null; readonly maxRelativeDifference: number }
  /** A finding per subject, day and modality with more than one imaging study. */
  | { readonly kind: 'duplicate_scan' }
  /** A finding per outcome dated before the subject's enrolment. */
  | { readonly kind: 'outcome_before_enrolment' }
  /** A finding per active subject whose latest data is older than the scope's latest data by more than the limit. */
  | { readonly kind: 'missing_follow_up'; readonly maxDaysWithoutFollowUp: number };

/** Where a rule applies: exactly one trial or one screening programme (named at the top level for audit membership). */
export type DataQualityScope = { readonly trialId: string; readonly programmeId?: undefined } | { readonly programmeId: string; readonly trialId?: undefined };

export const DATA_QUERY_STATUSES = ['open', 'answered', 'resolved', 'closed'] as const;
export type DataQueryStatus = (typeof DATA_QUERY_STATUSES)[number];

export type DataQualityRuleDefined = DomainEvent<
  'DataQualityRuleDefined',
  DataQualityScope & { ruleId: string; ruleVersion: number; name: string; params: DataQualityRuleParams; definedAt: string }
>;
export type DataQualityRuleChanged = DomainEvent<
  'DataQualityRuleChanged',
  DataQualityScope & { ruleId: string; ruleVersion: number; name: string; params: DataQualityRuleParams; reason: string; changedAt: string }
>;
export type DataQualityRuleRetired = DomainEvent<'DataQualityRuleRetired', DataQualityScope & { ruleId: string; reason: string; retiredAt: string }>;

export type DataQualityRuleEvent = DataQualityRuleDefined | DataQualityRuleChanged | DataQualityRuleRetired;

export type DataQueryOpened = DomainEvent<
  'DataQueryOpened',
  DataQualityScope & {
    queryId: string;
    ruleId: string;
    ruleVersion: number;
    ruleKind: DataQualityRuleKind;
    /** Identifies the finding within the rule (no values in it), so re-evaluation finds the same query. */
    findingKey: string;
    subjectId: string;
    siteId: string | null;
    measurementId: string | null;
    field: string;
    message: string;
    openedAt: string;
  }
>;
/** The site's answer: a reason the data are right as they are (the query stays for the data manager to close). */
export type DataQueryAnswered = DomainEvent<'DataQueryAnswered', DataQualityScope & { queryId: string; reason: string; answeredAt: string }>;
/** The finding is gone (a correction, a retraction, a changed or retired rule): closed without a person. */
export type DataQueryResolved = DomainEvent<'DataQueryResolved', DataQualityScope & { queryId: string; reason: string; resolvedAt: string }>;
export type DataQueryClosed = DomainEvent<'DataQueryClosed', DataQualityScope & { queryId: string; reason: string | null; closedAt: string }>;
export type DataQueryReopened = DomainEvent<'DataQueryReopened', DataQualityScope & { queryId: string; reason: string; reopenedAt: string }>;

export type DataQueryEvent = DataQueryOpened | DataQueryAnswered | DataQueryResolved | DataQueryClosed | DataQueryReopened;
