import jsonLogic from 'json-logic-js';
import type { CommandMeta, Decider } from '../decider.js';
import { reject } from '../domain.errors.js';
import {
  InputErrors,
  MaxLength,
  optionalId,
  requireId,
  requireInteger,
  requireNumberInRange,
  requireOneOf,
  requireReason,
  requireText,
} from '../biomarker/input.guards.js';
import type { DataQualityRuleCommand, DataQualityRuleInput } from './quality.commands.js';
import { DataQualityErrors } from './quality.errors.js';
import { DATA_QUALITY_RULE_KINDS, type DataQualityRuleEvent, type DataQualityRuleParams, type DataQualityScope, type LogicValue } from './quality.events.js';

export interface DataQualityRuleDefinition {
  readonly status: 'active' | 'retired';
  readonly ruleId: string;
  readonly scope: DataQualityScope;
  readonly ruleVersion: number;
  readonly name: string;
  readonly params: DataQualityRuleParams;
}
export type DataQualityRuleState = { readonly status: 'none' } | DataQualityRuleDefinition;

/** One stream per rule: `dqrule-<ruleId>` (definition, changes, retirement). */
export function dataQualityRuleStreamId(ruleId: string): string {
  return `dqrule-${ruleId}`;
}

const MAX_EXPRESSION_CHARS = 8_000;

function requireExpression(value: unknown): LogicValue {
  let parsed: unknown = value;
  if (typeof value === 'string') {
    if (value.length > MAX_EXPRESSION_CHARS) reject(InputErrors.FIELD_TOO_LONG, 'expression', `expression must be at most ${MAX_EXPRESSION_CHARS} characters`);
    try {
      parsed = JSON.parse(value);
    } catch {
      reject(DataQualityErrors.INVALID_RULE_EXPRESSION, 'expression', 'expression must be JSON (a json-logic expression)');
    }
  }
  if (!jsonLogic.is_logic(parsed))
    reject(DataQualityErrors.INVALID_RULE_EXPRESSION, 'expression', 'expression must be a json-logic expression, e.g. {"<": [{"var": "value"}, 100]}');
  // Unknown operators are found only by running the expression: once on empty data, where every var is null.
  try {
    jsonLogic.apply(parsed, {});
  } catch (err) {
    reject(DataQualityErrors.INVALID_RULE_EXPRESSION, 'expression', `expression does not evaluate: ${(err as Error).message}`.slice(0, 300));
  }
  return parsed as LogicValue;
}

function optionalBound(value: unknown, field: string): number | null {
  if (value === undefined || value === null) return null;
  return requireNumberInRange(value, field, -Number.MAX_VALUE, Number.MAX_VALUE);
}

/** The parameters the kind reads, checked; others in the input are dropped so the event states exactly the rule. */
export function ruleParams(input: DataQualityRuleInput, scope: DataQualityScope): DataQualityRuleParams {
  const kind = requireOneOf(input.kind, DATA_QUALITY_RULE_KINDS, 'kind');
  if ((kind === 'required_measurement' || kind === 'visit_window') && scope.trialId === undefined)
    reject(DataQualityErrors.RULE_KIND_NEEDS_TRIAL, 'kind', `A ${kind} rule reads a visit schedule: define it on a trial`);
  switch (kind) {
    case 'expression':
      return { kind, biomarkerId: optionalId(input.biomarkerId, 'biomarkerId'), expression: requireExpression(input.expression) };
    case 'range': {
      const min = optionalBound(input.min, 'min');
      const max = optionalBound(input.max, 'max');
      if (min === null && max === null) reject(DataQualityErrors.INVALID_RULE_RANGE, 'min', 'A range rule needs min, max or both');
      if (min !== null && max !== null && min > max) reject(DataQualityErrors.INVALID_RULE_RANGE, 'max', 'max must not be below min');
      return { kind, biomarkerId: requireId(input.biomarkerId, 'biomarkerId'), min, max };
    }
    case 'required_measurement': {
      const timePoints = (input.timePoints ?? []).map((t, i) => requireText(t, `timePoints.${i}`, MaxLength.code));
      if (timePoints.length > 100) reject(InputErrors.TOO_MANY_ITEMS, 'timePoints', 'at most 100 time points');
      return { kind, biomarkerId: requireId(input.biomarkerId, 'biomarkerId'), timePoints: [...new Set(timePoints)] };
    }
    case 'visit_window':
      return { kind, toleranceDays: input.toleranceDays == null ? 0 : requireInteger(input.toleranceDays, 'toleranceDays', 0, 365) };
    case 'method_consistency':
      return { kind, biomarkerId: optionalId(input.biomarkerId, 'biomarkerId') };
    case 'reader_disagreement':
      return {
        kind,
        biomarkerId: optionalId(input.biomarkerId, 'biomarkerId'),
        maxRelativeDifference: requireNumberInRange(input.maxRelativeDifference, 'maxRelativeDifference', 0, 10, true),
      };
    case 'duplicate_scan':
    case 'outcome_before_enrolment':
      return { kind };
    case 'missing_follow_up':
      return { kind, maxDaysWithoutFollowUp: requireInteger(input.maxDaysWithoutFollowUp, 'maxDaysWithoutFollowUp', 1, 3650) };
  }
}

function decide(command: DataQualityRuleCommand, state: DataQualityRuleState, meta: CommandMeta): DataQualityRuleEvent[] {
  const at = meta.now.toISOString();
  switch (command.type) {
    case 'DefineDataQualityRule': {
      const ruleId = requireId(command.ruleId, 'ruleId');
      if (state.status !== 'none') reject(DataQualityErrors.DATA_QUALITY_RULE_EXISTS, 'ruleId', `Rule ${ruleId} exists; change it instead`);
      const trialId = optionalId(command.trialId, 'trialId');
      const programmeId = optionalId(command.programmeId, 'programmeId');
      if ((trialId === null) === (programmeId === null))
        reject(DataQualityErrors.DATA_QUALITY_SCOPE_REQUIRED, 'trialId', 'Name exactly one of trialId and programmeId');
      const scope: DataQualityScope = trialId !== null ? { trialId } : { programmeId: programmeId! };
      const name = requireText(command.name, 'name', MaxLength.name);
      return [{ type: 'DataQualityRuleDefined', data: { ...scope, ruleId, ruleVersion: 1, name, params: ruleParams(command, scope), definedAt: at } }];
    }
    case 'ChangeDataQualityRule': {
      const current = existing(state, command.ruleId);
      const reason = requireReason(command.reason);
      const name = requireText(command.name, 'name', MaxLength.name);
      return [
        {
          type: 'DataQualityRuleChanged',
          data: {
            ...current.scope,
            ruleId: current.ruleId,
            ruleVersion: current.ruleVersion + 1,
            name,
            params: ruleParams(command, current.scope),
            reason,
            changedAt: at,
          },
        },
      ];
    }
    case 'RetireDataQualityRule': {
      const current = existing(state, command.ruleId);
      return [{ type: 'DataQualityRuleRetired', data: { ...current.scope, ruleId: current.ruleId, reason: requireReason(command.reason), retiredAt: at } }];
    }
  }
}

function existing(state: DataQualityRuleState, ruleId: string): DataQualityRuleDefinition {
  if (state.status === 'none') reject(DataQualityErrors.DATA_QUALITY_RULE_NOT_FOUND, 'ruleId', `No data-quality rule ${ruleId}`);
  if (state.status === 'retired') reject(DataQualityErrors.DATA_QUALITY_RULE_RETIRED, 'ruleId', `Rule ${ruleId} is retired; define a new one`);
  return state;
}

function evolve(state: DataQualityRuleState, event: DataQualityRuleEvent): DataQualityRuleState {
  switch (event.type) {
    case 'DataQualityRuleDefined':
    case 'DataQualityRuleChanged': {
      const d = event.data;
      const scope: DataQualityScope = d.trialId !== undefined ? { trialId: d.trialId } : { programmeId: d.programmeId! };
      return { status: 'active', ruleId: d.ruleId, scope, ruleVersion: d.ruleVersion, name: d.name, params: d.params };
    }
    case 'DataQualityRuleRetired':
      return state.status === 'none' ? state : { ...state, status: 'retired' };
  }
}

export const dataQualityRuleDecider: Decider<DataQualityRuleCommand, DataQualityRuleEvent, DataQualityRuleState> = {
  initialState: { status: 'none' },
  foldVersion: 'dqrule/1',
  evolve,
  decide,
};
