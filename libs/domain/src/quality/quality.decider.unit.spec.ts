import { describe, expect, it } from '@jest/globals';
import { fold } from '../decider.js';
import { rejection } from '../testing/decider-testing.js';
import { dataQueryDecider } from './data-query.decider.js';
import type { DataQueryCommand, DataQualityRuleCommand, OpenDataQuery } from './quality.commands.js';
import { dataQualityRuleDecider } from './quality-rule.decider.js';
import type { DataQualityRuleEvent, DataQueryEvent } from './quality.events.js';

const ctx = { commandId: 'c-1', actor: { id: 'dm-1', role: 'data_manager' }, now: new Date('2026-12-01T10:00:00Z') };
const rule = (given: readonly DataQualityRuleEvent[], command: DataQualityRuleCommand) =>
  dataQualityRuleDecider.decide(command, fold(dataQualityRuleDecider, given), ctx);
const query = (given: readonly DataQueryEvent[], command: DataQueryCommand) => dataQueryDecider.decide(command, fold(dataQueryDecider, given), ctx);

const define: DataQualityRuleCommand = {
  type: 'DefineDataQualityRule',
  ruleId: 'r1',
  trialId: 'T1',
  programmeId: null,
  kind: 'range',
  name: 'SUV plausible',
  biomarkerId: 'suv',
  min: 0,
  max: 40,
  toleranceDays: 3,
};

describe('data-quality rule decider', () => {
  it('defines a rule with only the parameters its kind reads, at version 1, naming its trial', () => {
    expect(rule([], define)).toEqual([
      {
        type: 'DataQualityRuleDefined',
        data: {
          trialId: 'T1',
          ruleId: 'r1',
          ruleVersion: 1,
          name: 'SUV plausible',
          params: { kind: 'range', biomarkerId: 'suv', min: 0, max: 40 },
          definedAt: '2026-12-01T10:00:00.000Z',
        },
      },
    ]);
  });

  it('changes (version + 1, reason required) and retires; a retired rule takes no change', () => {
    const given = rule([], define);
    const changed = rule(given, {
      type: 'ChangeDataQualityRule',
      ruleId: 'r1',
      kind: 'range',
      name: 'SUV',
      biomarkerId: 'suv',
      min: 0,
      max: 30,
      reason: 'Protocol v2',
    });
    expect(changed[0]).toMatchObject({ type: 'DataQualityRuleChanged', data: { ruleVersion: 2, params: { max: 30 }, trialId: 'T1', reason: 'Protocol v2' } });
    expect(
      rejection(() => rule(given, { type: 'ChangeDataQualityRule', ruleId: 'r1', kind: 'range', name: 'SUV', biomarkerId: 'suv', min: 0, reason: ' ' })),
    ).toMatchObject({ code: 'REASON_REQUIRED' });
    const retired = [...given, ...changed, ...rule([...given, ...changed], { type: 'RetireDataQualityRule', ruleId: 'r1', reason: 'Superseded' })];
    expect(fold(dataQualityRuleDecider, retired)).toMatchObject({ status: 'retired', ruleVersion: 2 });
    expect(rejection(() => rule(retired, { type: 'RetireDataQualityRule', ruleId: 'r1', reason: 'again' }))).toMatchObject({
      code: 'DATA_QUALITY_RULE_RETIRED',
    });
    expect(rejection(() => rule([], { type: 'RetireDataQualityRule', ruleId: 'r9', reason: 'x' }))).toMatchObject({ code: 'DATA_QUALITY_RULE_NOT_FOUND' });
    expect(rejection(() => rule(given, define))).toMatchObject({ code: 'DATA_QUALITY_RULE_EXISTS' });
  });

  it('refuses a missing or double scope, visit rules on a programme, bad ranges and bad expressions', () => {
    expect(rejection(() => rule([], { ...define, trialId: null }))).toMatchObject({ code: 'DATA_QUALITY_SCOPE_REQUIRED' });
    expect(rejection(() => rule([], { ...define, programmeId: 'P1' }))).toMatchObject({ code: 'DATA_QUALITY_SCOPE_REQUIRED' });
    expect(rejection(() => rule([], { ...define, trialId: null, programmeId: 'P1', kind: 'visit_window' }))).toMatchObject({
      code: 'RULE_KIND_NEEDS_TRIAL',
      field: 'kind',
    });
    expect(rejection(() => rule([], { ...define, min: 5, max: 1 }))).toMatchObject({ code: 'INVALID_RULE_RANGE', field: 'max' });
    expect(rejection(() => rule([], { ...define, min: null, max: null }))).toMatchObject({ code: 'INVALID_RULE_RANGE' });
    expect(rejection(() => rule([], { ...define, kind: 'expression', expression: '{not json' }))).toMatchObject({
      code: 'INVALID_RULE_EXPRESSION',
      field: 'expression',
    });
    expect(rejection(() => rule([], { ...define, kind: 'expression', expression: '{"frobnicate": [1]}' }))).toMatchObject({ code: 'INVALID_RULE_EXPRESSION' });
    expect(rejection(() => rule([], { ...define, kind: 'nonsense' as 'range' }))).toMatchObject({ code: 'INVALID_ENUM_VALUE', field: 'kind' });
    const [ok] = rule([], { ...define, kind: 'expression', biomarkerId: null, expression: '{"<": [{"var": "value"}, 100]}' });
    expect(ok!.data).toMatchObject({ params: { kind: 'expression', biomarkerId: null, expression: { '<': [{ var: 'value' }, 100] } } });
  });
});

const open: OpenDataQuery = {
  type: 'OpenDataQuery',
  queryId: 'q1',
  trialId: 'T1',
  programmeId: null,
  ruleId: 'r1',
  ruleVersion: 1,
  ruleKind: 'range',
  findingKey: 'm1',
  subjectId: 's1',
  siteId: 'S1',
  measurementId: 'm1',
  field: 'value',
  message: 'suv 55 outside [0, 40]',
};

describe('data query decider', () => {
  it('opens once: a repeated open of an existing query appends nothing', () => {
    const opened = query([], open);
    expect(opened).toEqual([
      {
        type: 'DataQueryOpened',
        data: {
          trialId: 'T1',
          queryId: 'q1',
          ruleId: 'r1',
          ruleVersion: 1,
          ruleKind: 'range',
          findingKey: 'm1',
          subjectId: 's1',
          siteId: 'S1',
          measurementId: 'm1',
          field: 'value',
          message: 'suv 55 outside [0, 40]',
          openedAt: '2026-12-01T10:00:00.000Z',
        },
      },
    ]);
    expect(query(opened, open)).toEqual([]);
  });

  it('answered by the site, closed and reopened by the data manager; wrong steps are refused with the status', () => {
    const opened = query([], open);
    const answered = [...opened, ...query(opened, { type: 'AnswerDataQuery', queryId: 'q1', reason: 'Value confirmed on the source images' })];
    expect(fold(dataQueryDecider, answered)).toMatchObject({ status: 'answered' });
    expect(rejection(() => query(answered, { type: 'AnswerDataQuery', queryId: 'q1', reason: 'again' }))).toMatchObject({
      code: 'DATA_QUERY_INVALID_TRANSITION',
      details: { status: 'answered' },
    });
    const closed = [...answered, ...query(answered, { type: 'CloseDataQuery', queryId: 'q1', reason: null })];
    expect(rejection(() => query(closed, { type: 'CloseDataQuery', queryId: 'q1', reason: null }))).toMatchObject({ code: 'DATA_QUERY_INVALID_TRANSITION' });
    expect(query(closed, open)).toEqual([]);
    expect(query(closed, { type: 'ResolveDataQuery', queryId: 'q1', reason: 'gone' })).toEqual([]);
    const reopened = [...closed, ...query(closed, { type: 'ReopenDataQuery', queryId: 'q1', reason: 'Source images disagree' })];
    expect(fold(dataQueryDecider, reopened)).toMatchObject({ status: 'open' });
    expect(rejection(() => query(reopened, { type: 'ReopenDataQuery', queryId: 'q1', reason: 'x' }))).toMatchObject({ code: 'DATA_QUERY_INVALID_TRANSITION' });
    expect(rejection(() => query([], { type: 'CloseDataQuery', queryId: 'q9', reason: null }))).toMatchObject({ code: 'DATA_QUERY_NOT_FOUND' });
  });

  it('resolves when the finding is gone, and the same query reopens when it recurs', () => {
    const opened = query([], open);
    const resolved = [...opened, ...query(opened, { type: 'ResolveDataQuery', queryId: 'q1', reason: 'Measurement corrected' })];
    expect(resolved[1]).toMatchObject({ type: 'DataQueryResolved', data: { queryId: 'q1', trialId: 'T1', reason: 'Measurement corrected' } });
    expect(query(resolved, { type: 'ResolveDataQuery', queryId: 'q1', reason: 'again' })).toEqual([]);
    expect(query(resolved, open)).toMatchObject([{ type: 'DataQueryReopened', data: { queryId: 'q1' } }]);
  });
});
