/**
 * Rows of the catalogue tables as SQL returns them (snake_case): the projector writes them, the API reads them.
 * `Time` is how a timestamp travels: a Date from a TypeORM query, an ISO string in the projector.
 */
export interface BiomarkerRecord<Time = Date | string> {
  biomarker_id: string;
  code: string;
  name: string;
  description: string | null;
  modality: string;
  body_site: string | null;
  value_kind: string;
  unit: string | null;
  plausible_min: number | null;
  plausible_max: number | null;
  categories: string[] | null;
  repeatability_wcv: number | null;
  version: number;
  status: string;
  retired_reason: string | null;
  defined_at: Time;
  position: string;
  last_revision: string;
  updated_at: Time;
}

export interface AlgorithmRecord<Time = Date | string> {
  algorithm_version_id: string;
  manufacturer: string;
  name: string;
  version: string;
  intended_use: string;
  regulatory: { status: string; ceClass: string | null; udiDi: string | null; clearanceNumber: string | null };
  biomarker_ids: string[];
  predecessor_id: string | null;
  /** Declared range of the screening score; null when none was declared. */
  score_range: { min: number; max: number } | null;
  lineage: string[];
  status: string;
  status_reason: string | null;
  registered_at: Time;
  position: string;
  last_revision: string;
  updated_at: Time;
}
