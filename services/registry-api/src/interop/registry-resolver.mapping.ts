import type { BiomarkerMatch, ResolverAnswer } from '#interop';

// The pure half of the API's RegistryResolver: read-model rows → resolver answers. The SQL (read-model.registry-resolver.ts)
// only fetches; what a row means (kind, unit, range, active or not, ambiguous or unknown) is decided here.

const ok = <T>(value: T): ResolverAnswer<T> => ({ ok: true, value });
const no = (reason: string): ResolverAnswer<never> => ({ ok: false, reason });

/** One refusal text for an unknown subject and for one outside the caller's scope: a refusal never tells which. */
export const SUBJECT_NOT_IN_SCOPE = 'No subject with this pseudonym or id in your scope';

/** read_model.biomarkers columns the resolver reads. */
export interface BiomarkerRow {
  readonly biomarker_id: string;
  readonly version: number;
  readonly status: string;
  readonly value_kind: string;
  readonly unit: string | null;
  readonly plausible_min: number | null;
  readonly plausible_max: number | null;
  readonly categories: readonly string[] | null;
}

/**
 * The catalogue biomarker of a catalogue code (scheme REGISTRY) or of a coded concept (`codedConceptLabel`): its
 * current version, kind, canonical unit, categories and range.
 */
export function biomarkerAnswer(code: string, rows: readonly BiomarkerRow[]): ResolverAnswer<BiomarkerMatch> {
  const live = rows.filter((r) => r.status !== 'retired');
  if (live.length === 0) return no(rows.length > 0 ? `biomarker ${code} is retired` : `no catalogue biomarker has the code ${code}`);
  if (live.length > 1) return no(`the code ${code} names several biomarkers (${live.map((r) => r.biomarker_id).join(', ')})`);
  const r = live[0]!;
  switch (r.value_kind) {
    case 'quantitative':
      return ok({
        biomarkerId: r.biomarker_id,
        biomarkerVersion: r.version,
        valueKind: 'quantitative',
        unit: r.unit,
        categories: [],
        plausibleRange: r.plausible_min === null && r.plausible_max === null ? null : { min: r.plausible_min, max: r.plausible_max },
      });
    case 'categorical':
      return ok({
        biomarkerId: r.biomarker_id,
        biomarkerVersion: r.version,
        valueKind: 'categorical',
        unit: null,
        categories: (r.categories ?? []).map((category) => ({ category, code: null })),
        plausibleRange: null,
      });
    default:
      return no(`biomarker ${code} has an unknown value kind`);
  }
}

/** How a coded concept is named in a refusal ("no catalogue biomarker has the code SCT 118565006"). */
export function codedConceptLabel(scheme: string, value: string): string {
  return `${scheme} ${value}`;
}

/** read_model.algorithm_versions columns the resolver reads. */
export interface AlgorithmRow {
  readonly algorithm_version_id: string;
  readonly status: string;
}

/** A device → one registered algorithm version that is ACTIVE (suspended and withdrawn versions measure nothing new). */
export function algorithmAnswer(described: string, rows: readonly AlgorithmRow[]): ResolverAnswer<{ readonly algorithmVersionId: string }> {
  if (rows.length === 0) return no(`no registered algorithm version ${described}`);
  const active = rows.filter((r) => r.status === 'active');
  if (active.length === 0) return no(`algorithm version ${rows[0]!.algorithm_version_id} is ${rows[0]!.status}, not active`);
  if (active.length > 1)
    return no(`${described} matches several active algorithm versions (${active.map((r) => r.algorithm_version_id).join(', ')}): name it by id`);
  return ok({ algorithmVersionId: active[0]!.algorithm_version_id });
}

/** How a device names its algorithm version in read_model.algorithm_versions terms (manufacturer, name = model or algorithm name, version). */
export function algorithmLookup(device: {
  readonly manufacturer: string | null;
  readonly modelName: string | null;
  readonly algorithmName: string | null;
  readonly softwareVersion: string | null;
  readonly algorithmVersionId: string | null;
}):
  | { readonly kind: 'id'; readonly id: string }
  | { readonly kind: 'described'; readonly manufacturer: string | null; readonly names: readonly string[]; readonly version: string }
  | { readonly kind: 'none'; readonly reason: string } {
  if (device.algorithmVersionId) return { kind: 'id', id: device.algorithmVersionId };
  const names = [device.modelName, device.algorithmName].filter((n): n is string => !!n);
  if (!device.softwareVersion || names.length === 0)
    return { kind: 'none', reason: 'the device names no algorithm version id, or no model / algorithm name with a software version' };
  return { kind: 'described', manufacturer: device.manufacturer, names, version: device.softwareVersion };
}

/** Pseudonym lookups: the subjects in scope carrying it; several (two trials, one pseudonym) cannot be told apart. */
export function pseudonymAnswer(subjectIds: readonly string[]): ResolverAnswer<{ readonly subjectId: string }> {
  if (subjectIds.length === 0) return no(SUBJECT_NOT_IN_SCOPE);
  if (subjectIds.length > 1) return no('The pseudonym names several subjects in your scope: use subject_id');
  return ok({ subjectId: subjectIds[0]! });
}

/** read_model.imaging_studies columns the resolver reads. */
export interface ImagingStudyRow {
  readonly subject_id: string | null;
  readonly site_id: string;
}

/**
 * A Study Instance UID for a subject: registered for it (or for no subject yet: the decider attaches it), else
 * refused; the import never registers studies (no registration policy yet). `siteVisible` is the caller's site scope
 * where it binds (a reader on a screening participant is confined by the site that acquired the study).
 */
export function imagingStudyAnswer(
  uid: string,
  subjectId: string,
  row: ImagingStudyRow | undefined,
  siteVisible: (siteId: string) => boolean,
): ResolverAnswer<{ readonly register: boolean }> {
  const unknown = `imaging study ${uid} is not registered for this subject`;
  if (!row) return no(unknown);
  if (row.subject_id !== null && row.subject_id !== subjectId) return no(unknown);
  if (!siteVisible(row.site_id)) return no(unknown);
  return ok({ register: false });
}

/** A reader records under its own id (recordMeasurement's READER_NOT_CALLER rule); other roles name the reader. */
export function readerAnswer(actor: { readonly id: string; readonly role: string }, readerId: string | null): ResolverAnswer<{ readonly readerId: string }> {
  if (!readerId) return no('the row names no reader');
  if (actor.role === 'reader' && readerId !== actor.id) return no('A reader records measurements under its own id');
  return ok({ readerId });
}

/** Which file column a problem is about: resolution problems name item fields, batch refusals command fields. */
export function columnOf(path: string, fields: Readonly<Record<string, string>> | null): string {
  const f = fields ?? {};
  const leaf = path.replace(/^items\.\d+\.?/, '').replace(/^.*#/, '');
  switch (leaf) {
    case 'subject':
    case 'subjectId':
      return f['subject_id'] !== undefined ? 'subject_id' : 'subject_pseudonym';
    case 'study':
    case 'studyInstanceUid':
      return 'study_instance_uid';
    case 'seriesInstanceUid':
      return 'series_instance_uid';
    case 'concept':
    case 'biomarkerId':
    case 'biomarkerVersion':
      return 'biomarker_code';
    case 'observer':
      return f['reader_id'] !== undefined ? 'reader_id' : 'algorithm_version_id';
    case 'readerId':
      return 'reader_id';
    case 'algorithm':
    case 'algorithmVersionId':
      return 'algorithm_version_id';
    case 'value':
    case 'value.value':
      return f['category'] !== undefined ? 'category' : 'value';
    case 'value.unit':
      return 'unit';
    case 'value.category':
      return 'category';
    case 'timePoint':
      return 'time_point';
    case 'lesion.uid':
    case 'lesion.trackingUid':
      return 'lesion_tracking_uid';
    case 'lesion.label':
      return 'lesion_label';
    case 'lesionRole':
    case 'lesion.role':
      return 'lesion_role';
    case 'lesion.findingSite':
      return 'finding_site';
    case 'measurementId':
      return 'measurement_key';
    default:
      return leaf;
  }
}
