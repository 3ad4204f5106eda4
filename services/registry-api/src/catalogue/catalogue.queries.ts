import type { AlgorithmRecord, BiomarkerRecord } from '#read-model';
import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { type DataSource } from 'typeorm';
import { decodeCursor, iso, pageSize, toConnection, Where, type Connection } from '../read-side/connection.queries.js';
import { READS, ReadYourWrites } from '../read-your-writes/read-your-writes.queries.js';

export function toAlgorithmView(r: AlgorithmRecord) {
  return {
    id: r.algorithm_version_id,
    manufacturer: r.manufacturer,
    name: r.name,
    version: r.version,
    intendedUse: r.intended_use,
    regulatoryStatus: r.regulatory.status,
    ceClass: r.regulatory.ceClass,
    udiDi: r.regulatory.udiDi,
    clearanceNumber: r.regulatory.clearanceNumber,
    biomarkerIds: r.biomarker_ids,
    predecessorId: r.predecessor_id,
    scoreRange: r.score_range,
    lineageIds: r.lineage,
    status: r.status,
    statusReason: r.status_reason,
    registeredAt: iso(r.registered_at)!,
  };
}
export type AlgorithmView = ReturnType<typeof toAlgorithmView>;

function toBiomarkerView(r: BiomarkerRecord) {
  return {
    id: r.biomarker_id,
    code: r.code,
    name: r.name,
    description: r.description,
    modality: r.modality,
    bodySite: r.body_site,
    valueKind: r.value_kind,
    unit: r.unit,
    plausibleMin: r.plausible_min,
    plausibleMax: r.plausible_max,
    categories: r.categories,
    repeatabilityWcv: r.repeatability_wcv,
    codedConcepts: r.coded_concepts,
    version: r.version,
    status: r.status,
    retiredReason: r.retired_reason,
    definedAt: iso(r.defined_at)!,
  };
}
export type BiomarkerView = ReturnType<typeof toBiomarkerView>;

export class ListBiomarkersQuery extends Query<Connection<BiomarkerView>> {
  constructor(
    readonly first: number | null,
    readonly after: string | null,
    readonly includeRetired: boolean,
    readonly consistentWith: bigint | null,
  ) {
    super();
  }
}

export class ListAlgorithmVersionsQuery extends Query<Connection<AlgorithmView>> {
  constructor(
    readonly filter: { manufacturer?: string | null; name?: string | null; status?: string | null; biomarkerId?: string | null },
    readonly first: number | null,
    readonly after: string | null,
    readonly consistentWith: bigint | null,
  ) {
    super();
  }
}

async function page<R extends { position: string }, T>(
  ds: DataSource,
  table: string,
  w: Where,
  after: string | null,
  first: number,
  map: (r: R) => T,
): Promise<Connection<T>> {
  const countSql = `SELECT count(*)::int AS n FROM ${table} t ${w.sql}`;
  const countParams = [...w.params];
  w.add('t.position > $?::bigint', decodeCursor(after));
  const rows = (await ds.query(`SELECT * FROM ${table} t ${w.sql} ORDER BY t.position LIMIT ${first + 1}`, w.params)) as R[];
  return toConnection(rows, first, map, async () => ((await ds.query(countSql, countParams)) as { n: number }[])[0]!.n);
}

@QueryHandler(ListBiomarkersQuery)
export class ListBiomarkersHandler implements IQueryHandler<ListBiomarkersQuery, Connection<BiomarkerView>> {
  constructor(private readonly ryw: ReadYourWrites) {}

  async execute(q: ListBiomarkersQuery): Promise<Connection<BiomarkerView>> {
    const db = await this.ryw.waitFor(q.consistentWith, READS.catalogue);
    const w = new Where();
    if (!q.includeRetired) w.raw(`t.status <> 'retired'`);
    return page(db, 'read_model.biomarkers', w, q.after, pageSize(q.first, 100), toBiomarkerView);
  }
}

@QueryHandler(ListAlgorithmVersionsQuery)
export class ListAlgorithmVersionsHandler implements IQueryHandler<ListAlgorithmVersionsQuery, Connection<AlgorithmView>> {
  constructor(private readonly ryw: ReadYourWrites) {}

  async execute(q: ListAlgorithmVersionsQuery): Promise<Connection<AlgorithmView>> {
    const db = await this.ryw.waitFor(q.consistentWith, READS.catalogue);
    const w = new Where()
      .add('t.manufacturer = $?', q.filter.manufacturer)
      .add('t.name = $?', q.filter.name)
      .add('t.status = $?', q.filter.status)
      .add('$? = ANY (t.biomarker_ids)', q.filter.biomarkerId);
    return page(db, 'read_model.algorithm_versions', w, q.after, pageSize(q.first, 100), toAlgorithmView);
  }
}
