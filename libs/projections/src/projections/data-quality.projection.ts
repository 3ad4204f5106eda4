import type { RecordedEvent } from '#event-store';
import type { AcquisitionProtocolEvent, DataQualityRuleEvent, DataQueryEvent } from '#domain';
import { AcquisitionProtocolRow, columnsOf, DataQualityRuleRow, DataQueryRow, type RowOf } from '#read-model';
import type { EntityManager } from 'typeorm';
import type { Projection, ProjectionTarget } from './projection.js';
import { isoTime, loadRows, upsertRows } from './sql.js';

type RuleRecord = RowOf<DataQualityRuleRow, string>;
type QueryRecord = RowOf<DataQueryRow, string>;
const RULE_COLUMNS = columnsOf(DataQualityRuleRow);
const QUERY_COLUMNS = columnsOf(DataQueryRow);
const PROTOCOL_COLUMNS = columnsOf(AcquisitionProtocolRow);

/**
 * Data-quality rules and data queries as they stand (issue 19). The findings themselves are the monitor's
 * (data-quality-monitor.ts), which opens and resolves queries through the command path; this projection only
 * folds what was decided, so a rebuild equals the live model.
 */
export class DataQualityProjection implements Projection {
  readonly name = 'data-quality';
  readonly version = 1;
  readonly filter = { streamCategories: ['dqrule', 'dataquery', 'acqprotocol'] };
  readonly tables = ['dq_rules', 'data_queries', 'acquisition_protocols'];

  async apply(events: readonly RecordedEvent[], manager: EntityManager, { schema }: ProjectionTarget): Promise<void> {
    const ruleEvents = events.filter((e) => e.streamId.startsWith('dqrule-'));
    const queryEvents = events.filter((e) => e.streamId.startsWith('dataquery-'));
    if (ruleEvents.length > 0) await this.applyRules(ruleEvents, manager, schema);
    if (queryEvents.length > 0) await this.applyQueries(queryEvents, manager, schema);
    const protocolEvents = events.filter((e) => e.streamId.startsWith('acqprotocol-'));
    if (protocolEvents.length > 0) await this.applyProtocols(protocolEvents, manager, schema);
  }

  /** The latest version per scope; an older version arriving again (a replay) never overwrites a newer one. */
  private async applyProtocols(events: readonly RecordedEvent[], manager: EntityManager, schema: string): Promise<void> {
    const rows = new Map<string, Record<string, unknown>>();
    for (const e of events) {
      const ev = { type: e.type, data: e.data } as unknown as AcquisitionProtocolEvent;
      const d = ev.data;
      const scopeKind = d.trialId !== undefined ? 'trial' : 'programme';
      const scopeId = d.trialId ?? d.programmeId!;
      rows.set(`${scopeKind}\u0000${scopeId}`, {
        scope_kind: scopeKind,
        scope_id: scopeId,
        protocol_version: d.protocolVersion,
        name: d.protocol.name,
        rules: d.protocol.rules,
        change_reason: ev.type === 'AcquisitionProtocolChanged' ? ev.data.reason : null,
        updated_at: isoTime(ev.type === 'AcquisitionProtocolChanged' ? ev.data.changedAt : ev.data.declaredAt),
        position: e.position.prepare.toString(),
      });
    }
    const list = [...rows.values()];
    const cols = PROTOCOL_COLUMNS.join(', ');
    await manager.query(
      `INSERT INTO ${schema}.acquisition_protocols (${cols})
       SELECT ${cols} FROM jsonb_populate_recordset(NULL::${schema}.acquisition_protocols, $1::jsonb)
       ON CONFLICT (scope_kind, scope_id) DO UPDATE SET ${PROTOCOL_COLUMNS.filter((c) => c !== 'scope_kind' && c !== 'scope_id')
         .map((c) => `${c} = excluded.${c}`)
         .join(', ')}
       WHERE ${schema}.acquisition_protocols.protocol_version < excluded.protocol_version`,
      [JSON.stringify(list)],
    );
  }

  private async applyRules(events: readonly RecordedEvent[], manager: EntityManager, schema: string): Promise<void> {
    const ids = [...new Set(events.map((e) => (e.data as { ruleId: string }).ruleId))];
    const rows = new Map((await loadRows<RuleRecord>(manager, `${schema}.dq_rules`, 'rule_id', ids)).map((r) => [r.rule_id, r]));
    const changed = new Map<string, RuleRecord>();
    for (const e of events) {
      const ev = { type: e.type, data: e.data } as unknown as DataQualityRuleEvent;
      const current = rows.get(ev.data.ruleId);
      if (current && BigInt(current.last_revision) >= e.revision) continue;
      const position = e.position.prepare.toString();
      let next: RuleRecord | undefined;
      switch (ev.type) {
        case 'DataQualityRuleDefined':
        case 'DataQualityRuleChanged': {
          const d = ev.data;
          const at = isoTime(ev.type === 'DataQualityRuleDefined' ? ev.data.definedAt : ev.data.changedAt);
          next = {
            rule_id: d.ruleId,
            trial_id: d.trialId ?? null,
            programme_id: d.programmeId ?? null,
            name: d.name,
            kind: d.params.kind,
            params: d.params,
            rule_version: d.ruleVersion,
            status: 'active',
            defined_at: current?.defined_at ?? at,
            updated_at: at,
            position: current?.position ?? position,
            last_revision: e.revision.toString(),
          };
          break;
        }
        case 'DataQualityRuleRetired':
          if (current) next = { ...current, status: 'retired', updated_at: isoTime(ev.data.retiredAt), last_revision: e.revision.toString() };
          break;
      }
      if (next) {
        rows.set(next.rule_id, next);
        changed.set(next.rule_id, next);
      }
    }
    await upsertRows(manager, `${schema}.dq_rules`, [...changed.values()], ['rule_id'], RULE_COLUMNS);
  }

  private async applyQueries(events: readonly RecordedEvent[], manager: EntityManager, schema: string): Promise<void> {
    const ids = [...new Set(events.map((e) => (e.data as { queryId: string }).queryId))];
    const rows = new Map((await loadRows<QueryRecord>(manager, `${schema}.data_queries`, 'query_id', ids)).map((r) => [r.query_id, r]));
    const changed = new Map<string, QueryRecord>();
    for (const e of events) {
      const ev = { type: e.type, data: e.data } as unknown as DataQueryEvent;
      const current = rows.get(ev.data.queryId);
      if (current && BigInt(current.last_revision) >= e.revision) continue;
      // `position` stays the creating event's: lists page in creation order.
      const step = { last_revision: e.revision.toString() };
      let next: QueryRecord | undefined;
      switch (ev.type) {
        case 'DataQueryOpened': {
          const d = ev.data;
          const at = isoTime(d.openedAt);
          next = {
            query_id: d.queryId,
            trial_id: d.trialId ?? null,
            programme_id: d.programmeId ?? null,
            rule_id: d.ruleId,
            rule_version: d.ruleVersion,
            rule_kind: d.ruleKind,
            finding_key: d.findingKey,
            subject_id: d.subjectId,
            site_id: d.siteId,
            measurement_id: d.measurementId,
            field: d.field,
            message: d.message,
            status: 'open',
            answer: null,
            last_reason: null,
            opened_at: at,
            updated_at: at,
            closed_at: null,
            position: e.position.prepare.toString(),
            ...step,
          };
          break;
        }
        case 'DataQueryAnswered':
          if (current) next = { ...current, ...step, status: 'answered', answer: ev.data.reason, updated_at: isoTime(ev.data.answeredAt) };
          break;
        case 'DataQueryResolved':
          if (current) {
            const at = isoTime(ev.data.resolvedAt);
            next = { ...current, ...step, status: 'resolved', last_reason: ev.data.reason, updated_at: at, closed_at: at };
          }
          break;
        case 'DataQueryClosed':
          if (current) {
            const at = isoTime(ev.data.closedAt);
            next = { ...current, ...step, status: 'closed', last_reason: ev.data.reason, updated_at: at, closed_at: at };
          }
          break;
        case 'DataQueryReopened':
          if (current) next = { ...current, ...step, status: 'open', last_reason: ev.data.reason, updated_at: isoTime(ev.data.reopenedAt), closed_at: null };
          break;
      }
      if (next) {
        rows.set(next.query_id, next);
        changed.set(next.query_id, next);
      }
    }
    await upsertRows(manager, `${schema}.data_queries`, [...changed.values()], ['query_id'], QUERY_COLUMNS);
  }
}
