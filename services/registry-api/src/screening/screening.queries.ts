import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { scopeFilter, type VerifiedActor } from '../auth/actor.js';
import { decodeCursor, iso, pageSize, toConnection, Where, type Connection } from '../read-side/connection.queries.js';
import { READS, ReadYourWrites } from '../read-your-writes/read-your-writes.queries.js';

interface ProgrammeRecord {
  programme_id: string;
  name: string;
  cancer_type: string;
  target_population: string;
  age_min: number;
  age_max: number;
  interval_months: number;
  kpi_targets: unknown;
  defined_at: Date;
  position: string;
}

function toProgrammeView(r: ProgrammeRecord) {
  return {
    id: r.programme_id,
    name: r.name,
    cancerType: r.cancer_type,
    targetPopulation: r.target_population,
    ageMin: r.age_min,
    ageMax: r.age_max,
    intervalMonths: r.interval_months,
    kpiTargets: r.kpi_targets,
    definedAt: iso(r.defined_at)!,
  };
}
export type ProgrammeView = ReturnType<typeof toProgrammeView>;

export class GetScreeningProgrammeQuery extends Query<ProgrammeView | null> {
  constructor(
    readonly id: string,
    readonly consistentWith: bigint | null,
  ) {
    super();
  }
}

export class ListScreeningProgrammesQuery extends Query<Connection<ProgrammeView>> {
  constructor(
    readonly actor: VerifiedActor,
    readonly first: number | null,
    readonly after: string | null,
    readonly consistentWith: bigint | null,
  ) {
    super();
  }
}

@QueryHandler(GetScreeningProgrammeQuery)
export class GetScreeningProgrammeHandler implements IQueryHandler<GetScreeningProgrammeQuery, ProgrammeView | null> {
  constructor(private readonly ryw: ReadYourWrites) {}

  async execute(q: GetScreeningProgrammeQuery): Promise<ProgrammeView | null> {
    const db = await this.ryw.waitFor(q.consistentWith, READS.screening);
    const [row] = (await db.query(`SELECT * FROM read_model.screening_programmes WHERE programme_id = $1`, [q.id])) as ProgrammeRecord[];
    return row ? toProgrammeView(row) : null;
  }
}

@QueryHandler(ListScreeningProgrammesQuery)
export class ListScreeningProgrammesHandler implements IQueryHandler<ListScreeningProgrammesQuery, Connection<ProgrammeView>> {
  constructor(private readonly ryw: ReadYourWrites) {}

  async execute(q: ListScreeningProgrammesQuery): Promise<Connection<ProgrammeView>> {
    const db = await this.ryw.waitFor(q.consistentWith, READS.screening);
    const first = pageSize(q.first, 50);
    const w = new Where();
    const programmes = scopeFilter(q.actor, 'programme');
    if (programmes !== 'all') w.add('t.programme_id = ANY ($?::text[])', [...programmes]);
    const countSql = `SELECT count(*)::int AS n FROM read_model.screening_programmes t ${w.sql}`;
    const countParams = [...w.params];
    w.add('t.position > $?::bigint', decodeCursor(q.after));
    const rows = (await db.query(
      `SELECT * FROM read_model.screening_programmes t ${w.sql} ORDER BY t.position LIMIT ${first + 1}`,
      w.params,
    )) as ProgrammeRecord[];
    return toConnection(rows, first, toProgrammeView, async () => ((await db.query(countSql, countParams)) as { n: number }[])[0]!.n);
  }
}
