import { Inject, Optional } from '@nestjs/common';
import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { EVENT_STORE, START, type EventStore, type Position } from '#event-store';
import { DataSource } from 'typeorm';
import type { ProjectionStatus, RegistryStatus, StatusFinding } from '../../../../graphql/generated/graphql.types.js';
import { SEAL_JOURNAL, type SealJournal } from '../audit/seal-journal.js';

export class GetRegistryStatusQuery extends Query<RegistryStatus> {}

/** Lags are counted exactly up to this many events; beyond it a status page needs no more precision. */
const LAG_CAP = 1_000_000;

interface CheckpointRow {
  name: string;
  version: number;
  commit_position: string | null;
  prepare_position: string | null;
  state: string;
  failed_position: string | null;
  error: string | null;
  updated_at: string;
}

@QueryHandler(GetRegistryStatusQuery)
export class GetRegistryStatusHandler implements IQueryHandler<GetRegistryStatusQuery, RegistryStatus> {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Optional() @Inject(SEAL_JOURNAL) private readonly anchor?: SealJournal,
  ) {}

  async execute(): Promise<RegistryStatus> {
    // The checkpoints and the event-type counts in one read-model statement (one snapshot); then, through the port
    // (the events may live in another database), each lag and last the head — in that order, so no checkpoint and
    // no count seen here can lie beyond the head. Nothing scans the whole log: each lag counts only the events after
    // its checkpoint (up to LAG_CAP), and the event count is the event-type-counts projection's total plus its lag.
    const rows = (await this.dataSource.query(
      `WITH checkpoints AS (
         SELECT c.name, c.version, c.commit_position::text AS commit_position, c.prepare_position::text AS prepare_position,
                c.state, c.failed_position::text AS failed_position, c.error, c.updated_at
           FROM read_model.projection_checkpoints c WHERE c.live)
       SELECT (SELECT coalesce(sum(count), 0) FROM read_model.event_type_counts)::text AS counted,
              coalesce((SELECT json_agg(checkpoints ORDER BY name) FROM checkpoints), '[]'::json) AS checkpoints`,
    )) as { counted: string; checkpoints: CheckpointRow[] }[];
    const { counted, checkpoints } = rows[0]!;
    const positionOf = (c: CheckpointRow): Position =>
      c.prepare_position === null || c.commit_position === null ? START : { commit: BigInt(c.commit_position), prepare: BigInt(c.prepare_position) };
    const lags = await Promise.all(checkpoints.map((c) => this.store.countEvents({ after: positionOf(c), limit: LAG_CAP })));
    const lagOf = new Map(checkpoints.map((c, i) => [c.name, lags[i]!]));
    const counter = checkpoints.find((c) => c.name === 'event-type-counts');
    const counterLag = counter ? lagOf.get(counter.name)! : LAG_CAP;
    const eventCount = counter && counter.state !== 'failed' && counterLag < LAG_CAP ? Number(counted) + counterLag : await this.store.countEvents();
    const head = await this.store.readHead();
    const last = head === null ? null : head.prepare.toString();
    const projections: ProjectionStatus[] = checkpoints.map((r) => ({
      name: r.name,
      version: r.version,
      state: r.state === 'failed' ? 'FAILED' : r.state === 'stopped' ? 'STOPPED' : lagOf.get(r.name)! > 0 ? 'CATCHING_UP' : 'RUNNING',
      checkpoint: r.prepare_position,
      lag: lagOf.get(r.name)!,
      updatedAt: new Date(r.updated_at).toISOString(),
      failedAt: r.failed_position,
      error: r.error,
    }));
    return { eventCount, lastPosition: last, projections, findings: await this.findings(eventCount, last, projections) };
  }

  /**
   * Figures that cannot disagree while the log is only ever appended to. Positions come from an identity column and
   * are never reused (a rolled-back append leaves a gap, never a duplicate), so the log holds at most `lastPosition`
   * events, and nothing a projection or a seal has seen can lie beyond it.
   */
  private async findings(eventCount: number, last: string | null, projections: readonly ProjectionStatus[]): Promise<StatusFinding[]> {
    const head = last === null ? 0n : BigInt(last);
    const out: StatusFinding[] = [];
    if (BigInt(eventCount) > head) {
      out.push({
        code: 'EVENTS_MISSING',
        message: `${eventCount} events were counted but the newest position is ${last ?? 'none'}: events were removed from the log`,
      });
    }
    for (const p of projections) {
      if (p.checkpoint !== null && p.checkpoint !== undefined && BigInt(p.checkpoint) > head) {
        out.push({
          code: 'CHECKPOINT_BEYOND_LOG',
          message: `projection ${p.name} applied events up to position ${p.checkpoint}, beyond the newest position ${last ?? 'none'}`,
        });
      }
    }
    const anchored = await this.anchor?.latest().catch(() => undefined);
    if (anchored && BigInt(anchored.upToPosition) > head) {
      out.push({
        code: 'ANCHORED_SEAL_BEYOND_LOG',
        message: `seal ${anchored.sequence} kept outside the database covers events up to position ${anchored.upToPosition}, beyond the newest position ${last ?? 'none'}`,
      });
    }
    return out;
  }
}
