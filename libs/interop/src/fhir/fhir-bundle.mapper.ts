import type {
  Bundle,
  BundleEntry,
  CodeableConcept,
  Device,
  Identifier,
  ImagingStudy,
  Observation,
  OperationOutcome,
  OperationOutcomeIssue,
  Patient,
  Practitioner,
  Reference,
  Resource,
} from '@medplum/fhirtypes';
import { isValidDicomUid } from '#domain';
import type {
  CodedConcept,
  ImagingStudyReference,
  LesionTracking,
  MappedReport,
  MeasuredValue,
  MeasurementReportItem,
  Observer,
  SubjectReference,
} from '../model/measurement-report.model.js';
import { InteropProblems, ProblemList, type InteropProblem, type InteropProblemCode } from '../model/interop.problems.js';
import { SrCodes } from '../dicom-sr/sr.codes.js';
import { conceptOf as conceptOfSystem, DICOM_UID_SYSTEM, hasCoding, uidOf, UCUM_SYSTEM } from './fhir-codes.js';
import type { FhirValidator } from './fhir-validator.js';

/**
 * FHIR R4 Bundle (transaction or collection) of imaging measurement Observations → the neutral report, following
 * the shapes of the HL7 "DICOM SR to FHIR" guide:
 *  - a measurement group Observation has `hasMember` → measurement Observations; what it says (tracking identifier
 *    and UID in `identifier`, finding in `component`, `bodySite`, `focus`, time point) holds for its members;
 *  - a measurement Observation: `code`, `valueQuantity` (UCUM system + code), `valueCodeableConcept` or `valueString`,
 *    `bodySite`, `method`, `derivedFrom` → ImagingStudy (Study Instance UID), `device` → Device (manufacturer, model,
 *    version, DICOM UID), `performer` → Practitioner (reader), `subject` → pseudonym identifier, `effectiveDateTime`;
 *  - DICOM concepts without an R4 element ride in `component` with their DICOM code: Subject Time Point Identifier
 *    (126070, valueString), Finding (121071) and Derivation (121401) (valueCodeableConcept).
 * The Bundle is one unit: every entry's problems are listed (see `operationOutcomesFor`) and nothing is accepted
 * unless all entries map.
 */
/** Observation.status values of a result the registry records (R4 observation-status: final and its corrections). */
export const RECORDABLE_STATUSES = ['final', 'amended', 'corrected'] as const;

export interface FhirBundleOptions {
  /** Extra code system URI → DICOM Coding Scheme Designator mappings (private or local code systems of the catalogue). */
  readonly systems?: Readonly<Record<string, string>>;
}

export function mapFhirBundle(input: unknown, validate: FhirValidator, options: FhirBundleOptions = {}): MappedReport {
  const problems = new ProblemList();
  const conceptOf = (cc: CodeableConcept | undefined) => conceptOfSystem(cc, options.systems);
  const bundle = input as Bundle;
  const documentKey = bundleKey(bundle);
  const empty = { documentKey, format: 'fhir' as const, procedureReported: [], items: [] };
  if (typeof input !== 'object' || input === null || bundle.resourceType !== 'Bundle') {
    problems.add({ code: InteropProblems.FHIR_INVALID_RESOURCE, path: 'Bundle', message: 'The body is not a FHIR Bundle' });
    return { report: empty, problems: problems.problems };
  }
  if (bundle.type !== 'transaction' && bundle.type !== 'collection') {
    problems.add({
      code: InteropProblems.FHIR_INVALID_RESOURCE,
      path: 'Bundle.type',
      message: `Bundle.type must be transaction or collection, not ${String(bundle.type)}`,
    });
  }
  if (bundle.entry !== undefined && !Array.isArray(bundle.entry))
    problems.add({ code: InteropProblems.FHIR_INVALID_RESOURCE, path: 'Bundle.entry', message: 'Bundle.entry must be an array of entries' });
  const given: readonly unknown[] = Array.isArray(bundle.entry) ? bundle.entry : [];
  // Entries that are not even objects are listed and left out; the rest keep their index (every path names it).
  // Empty objects are dropped first: the validator reads `"identifier": {}` as an absent element, and so does the mapper.
  const entries: BundleEntry[] = given.map((e) =>
    isObject(e)
      ? ({ ...e, ...(isObject((e as BundleEntry).resource) ? { resource: withoutEmptyObjects((e as BundleEntry).resource) } : {}) } as BundleEntry)
      : {},
  );

  // Structure first: every entry validated on its own, so each gets its own OperationOutcome. An entry that is not an
  // object, or whose resource is not one, is refused and read no further.
  given.forEach((raw, i) => {
    const at = `Bundle.entry[${i}]`;
    const refuse = (path: string, message: string, code: InteropProblemCode = InteropProblems.FHIR_INVALID_RESOURCE) =>
      problems.add({ code, path, entry: i, message });
    if (!isObject(raw)) return refuse(at, 'A Bundle entry must be an object');
    const entry = raw as BundleEntry;
    if (entry.fullUrl !== undefined && typeof entry.fullUrl !== 'string') refuse(`${at}.fullUrl`, 'Bundle.entry.fullUrl must be a string (uri)');
    const resource = entries[i]!.resource as unknown;
    if (resource === undefined || resource === null) return refuse(`${at}.resource`, 'Entry without a resource', InteropProblems.MISSING_ELEMENT);
    if (!isObject(resource) || typeof (resource as { resourceType?: unknown }).resourceType !== 'string')
      return refuse(`${at}.resource`, 'Bundle.entry.resource must be a FHIR resource (an object with a resourceType)');
    const r = resource as Resource;
    for (const issue of validate(r)) {
      if (issue.severity !== 'error' && issue.severity !== 'fatal') continue;
      const expression = issue.expression?.[0];
      refuse(
        typeof expression === 'string' ? expression.replace(/^[A-Za-z]+/, `${at}.resource`) : `${at}.resource`,
        issue.details?.text ?? issue.diagnostics ?? 'invalid',
      );
    }
    // A DiagnosticReport (a RECIST assessment of an exported Bundle) is derived: the registry recomputes it, so it is skipped.
    if (!['Observation', 'Device', 'ImagingStudy', 'Patient', 'Practitioner', 'DiagnosticReport'].includes(r.resourceType)) {
      refuse(
        `${at}.resource`,
        `${r.resourceType} is not part of an imaging measurement bundle (Observation, Device, ImagingStudy, Patient, Practitioner)`,
        InteropProblems.FHIR_UNSUPPORTED_RESOURCE,
      );
    }
  });
  const index = indexEntries(entries);
  // The mapping below reads the resources as R4 shapes; an entry the validator refused may not be one (a string where
  // an array belongs). Its problems are listed already; should reading it still fail, the entry is refused, not the request.
  const guarded = (i: number, read: () => void) => {
    try {
      read();
    } catch {
      problems.add({
        code: InteropProblems.FHIR_INVALID_RESOURCE,
        path: `Bundle.entry[${i}].resource`,
        entry: i,
        message: 'The entry (or a resource it references) is not shaped as an R4 resource and could not be read',
      });
    }
  };

  // Groups: which measurement Observations belong to which group Observation.
  const groupOf = new Map<number, number>();
  entries.forEach((entry, i) => {
    const obs = entry.resource;
    if (obs?.resourceType !== 'Observation' || !obs.hasMember) return;
    guarded(i, () =>
      obs.hasMember!.forEach((member, m) => {
        const target = index.resolve(member);
        if (target === undefined) {
          problems.add({
            code: InteropProblems.FHIR_UNRESOLVED_REFERENCE,
            path: `Bundle.entry[${i}].resource.hasMember[${m}]`,
            entry: i,
            message: `hasMember ${member.reference ?? ''} is not in the Bundle`,
          });
        } else groupOf.set(target, i);
      }),
    );
  });

  const items: MeasurementReportItem[] = [];
  entries.forEach((entry, i) => {
    const obs = entry.resource;
    if (obs?.resourceType !== 'Observation' || obs.hasMember) return;
    guarded(i, () => mapMeasurement(obs, entry, i));
  });
  function mapMeasurement(obs: Observation, entry: BundleEntry, i: number): void {
    const at = (path: string) => `Bundle.entry[${i}].resource${path ? `.${path}` : ''}`;
    const add = (code: InteropProblemCode, path: string, message: string, concept?: CodedConcept) =>
      problems.add({ code, path: at(path), entry: i, message, ...(concept ? { concept } : {}) });
    const groupIndex = groupOf.get(i);
    const group = groupIndex === undefined ? undefined : (entries[groupIndex]!.resource as Observation);

    // The validator does not check code bindings: a status outside the value set, or one that is not a result
    // (registered, preliminary, cancelled, entered-in-error, unknown), refuses the Bundle. The item is still mapped,
    // so that its other problems are listed too.
    const statusOk = (RECORDABLE_STATUSES as readonly unknown[]).includes(obs.status);
    if (!statusOk && obs.status !== undefined)
      // (a missing status is the validator's problem: status is 1..1)
      add(
        InteropProblems.INVALID_VALUE,
        'status',
        `Observation.status must be ${RECORDABLE_STATUSES.join(', ')} for a measurement to be recorded, not ${JSON.stringify(obs.status ?? null)}`,
      );
    const concept = conceptOf(obs.code);
    if (!concept) add(InteropProblems.MISSING_ELEMENT, 'code', 'Observation.code has no coding with a system and a code');
    const value = readValue(obs, add, conceptOf);
    const subject = readSubject(obs.subject ?? group?.subject, index, entries, add);
    const study = readStudy(obs.derivedFrom ?? group?.derivedFrom, index, entries, add);
    const observer = readObserver(obs.device ?? group?.device, obs.performer ?? group?.performer, index, entries, add);
    const lesion =
      readTracking(obs.identifier, add) ??
      (group
        ? readTracking(group.identifier, (c, p, m) =>
            problems.add({ code: c, path: `Bundle.entry[${groupIndex}].resource.${p}`, entry: groupIndex!, message: m }),
          )
        : null);
    const component = (code: CodedConcept, of: Observation | undefined) => of?.component?.find((c) => hasCoding(c.code, code.scheme, code.value));
    const timePoint = (component(SrCodes.subjectTimePointIdentifier, obs) ?? component(SrCodes.subjectTimePointIdentifier, group))?.valueString ?? null;
    const finding = conceptOf((component(SrCodes.finding, obs) ?? component(SrCodes.finding, group))?.valueCodeableConcept);
    const derivation = conceptOf(component(SrCodes.derivation, obs)?.valueCodeableConcept);
    let occurredAt: string | null = null;
    const effective = obs.effectiveDateTime ?? group?.effectiveDateTime;
    if (effective) {
      const t = Date.parse(effective);
      if (Number.isNaN(t) || !/T\d{2}:\d{2}/.test(effective))
        add(InteropProblems.INVALID_DATE_TIME, 'effectiveDateTime', `"${effective}" is not a FHIR dateTime with a time`);
      else occurredAt = new Date(t).toISOString();
    }
    const key = observationKey(obs, entry, documentKey);
    if (!key)
      add(
        InteropProblems.MISSING_ELEMENT,
        'identifier',
        'The Observation has no identifier and the Bundle none either: sending it twice would record it twice',
      );
    if (!concept || !value || !subject || !study || !observer || !key) return;
    items.push({
      idempotencyKey: key,
      source: { kind: 'fhir', entry: i, path: at('') },
      subject,
      study,
      observer,
      concept,
      value,
      lesion,
      finding,
      findingSite: conceptOf(obs.bodySite ?? group?.bodySite),
      timePoint,
      derivation,
      method: conceptOf(obs.method ?? group?.method),
      group: group ? { template: null, key: observationKey(group, entries[groupIndex!]!, documentKey) } : null,
      occurredAt,
      lesionRole: null,
      algorithm: null,
    });
  }
  if (entries.length === 0) problems.add({ code: InteropProblems.MISSING_ELEMENT, path: 'Bundle.entry', message: 'The Bundle has no entries' });
  return { report: { ...empty, items }, problems: problems.problems };
}

/**
 * One OperationOutcome per Bundle entry (index-aligned), from the mapping and resolution problems: errors where the
 * entry has problems, one informational issue where it has none. Problems without an entry go to every outcome.
 */
export function operationOutcomesFor(entryCount: number, problems: readonly InteropProblem[]): OperationOutcome[] {
  const general = problems.filter((p) => p.entry === undefined);
  return Array.from({ length: entryCount }, (_, i): OperationOutcome => {
    const own = [...problems.filter((p) => p.entry === i), ...general];
    const issue: OperationOutcomeIssue[] = own.length
      ? own.map((p) => ({
          severity: 'error',
          code: fhirIssueType(p.code),
          details: { coding: [{ code: p.code }], text: p.message },
          expression: [p.path],
        }))
      : [
          {
            severity: 'information',
            code: 'informational',
            details: { text: problems.length ? 'This entry maps, but the Bundle was refused as a whole' : 'Accepted' },
          },
        ];
    return { resourceType: 'OperationOutcome', issue };
  });
}

/** The OperationOutcome issue type (FHIR value set issue-type) of a problem code. */
export function fhirIssueType(code: InteropProblemCode): OperationOutcomeIssue['code'] {
  switch (code) {
    case InteropProblems.FHIR_INVALID_RESOURCE:
    case InteropProblems.MISSING_ELEMENT:
      return 'structure';
    case InteropProblems.FHIR_UNRESOLVED_REFERENCE:
    case InteropProblems.UNKNOWN_SUBJECT:
    case InteropProblems.UNKNOWN_IMAGING_STUDY:
    case InteropProblems.UNKNOWN_ALGORITHM:
    case InteropProblems.UNKNOWN_READER:
      return 'not-found';
    case InteropProblems.UNMAPPED_CONCEPT:
    case InteropProblems.UNKNOWN_CATEGORY:
      return 'code-invalid';
    case InteropProblems.FHIR_UNSUPPORTED_RESOURCE:
      return 'not-supported';
    case InteropProblems.DUPLICATE_IDEMPOTENCY_KEY:
      return 'duplicate';
    case InteropProblems.IMPLAUSIBLE_VALUE:
      return 'business-rule';
    case InteropProblems.AMBIGUOUS_STUDY:
    case InteropProblems.INVALID_CSV:
    case InteropProblems.INVALID_DATE_TIME:
    case InteropProblems.INVALID_DICOM_UID:
    case InteropProblems.INVALID_JSON:
    case InteropProblems.INVALID_UCUM_UNIT:
    case InteropProblems.INVALID_VALUE:
    case InteropProblems.NOT_AN_SR:
    case InteropProblems.NOT_DICOM:
    case InteropProblems.NOT_TID_1500:
    case InteropProblems.UNIT_NOT_CONVERTIBLE:
    case InteropProblems.UNKNOWN_COLUMN:
    case InteropProblems.VALUE_KIND_MISMATCH:
      return 'invalid';
  }
}

// ---- references inside the Bundle ----------------------------------------------------------------------------------

interface EntryIndex {
  resolve(reference: Reference | undefined): number | undefined;
}

/** Every entry by fullUrl and by `<type>/<id>`, whatever its shape (invalid entries too: a reference to one is known). */
function indexEntries(entries: readonly BundleEntry[]): EntryIndex {
  const byKey = new Map<string, number>();
  entries.forEach((e, i) => {
    const fullUrl = typeof e.fullUrl === 'string' ? e.fullUrl : undefined;
    if (fullUrl) byKey.set(fullUrl, i);
    const r = isObject(e.resource) ? (e.resource as { resourceType?: unknown; id?: unknown }) : undefined;
    if (typeof r?.id === 'string' && typeof r.resourceType === 'string') {
      byKey.set(`${r.resourceType}/${r.id}`, i);
      if (fullUrl?.endsWith(`/${r.resourceType}/${r.id}`)) byKey.set(fullUrl, i);
    }
  });
  return { resolve: (ref) => (isObject(ref) && typeof ref!.reference === 'string' ? byKey.get(ref!.reference) : undefined) };
}

/** A copy without properties whose value is an empty object (after the same pruning inside it); arrays keep their positions. */
function withoutEmptyObjects<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v) => withoutEmptyObjects(v as unknown)) as T;
  if (!isObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    const pruned = withoutEmptyObjects(v);
    if (isObject(pruned) && Object.keys(pruned).length === 0) continue;
    out[k] = pruned;
  }
  return out as T;
}

function isObject(value: unknown): value is object {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

type Add = (code: InteropProblemCode, path: string, message: string, concept?: CodedConcept) => void;

function resourceAt<T extends Resource['resourceType']>(
  entries: readonly BundleEntry[],
  i: number | undefined,
  type: T,
): Extract<Resource, { resourceType: T }> | undefined {
  const r = i === undefined ? undefined : entries[i]?.resource;
  return r?.resourceType === type ? (r as Extract<Resource, { resourceType: T }>) : undefined;
}

function identifierValue(identifiers: readonly Identifier[] | undefined, system?: string): string | null {
  return (identifiers ?? []).find((id) => id.value && (!system || id.system === system))?.value ?? null;
}

function readSubject(ref: Reference | undefined, index: EntryIndex, entries: readonly BundleEntry[], add: Add): SubjectReference | null {
  if (!ref) {
    add(InteropProblems.MISSING_ELEMENT, 'subject', 'Observation.subject is required (the subject by pseudonym identifier)');
    return null;
  }
  if (ref.identifier?.value) return { kind: 'pseudonym', pseudonym: ref.identifier.value };
  const patient = resourceAt(entries, index.resolve(ref), 'Patient') as Patient | undefined;
  const pseudonym = identifierValue(patient?.identifier);
  if (pseudonym) return { kind: 'pseudonym', pseudonym };
  // A literal reference outside the Bundle names a registry subject by id.
  const m = /^Patient\/([A-Za-z0-9\-.]{1,64})$/.exec(ref.reference ?? '');
  if (m && !patient) return { kind: 'id', subjectId: m[1]! };
  add(
    InteropProblems.FHIR_UNRESOLVED_REFERENCE,
    'subject',
    'Observation.subject names no pseudonym identifier, no Patient in the Bundle with one, and no Patient/<id>',
  );
  return null;
}

function readStudy(refs: readonly Reference[] | undefined, index: EntryIndex, entries: readonly BundleEntry[], add: Add): ImagingStudyReference | null {
  const studies: { uid: string; series: string | null }[] = [];
  let refused = false;
  (refs ?? []).forEach((ref, r) => {
    const target = index.resolve(ref);
    const study = resourceAt(entries, target, 'ImagingStudy') as ImagingStudy | undefined;
    if (ref.reference && target === undefined && !ref.identifier) {
      add(InteropProblems.FHIR_UNRESOLVED_REFERENCE, `derivedFrom[${r}]`, `derivedFrom ${ref.reference} is not in the Bundle`);
      refused = true;
      return;
    }
    if (target !== undefined && !study) return; // derivedFrom another Observation, an ImagingSelection…: not the study.
    const uid = uidOf(
      study
        ? (identifierValue(study.identifier, DICOM_UID_SYSTEM) ?? undefined)
        : ref.type === 'ImagingStudy' && ref.identifier?.system === DICOM_UID_SYSTEM
          ? ref.identifier.value
          : undefined,
    );
    if (!study && !uid) return;
    if (!uid || !isValidDicomUid(uid)) {
      add(
        InteropProblems.INVALID_DICOM_UID,
        `derivedFrom[${r}]`,
        `The ImagingStudy has no valid Study Instance UID (identifier system ${DICOM_UID_SYSTEM}, value urn:oid:…): "${uid ?? ''}"`,
      );
      refused = true;
      return;
    }
    const series = study?.series?.length === 1 ? study.series[0]!.uid : null;
    if (series && !isValidDicomUid(series)) {
      add(InteropProblems.INVALID_DICOM_UID, `derivedFrom[${r}]`, `ImagingStudy.series.uid "${series}" is not a DICOM UID`);
      refused = true;
      return;
    }
    studies.push({ uid, series });
  });
  if (studies.length === 0) {
    if (refused) return null;
    add(
      InteropProblems.MISSING_ELEMENT,
      'derivedFrom',
      'Observation.derivedFrom must reference the ImagingStudy (by Study Instance UID) the measurement was made on',
    );
    return null;
  }
  if (new Set(studies.map((s) => s.uid)).size > 1) {
    add(InteropProblems.AMBIGUOUS_STUDY, 'derivedFrom', `derivedFrom references ${studies.length} imaging studies`);
    return null;
  }
  return { studyInstanceUid: studies[0]!.uid, seriesInstanceUid: studies[0]!.series, sopInstanceUids: [] };
}

function readObserver(
  deviceRef: Reference | undefined,
  performers: readonly Reference[] | undefined,
  index: EntryIndex,
  entries: readonly BundleEntry[],
  add: Add,
): Observer | null {
  if (deviceRef) {
    const device = resourceAt(entries, index.resolve(deviceRef), 'Device') as Device | undefined;
    if (!device && !deviceRef.identifier) {
      add(InteropProblems.FHIR_UNRESOLVED_REFERENCE, 'device', `device ${deviceRef.reference ?? ''} is not a Device in the Bundle`);
      return null;
    }
    const name = (type: string) => device?.deviceName?.find((n) => n.type === type)?.name ?? null;
    return {
      kind: 'device',
      uid: uidOf(
        identifierValue(device?.identifier, DICOM_UID_SYSTEM) ?? (deviceRef.identifier?.system === DICOM_UID_SYSTEM ? deviceRef.identifier.value : undefined),
      ),
      name: name('user-friendly-name') ?? name('manufacturer-name') ?? deviceRef.display ?? null,
      manufacturer: device?.manufacturer ?? null,
      modelName: name('model-name') ?? device?.modelNumber ?? null,
      softwareVersion: device?.version?.[0]?.value ?? null,
      algorithmName: null,
      algorithmVersionId: null,
    };
  }
  const performer = performers?.[0];
  if (performer) {
    const practitioner = resourceAt(entries, index.resolve(performer), 'Practitioner') as Practitioner | undefined;
    const official = practitioner?.name?.[0];
    const name = official ? [official.family, ...(official.given ?? [])].filter(Boolean).join('^') : (performer.display ?? null);
    return { kind: 'person', name: name || null, id: identifierValue(practitioner?.identifier) ?? performer.identifier?.value ?? null, organization: null };
  }
  add(InteropProblems.MISSING_ELEMENT, 'device', 'Neither device (the algorithm) nor performer (the reader) says who measured');
  return null;
}

function readTracking(identifiers: readonly Identifier[] | undefined, add: Add): LesionTracking | null {
  let label: string | null = null;
  let uid: string | null = null;
  (identifiers ?? []).forEach((id, i) => {
    if (hasCoding(id.type, 'DCM', SrCodes.trackingIdentifier.value)) label = id.value ?? null;
    else if (hasCoding(id.type, 'DCM', SrCodes.trackingUniqueIdentifier.value)) {
      const v = uidOf(id.value);
      if (!v || !isValidDicomUid(v))
        add(InteropProblems.INVALID_DICOM_UID, `identifier[${i}]`, `Tracking Unique Identifier "${id.value ?? ''}" is not a DICOM UID`);
      else uid = v;
    }
  });
  return label || uid ? { label, uid } : null;
}

function readValue(obs: Observation, add: Add, conceptOf: (cc: CodeableConcept | undefined) => CodedConcept | null): MeasuredValue | null {
  if (obs.valueQuantity) {
    const q = obs.valueQuantity;
    if (typeof q.value !== 'number' || !Number.isFinite(q.value)) {
      add(InteropProblems.INVALID_VALUE, 'valueQuantity.value', 'valueQuantity.value must be a finite number');
      return null;
    }
    if (q.system !== UCUM_SYSTEM || !q.code) {
      add(
        InteropProblems.INVALID_UCUM_UNIT,
        'valueQuantity',
        `valueQuantity needs system ${UCUM_SYSTEM} and a UCUM code (got ${q.system ?? 'no system'} ${q.code ?? q.unit ?? ''})`,
      );
      return null;
    }
    return { kind: 'quantity', value: q.value, unit: q.code, unitMeaning: q.unit ?? null };
  }
  if (obs.valueCodeableConcept) {
    const code = conceptOf(obs.valueCodeableConcept);
    if (!code) {
      add(InteropProblems.MISSING_ELEMENT, 'valueCodeableConcept', 'valueCodeableConcept has no coding with a system and a code');
      return null;
    }
    return { kind: 'coded', code };
  }
  if (typeof obs.valueString === 'string' && obs.valueString.trim()) return { kind: 'text', text: obs.valueString.trim() };
  add(InteropProblems.MISSING_ELEMENT, 'value[x]', 'The measurement Observation has no valueQuantity, valueCodeableConcept or valueString');
  return null;
}

function bundleKey(bundle: Bundle | undefined): string {
  const id = bundle?.identifier;
  if (id?.value) return `${id.system ?? ''}|${id.value}`;
  return bundle?.id ? `Bundle/${bundle.id}` : '';
}

/** Observation identity: its DICOM Observation UID, else its first identifier, else the Bundle's key + fullUrl. */
function observationKey(obs: Observation, entry: BundleEntry, documentKey: string): string | null {
  const tracking = (id: Identifier) =>
    hasCoding(id.type, 'DCM', SrCodes.trackingIdentifier.value) || hasCoding(id.type, 'DCM', SrCodes.trackingUniqueIdentifier.value);
  const ids = (obs.identifier ?? []).filter((id) => id.value && !tracking(id));
  const uid = ids.find((id) => id.system === DICOM_UID_SYSTEM);
  if (uid) return `urn:dicom:uid|${uidOf(uid.value)}`;
  if (ids[0]) return `${ids[0].system ?? ''}|${ids[0].value}`;
  if (documentKey && entry.fullUrl) return `${documentKey}/${entry.fullUrl}`;
  return null;
}
