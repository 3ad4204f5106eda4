import type { ExportAlgorithmVersion, ExportBiomarker, ExportDataset, ExportMeasurement } from './export-dataset.model.js';

/** Look-ups every builder needs over the small, whole parts of a dataset (the trial and the catalogue). */
export interface ExportContext {
  /** The trial or programme id (SDTM STUDYID, the CSVs' study_id). */
  readonly studyId: string;
  readonly biomarker: (biomarkerId: string) => ExportBiomarker | undefined;
  readonly algorithm: (algorithmVersionId: string | null) => ExportAlgorithmVersion | undefined;
  /** 1-based position of a time point in the trial's visit schedule (SDTM VISITNUM), or null when not scheduled. */
  readonly visitNumber: (timePoint: string | null) => number | null;
  /** Schedule order of time points, then their code, for sorting a subject's rows by visit. */
  readonly compareTimePoints: (a: string, b: string) => number;
}

export function exportContext(dataset: ExportDataset): ExportContext {
  const biomarkers = new Map(dataset.biomarkers.map((b) => [b.biomarkerId, b]));
  const algorithms = new Map(dataset.algorithmVersions.map((a) => [a.algorithmVersionId, a]));
  const visits = new Map((dataset.scope.kind === 'trial' ? dataset.scope.trial.visits : []).map((v, i) => [v.code, i + 1]));
  const order = (t: string) => visits.get(t) ?? Number.MAX_SAFE_INTEGER;
  return {
    studyId: dataset.scope.kind === 'trial' ? dataset.scope.trial.trialId : dataset.scope.programme.programmeId,
    biomarker: (id) => biomarkers.get(id),
    algorithm: (id) => (id === null ? undefined : algorithms.get(id)),
    visitNumber: (t) => (t === null ? null : (visits.get(t) ?? null)),
    compareTimePoints: (a, b) => order(a) - order(b) || (a < b ? -1 : a > b ? 1 : 0),
  };
}

/** Who measured, as one stable text: `reader:<id>`, `algorithm:<version id>`, or both for a semi-automatic reading. */
export function observerOf(m: Pick<ExportMeasurement, 'readerId' | 'algorithmVersionId'>): string {
  return [m.readerId === null ? null : `reader:${m.readerId}`, m.algorithmVersionId === null ? null : `algorithm:${m.algorithmVersionId}`]
    .filter((x) => x !== null)
    .join(' ');
}
