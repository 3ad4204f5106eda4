import type { MeasurementLesionRole } from '#domain';
import type { CodedConcept, MeasurementReportItem, Observer, SubjectReference } from '../model/measurement-report.model.js';

/**
 * What libs/interop asks the registry while turning a report into commands. The API implements it over its read
 * models (catalogue, algorithm registry, imaging studies, subjects) and may cache per request; libs/interop never
 * touches a database. Every method answers; none throws for "not found": a refusal carries its reason, so one pass
 * lists every problem of a document.
 */
export type ResolverAnswer<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly reason: string };
export type Awaitable<T> = T | Promise<T>;

export interface BiomarkerMatch {
  readonly biomarkerId: string;
  readonly biomarkerVersion: number;
  readonly valueKind: 'quantitative' | 'categorical';
  /** Canonical UCUM unit of a quantitative biomarker: the reported unit must convert into it. */
  readonly unit: string | null;
  /** Allowed categories of a categorical biomarker; `code` lets a coded value (CODE item, valueCodeableConcept) match. */
  readonly categories: readonly { readonly category: string; readonly code: CodedConcept | null }[];
  /** Plausible range in the canonical unit; a value outside it refuses the document (IMPLAUSIBLE_VALUE). */
  readonly plausibleRange: { readonly min: number | null; readonly max: number | null } | null;
}

export interface RegistryResolver {
  /**
   * The catalogue biomarker that carries this coded concept (scheme + value). The whole item is passed because one
   * concept (e.g. SCT 103339001 "Long axis") can mean different biomarkers by finding site or derivation.
   */
  resolveBiomarker(concept: CodedConcept, item: MeasurementReportItem): Awaitable<ResolverAnswer<BiomarkerMatch>>;
  /** A device (manufacturer, model name, software version, device UID, algorithm name) → a registered, ACTIVE algorithm version. */
  resolveAlgorithmVersion(device: Extract<Observer, { kind: 'device' }>): Awaitable<ResolverAnswer<{ readonly algorithmVersionId: string }>>;
  /** A person observer → a registry reader id. */
  resolveReader(person: Extract<Observer, { kind: 'person' }>): Awaitable<ResolverAnswer<{ readonly readerId: string }>>;
  /** A pseudonym or subject id → a subject in the caller's scope. */
  resolveSubject(subject: SubjectReference): Awaitable<ResolverAnswer<{ readonly subjectId: string }>>;
  /**
   * A Study Instance UID → the registered imaging study of that subject; `register: true` when it is unknown and the
   * coordinator's policy lets the import register it (the API then registers it before recording).
   */
  resolveImagingStudy(studyInstanceUid: string, subjectId: string): Awaitable<ResolverAnswer<{ readonly register: boolean }>>;
}

export interface ResolveOptions {
  /**
   * The RecordMeasurement lesion role when the source does not say (TID 1500 has no target/non-target notion):
   * 'target' unless the API's import policy says otherwise.
   */
  readonly defaultLesionRole?: MeasurementLesionRole;
  /** Unit conversion hook (defaults to the domain's UCUM conversion, the one the decider applies). */
  readonly convertUnit?: (
    value: number,
    from: string,
    to: string,
  ) => { readonly ok: true; readonly value: number } | { readonly ok: false; readonly message: string };
}
