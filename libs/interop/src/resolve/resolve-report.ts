import { v5 as uuidV5 } from 'uuid';
import { convertUnit, isValidUcumUnit, LESION_ROLES, type MeasurementLesionRole, type RecordMeasurement } from '#domain';
import type { MeasurementReport, MeasurementReportItem } from '../model/measurement-report.model.js';
import { formatConcept, type InteropProblem, InteropProblems, ProblemList } from '../model/interop.problems.js';
import type { BiomarkerMatch, RegistryResolver, ResolveOptions, ResolverAnswer } from './registry-resolver.js';

/** Fixed namespace for measurement ids derived from idempotency keys (never change it: ids would change with it). */
export const MEASUREMENT_ID_NAMESPACE = '6f1d3c0e-8a52-4f55-9d0b-2b8f4c1e7a90';

/** The measurement id of an item: a UUID v5 of its idempotency key, so the same report twice targets the same ids. */
export function measurementIdFor(idempotencyKey: string): string {
  return uuidV5(idempotencyKey, MEASUREMENT_ID_NAMESPACE);
}

export interface ResolvedMeasurement {
  readonly idempotencyKey: string;
  readonly command: RecordMeasurement;
  /** The source's time of observation, when it has one (the event's occurredAt is the study's acquisition time). */
  readonly observedAt: string | null;
}

export type ResolvedReport =
  | {
      readonly ok: true;
      readonly documentKey: string;
      readonly measurements: readonly ResolvedMeasurement[];
      /** Imaging studies the API must register first (policy allowed it): subject id + Study Instance UID. */
      readonly studiesToRegister: readonly { readonly subjectId: string; readonly studyInstanceUid: string }[];
    }
  | { readonly ok: false; readonly documentKey: string; readonly problems: readonly InteropProblem[] };

/**
 * The extraction software as the source names it: TID 4019 Algorithm Identification on the measurement (111001 name,
 * 111003 version), else the device observer's model name and version (TID 1004 with the SR's Software Versions
 * 0018,1020; FHIR Device.deviceName + version). Stated only when both name and version are known. Neither an SR
 * nor a FHIR Observation carries an IBSI compliance flag or the harmonisation applied, and the segmentation's method
 * is not stated apart from the measurement's own: those stay unstated.
 */
export function extractionOf(item: MeasurementReportItem): Pick<RecordMeasurement, 'extraction'> {
  const o = item.observer;
  const name = item.algorithm?.name || (o.kind === 'device' ? (o.algorithmName ?? o.modelName ?? o.name) : null);
  const version = item.algorithm?.version ?? (o.kind === 'device' ? o.softwareVersion : null);
  return name && version ? { extraction: { software: { name, version } } } : {};
}

/**
 * All-or-nothing: resolves every item of the report and returns either one RecordMeasurement per item or every
 * problem found (mapping problems passed in first, then resolution problems: unmapped concept, unknown or inactive
 * algorithm, unknown reader/subject/study, unit that does not convert, value of the wrong kind or out of range).
 * Answers of the resolver are memoised for the report, so one subject or device is asked about once.
 */
export async function resolveMeasurementReport(
  report: MeasurementReport,
  resolver: RegistryResolver,
  options: ResolveOptions & { readonly mappingProblems?: readonly InteropProblem[] } = {},
): Promise<ResolvedReport> {
  const problems = new ProblemList();
  for (const p of options.mappingProblems ?? []) problems.add(p);
  const convert = options.convertUnit ?? convertUnit;
  const defaultRole = options.defaultLesionRole ?? 'target';
  const memo = new Map<string, Promise<ResolverAnswer<unknown>>>();
  const ask = <T>(key: string, call: () => ResolverAnswer<T> | Promise<ResolverAnswer<T>>): Promise<ResolverAnswer<T>> => {
    let answer = memo.get(key);
    if (!answer) {
      answer = Promise.resolve(call());
      memo.set(key, answer);
    }
    return answer as Promise<ResolverAnswer<T>>;
  };

  const measurements: ResolvedMeasurement[] = [];
  const studies = new Map<string, { subjectId: string; studyInstanceUid: string }>();
  const seenKeys = new Set<string>();

  for (const item of report.items) {
    const at = (path: string, extra: Partial<InteropProblem> = {}): Pick<InteropProblem, 'path' | 'row' | 'entry'> => ({
      path: joinPath(item.source.path, path),
      ...(item.source.kind === 'row' ? { row: item.source.row } : {}),
      ...(item.source.kind === 'fhir' ? { entry: item.source.entry } : {}),
      ...extra,
    });
    const before = problems.problems.length;
    if (seenKeys.has(item.idempotencyKey)) {
      problems.add({ code: InteropProblems.DUPLICATE_IDEMPOTENCY_KEY, ...at(''), message: `Two measurements carry the key ${item.idempotencyKey}` });
    }
    seenKeys.add(item.idempotencyKey);

    const subject = await ask(`subject:${JSON.stringify(item.subject)}`, () => resolver.resolveSubject(item.subject));
    if (!subject.ok) problems.add({ code: InteropProblems.UNKNOWN_SUBJECT, ...at('subject'), message: subject.reason });

    if (subject.ok) {
      const study = await ask(`study:${subject.value.subjectId}:${item.study.studyInstanceUid}`, () =>
        resolver.resolveImagingStudy(item.study.studyInstanceUid, subject.value.subjectId),
      );
      if (!study.ok) problems.add({ code: InteropProblems.UNKNOWN_IMAGING_STUDY, ...at('study'), message: study.reason });
      else if (study.value.register) {
        studies.set(`${subject.value.subjectId}:${item.study.studyInstanceUid}`, {
          subjectId: subject.value.subjectId,
          studyInstanceUid: item.study.studyInstanceUid,
        });
      }
    }

    // Who measured: device → ai; person → manual, or semi_automatic when the measurement names its algorithm.
    let method: RecordMeasurement['method'] = 'manual';
    let algorithmVersionId: string | null = null;
    let readerId: string | null = null;
    const observer = item.observer;
    switch (observer.kind) {
      case 'device': {
        method = 'ai';
        const device = {
          ...observer,
          algorithmName: observer.algorithmName ?? item.algorithm?.name ?? null,
          softwareVersion: item.algorithm?.version ?? observer.softwareVersion,
        };
        const algo = await ask(`device:${JSON.stringify(device)}`, () => resolver.resolveAlgorithmVersion(device));
        if (algo.ok) algorithmVersionId = algo.value.algorithmVersionId;
        else problems.add({ code: InteropProblems.UNKNOWN_ALGORITHM, ...at('observer'), message: algo.reason });
        break;
      }
      case 'person': {
        const reader = await ask(`reader:${JSON.stringify(observer)}`, () => resolver.resolveReader(observer));
        if (reader.ok) readerId = reader.value.readerId;
        else problems.add({ code: InteropProblems.UNKNOWN_READER, ...at('observer'), message: reader.reason });
        if (item.algorithm) {
          method = 'semi_automatic';
          const device = {
            kind: 'device' as const,
            uid: null,
            name: null,
            manufacturer: null,
            modelName: null,
            softwareVersion: item.algorithm.version,
            algorithmName: item.algorithm.name || null,
            algorithmVersionId: item.algorithm.versionId,
          };
          const algo = await ask(`device:${JSON.stringify(device)}`, () => resolver.resolveAlgorithmVersion(device));
          if (algo.ok) algorithmVersionId = algo.value.algorithmVersionId;
          else problems.add({ code: InteropProblems.UNKNOWN_ALGORITHM, ...at('algorithm'), message: algo.reason });
        }
        break;
      }
      default:
        observer satisfies never;
    }

    const biomarker = await ask(`biomarker:${item.concept.scheme}|${item.concept.value}|${JSON.stringify([item.findingSite, item.derivation])}`, () =>
      resolver.resolveBiomarker(item.concept, item),
    );
    let value: RecordMeasurement['value'] | null = null;
    if (!biomarker.ok) {
      problems.add({
        code: InteropProblems.UNMAPPED_CONCEPT,
        ...at('concept'),
        concept: item.concept,
        message: `${formatConcept(item.concept)}: ${biomarker.reason}`,
      });
    } else {
      value = checkValue(item, biomarker.value, convert, (p) => problems.add({ ...p, ...at(p.path), concept: item.concept }));
    }

    if (!item.timePoint)
      problems.add({
        code: InteropProblems.MISSING_ELEMENT,
        ...at('timePoint'),
        concept: item.concept,
        message: 'No time point (Subject Time Point Identifier / time_point) for this measurement',
      });

    let lesion: RecordMeasurement['lesion'] = null;
    if (item.lesion && (item.lesion.uid || item.lesion.label)) {
      if (!item.lesion.uid) {
        problems.add({
          code: InteropProblems.MISSING_ELEMENT,
          ...at('lesion.uid'),
          message: `Lesion "${item.lesion.label}" has no Tracking Unique Identifier: its identity across time points would be a guess`,
        });
      } else {
        const role = item.lesionRole ?? defaultRole;
        if (!(LESION_ROLES as readonly string[]).includes(role)) {
          problems.add({ code: InteropProblems.INVALID_VALUE, ...at('lesionRole'), message: `Lesion role must be one of ${LESION_ROLES.join(', ')}` });
        } else {
          lesion = {
            trackingUid: item.lesion.uid,
            label: item.lesion.label ?? item.lesion.uid,
            findingSite: item.findingSite?.meaning ?? null,
            role: role as MeasurementLesionRole,
          };
        }
      }
    }

    if (problems.problems.length === before && subject.ok && biomarker.ok && value && item.timePoint) {
      measurements.push({
        idempotencyKey: item.idempotencyKey,
        observedAt: item.occurredAt,
        command: {
          type: 'RecordMeasurement',
          subjectId: subject.value.subjectId,
          measurementId: measurementIdFor(item.idempotencyKey),
          biomarkerId: biomarker.value.biomarkerId,
          biomarkerVersion: biomarker.value.biomarkerVersion,
          value,
          studyInstanceUid: item.study.studyInstanceUid,
          seriesInstanceUid: item.study.seriesInstanceUid,
          timePoint: item.timePoint,
          lesion,
          method,
          algorithmVersionId,
          readerId,
          ...extractionOf(item),
        },
      });
    }
  }
  if (!problems.empty) return { ok: false, documentKey: report.documentKey, problems: problems.problems };
  return { ok: true, documentKey: report.documentKey, measurements, studiesToRegister: [...studies.values()] };
}

type Convert = NonNullable<ResolveOptions['convertUnit']>;

function checkValue(
  item: MeasurementReportItem,
  biomarker: BiomarkerMatch,
  convert: Convert,
  add: (p: Omit<InteropProblem, 'concept'>) => void,
): RecordMeasurement['value'] | null {
  const v = item.value;
  switch (biomarker.valueKind) {
    case 'quantitative': {
      if (v.kind !== 'quantity') {
        add({ code: InteropProblems.VALUE_KIND_MISMATCH, path: 'value', message: 'The biomarker is quantitative: a numeric value with a UCUM unit is needed' });
        return null;
      }
      if (!isValidUcumUnit(v.unit)) {
        add({ code: InteropProblems.INVALID_UCUM_UNIT, path: 'value.unit', message: `"${v.unit}" is not a valid UCUM unit (codes are case-sensitive)` });
        return null;
      }
      if (!biomarker.unit) return { value: v.value, unit: v.unit };
      const converted = convert(v.value, v.unit, biomarker.unit);
      if (!converted.ok) {
        add({ code: InteropProblems.UNIT_NOT_CONVERTIBLE, path: 'value.unit', message: converted.message });
        return null;
      }
      const range = biomarker.plausibleRange;
      if (range && ((range.min !== null && converted.value < range.min) || (range.max !== null && converted.value > range.max))) {
        add({
          code: InteropProblems.IMPLAUSIBLE_VALUE,
          path: 'value',
          message: `${v.value} ${v.unit} (${converted.value} ${biomarker.unit}) is outside the plausible range [${range.min ?? '-∞'}, ${range.max ?? '∞'}] ${biomarker.unit}`,
        });
        return null;
      }
      // The decider converts to the canonical unit itself and keeps the reported value+unit as the original.
      return { value: v.value, unit: v.unit };
    }
    case 'categorical': {
      let category: string | undefined;
      switch (v.kind) {
        case 'coded':
          category = biomarker.categories.find(
            (c) =>
              (c.code && c.code.scheme === v.code.scheme && c.code.value === v.code.value) ||
              (!c.code && (c.category === v.code.value || c.category === v.code.meaning)),
          )?.category;
          break;
        case 'text':
          category = biomarker.categories.find((c) => c.category === v.text)?.category;
          break;
        case 'quantity':
          add({ code: InteropProblems.VALUE_KIND_MISMATCH, path: 'value', message: 'The biomarker is categorical: a coded or text value is needed' });
          return null;
        default:
          v satisfies never;
      }
      if (category === undefined) {
        add({
          code: InteropProblems.UNKNOWN_CATEGORY,
          path: 'value',
          message: `The value is none of the biomarker's categories (${biomarker.categories.map((c) => c.category).join(', ')})`,
        });
        return null;
      }
      return { category };
    }
    default:
      biomarker.valueKind satisfies never;
      return null;
  }
}

function joinPath(base: string, leaf: string): string {
  if (!leaf) return base;
  return base ? `${base}#${leaf}` : leaf;
}
