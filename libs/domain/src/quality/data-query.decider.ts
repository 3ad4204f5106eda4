import type { CommandMeta, Decider } from '../decider.js';
import { reject } from '../domain.errors.js';
import { MaxLength, optionalId, optionalText, requireId, requireReason, requireText } from '../biomarker/input.guards.js';
import type { DataQueryCommand } from './quality.commands.js';
import { DataQualityErrors } from './quality.errors.js';
import type { DataQualityScope, DataQueryEvent, DataQueryStatus } from './quality.events.js';

export type DataQueryState =
  | { readonly status: 'none' }
  | {
      readonly status: DataQueryStatus;
      readonly queryId: string;
      readonly scope: DataQualityScope;
      readonly subjectId: string;
      readonly siteId: string | null;
    };

/** One stream per data query: `dataquery-<queryId>`; the id derives from rule and finding, so re-evaluation finds it. */
export function dataQueryStreamId(queryId: string): string {
  return `dataquery-${queryId}`;
}

/**
 * OpenClinica's discrepancy-note states, as events: open → answered (the site's reason) → closed by the data
 * manager; resolved when the finding disappears (a correction); closed or resolved → reopened by the data manager.
 * The monitor's own commands (open, resolve) are no-ops when the query is already where they would take it, so a
 * re-evaluation after a restart or a rule change appends nothing twice.
 */
function decide(command: DataQueryCommand, state: DataQueryState, meta: CommandMeta): DataQueryEvent[] {
  const at = meta.now.toISOString();
  switch (command.type) {
    case 'OpenDataQuery': {
      const queryId = requireId(command.queryId, 'queryId');
      if (state.status === 'resolved')
        // The finding came back after a correction resolved it: the same query again, not a second one.
        return [
          {
            type: 'DataQueryReopened',
            data: { ...state.scope, queryId, reason: `Finding recurred: ${command.message}`.slice(0, MaxLength.reason), reopenedAt: at },
          },
        ];
      if (state.status !== 'none') return [];
      const trialId = optionalId(command.trialId, 'trialId');
      const programmeId = optionalId(command.programmeId, 'programmeId');
      if ((trialId === null) === (programmeId === null))
        reject(DataQualityErrors.DATA_QUALITY_SCOPE_REQUIRED, 'trialId', 'Name exactly one of trialId and programmeId');
      const scope: DataQualityScope = trialId !== null ? { trialId } : { programmeId: programmeId! };
      return [
        {
          type: 'DataQueryOpened',
          data: {
            ...scope,
            queryId,
            ruleId: requireId(command.ruleId, 'ruleId'),
            ruleVersion: command.ruleVersion,
            ruleKind: command.ruleKind,
            findingKey: requireText(command.findingKey, 'findingKey', MaxLength.text),
            subjectId: requireId(command.subjectId, 'subjectId'),
            siteId: optionalId(command.siteId, 'siteId'),
            measurementId: optionalId(command.measurementId, 'measurementId'),
            field: requireText(command.field, 'field', MaxLength.name),
            message: requireText(command.message, 'message', MaxLength.reason),
            openedAt: at,
          },
        },
      ];
    }
    case 'ResolveDataQuery': {
      if (state.status !== 'open' && state.status !== 'answered') return [];
      return [{ type: 'DataQueryResolved', data: { ...state.scope, queryId: state.queryId, reason: requireReason(command.reason), resolvedAt: at } }];
    }
    case 'AnswerDataQuery': {
      const current = existing(state, command.queryId);
      if (current.status !== 'open') transition(current.status, 'answered');
      return [{ type: 'DataQueryAnswered', data: { ...current.scope, queryId: current.queryId, reason: requireReason(command.reason), answeredAt: at } }];
    }
    case 'CloseDataQuery': {
      const current = existing(state, command.queryId);
      if (current.status === 'closed') transition(current.status, 'closed');
      return [
        {
          type: 'DataQueryClosed',
          data: { ...current.scope, queryId: current.queryId, reason: optionalText(command.reason, 'reason', MaxLength.reason), closedAt: at },
        },
      ];
    }
    case 'ReopenDataQuery': {
      const current = existing(state, command.queryId);
      if (current.status !== 'closed' && current.status !== 'resolved') transition(current.status, 'open');
      return [{ type: 'DataQueryReopened', data: { ...current.scope, queryId: current.queryId, reason: requireReason(command.reason), reopenedAt: at } }];
    }
  }
}

function transition(from: DataQueryStatus, to: string): never {
  reject(DataQualityErrors.DATA_QUERY_INVALID_TRANSITION, 'queryId', `A ${from} data query cannot become ${to}`, { status: from });
}

function existing(state: DataQueryState, queryId: string): Exclude<DataQueryState, { status: 'none' }> {
  if (state.status === 'none') reject(DataQualityErrors.DATA_QUERY_NOT_FOUND, 'queryId', `No data query ${queryId}`);
  return state;
}

function evolve(state: DataQueryState, event: DataQueryEvent): DataQueryState {
  switch (event.type) {
    case 'DataQueryOpened': {
      const d = event.data;
      const scope: DataQualityScope = d.trialId !== undefined ? { trialId: d.trialId } : { programmeId: d.programmeId! };
      return { status: 'open', queryId: d.queryId, scope, subjectId: d.subjectId, siteId: d.siteId };
    }
    case 'DataQueryAnswered':
      return state.status === 'none' ? state : { ...state, status: 'answered' };
    case 'DataQueryResolved':
      return state.status === 'none' ? state : { ...state, status: 'resolved' };
    case 'DataQueryClosed':
      return state.status === 'none' ? state : { ...state, status: 'closed' };
    case 'DataQueryReopened':
      return state.status === 'none' ? state : { ...state, status: 'open' };
  }
}

export const dataQueryDecider: Decider<DataQueryCommand, DataQueryEvent, DataQueryState> = {
  initialState: { status: 'none' },
  foldVersion: 'dataquery/1',
  evolve,
  decide,
};
