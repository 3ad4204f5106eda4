import DataLoader from 'dataloader';
import type { DataSource } from 'typeorm';
import { iso } from '../read-side/connection.queries.js';
import type { AlgorithmRecord } from '#read-model';
import { toAlgorithmView, type AlgorithmView } from './catalogue.queries.js';

export interface BiomarkerVersionView {
  version: number;
  name: string;
  unit: string | null;
  reason: string | null;
  recordedAt: string;
}

/** Biomarker definition versions and algorithm versions by id (for lineage), one statement per batch; per request. */
export class CatalogueLoaders {
  readonly biomarkerVersions: DataLoader<string, BiomarkerVersionView[]>;
  readonly algorithms: DataLoader<string, AlgorithmView | null>;

  constructor(ds: DataSource) {
    this.biomarkerVersions = new DataLoader(async (ids) => {
      const rows = (await ds.query(`SELECT * FROM read_model.biomarker_versions WHERE biomarker_id = ANY ($1::text[]) ORDER BY version`, [[...ids]])) as {
        biomarker_id: string;
        version: number;
        spec: { name: string; valueType: { kind: string; unit?: string } };
        reason: string | null;
        recorded_at: Date;
      }[];
      return ids.map((id) =>
        rows
          .filter((r) => r.biomarker_id === id)
          .map((r) => ({ version: r.version, name: r.spec.name, unit: r.spec.valueType.unit ?? null, reason: r.reason, recordedAt: iso(r.recorded_at)! })),
      );
    });
    this.algorithms = new DataLoader(async (ids) => {
      const rows = (await ds.query(`SELECT * FROM read_model.algorithm_versions WHERE algorithm_version_id = ANY ($1::text[])`, [
        [...ids],
      ])) as AlgorithmRecord[];
      const byId = new Map(rows.map((r) => [r.algorithm_version_id, toAlgorithmView(r)]));
      return ids.map((id) => byId.get(id) ?? null);
    });
  }
}
