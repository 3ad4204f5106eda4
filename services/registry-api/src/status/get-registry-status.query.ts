import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { DataSource } from 'typeorm';
import type { ProjectionStatus, RegistryStatus } from '../../../../graphql/generated/graphql.types.js';

export class GetRegistryStatusQuery extends Query<RegistryStatus> {}

interface CheckpointRow {
  name: string;
  version: number;
  commit_position: string | null;
  prepare_position: string | null;
  state: string;
  failed_position: string | null;
  error: string | null;
  updated_at: Date;
  lag: string;
}

@QueryHandler(GetRegistryStatusQuery)
export class GetRegistryStatusHandler implements IQueryHandler<GetRegistryStatusQuery, RegistryStatus> {
  constructor(private readonly dataSource: DataSource) {}

  async execute(): Promise<RegistryStatus> {
    const [totals] = (await this.dataSource.query(
      `SELECT count(*)::text AS events, max(global_position)::text AS last FROM event_store.events`,
    )) as { events: string; last: string | null }[];
    // Lag counts the events after each checkpoint in the same (transaction, position) order the projector reads.
    const rows = (await this.dataSource.query(
      `SELECT c.name, c.version, c.commit_position::text, c.prepare_position::text, c.state, c.failed_position::text, c.error, c.updated_at,
              (SELECT count(*) FROM event_store.events e
                WHERE c.prepare_position IS NULL
                   OR (e.transaction_id, e.global_position) > (c.commit_position::text::xid8, c.prepare_position))::text AS lag
         FROM read_model.projection_checkpoints c WHERE c.live ORDER BY c.name`,
    )) as CheckpointRow[];
    const projections: ProjectionStatus[] = rows.map((r) => ({
      name: r.name,
      version: r.version,
      state: r.state === 'failed' ? 'FAILED' : r.state === 'stopped' ? 'STOPPED' : Number(r.lag) > 0 ? 'CATCHING_UP' : 'RUNNING',
      checkpoint: r.prepare_position,
      lag: Number(r.lag),
      updatedAt: r.updated_at.toISOString(),
      failedAt: r.failed_position,
      error: r.error,
    }));
    return { eventCount: Number(totals!.events), lastPosition: totals!.last, projections };
  }
}
