import type { DataSource } from 'typeorm';

type Queryable = Pick<DataSource, 'query'>;

/**
 * The acquisition parameters drift is stratified by, per imaging study. This is the one seam between drift
 * surveillance and the acquisition metadata of the imaging read model: every field is optional, so a study
 * registered without them (or a read model that does not have the column filled yet) lands in the "unknown" stratum.
 */
export interface AcquisitionStrataRow {
  readonly studyInstanceUid: string;
  readonly scannerModel?: string | null;
  readonly reconstructionKernel?: string | null;
  readonly sliceThicknessMm?: number | null;
  readonly contrastPhase?: string | null;
}

/**
 * Reads the strata of the given studies from read_model.imaging_studies (also over a snapshot: `db` may be a
 * snapshotQueryable). The scanner is named with its manufacturer so that two vendors' "Model 1" stay apart; the
 * contrast phase falls back to the registration's `contrast` (none / iv / oral …) until a phase is recorded.
 */
export async function readAcquisitionStrata(db: Queryable, studyInstanceUids: readonly string[]): Promise<Map<string, AcquisitionStrataRow>> {
  if (studyInstanceUids.length === 0) return new Map();
  const rows = (await db.query(
    `SELECT st.study_instance_uid,
            CASE WHEN st.scanner_model IS NULL THEN NULL ELSE concat_ws(' ', st.scanner_manufacturer, st.scanner_model) END AS scanner_model,
            st.reconstruction_kernel, st.slice_thickness_mm, coalesce(st.contrast_phase, st.contrast) AS contrast_phase
       FROM read_model.imaging_studies st
      WHERE st.study_instance_uid = ANY($1::text[])`,
    [[...new Set(studyInstanceUids)]],
  )) as {
    study_instance_uid: string;
    scanner_model: string | null;
    reconstruction_kernel: string | null;
    slice_thickness_mm: number | null;
    contrast_phase: string | null;
  }[];
  return new Map(
    rows.map((r) => [
      r.study_instance_uid,
      {
        studyInstanceUid: r.study_instance_uid,
        scannerModel: r.scanner_model,
        reconstructionKernel: r.reconstruction_kernel,
        sliceThicknessMm: r.slice_thickness_mm === null ? null : Number(r.slice_thickness_mm),
        contrastPhase: r.contrast_phase,
      },
    ]),
  );
}
