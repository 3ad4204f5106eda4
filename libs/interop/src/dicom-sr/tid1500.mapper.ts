import dcmjs, { type NaturalDataset } from 'dcmjs';
import { isValidDicomUid } from '#domain';
import type {
  CodedConcept,
  ImagingStudyReference,
  LesionTracking,
  MappedReport,
  MeasuredValue,
  MeasurementReport,
  MeasurementReportItem,
  Observer,
} from '../model/measurement-report.model.js';
import { formatConcept, InteropProblems, ProblemList } from '../model/interop.problems.js';
import {
  codedConcept,
  dicomDateTimeToIso,
  isConcept,
  numeric,
  personName,
  readContentTree,
  referencedSops,
  sequence,
  text,
  type SrContentItem,
} from './sr-content-tree.js';
import { MEASUREMENT_REPORT_TITLES, SR_SOP_CLASSES, SrCodes } from './sr.codes.js';

// dcmjs logs every unknown private tag at warn level; the mapper reports what matters as problems instead.
dcmjs.log.setLevel('error');

/** An SR's mapping, with the SOP Class UID the STOW-RS response names the instance by. */
export interface MappedSr extends MappedReport {
  readonly sopClassUid: string | null;
}

/** Parses a DICOM Part 10 file (an STOW-RS part, an uploaded file) and maps its TID 1500 content tree. */
export function mapDicomSrPart10(buffer: Uint8Array): MappedSr {
  let dataset: NaturalDataset;
  try {
    const arrayBuffer = buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength) as ArrayBuffer;
    // noCopy: the buffer above is already our own copy; copying again costs a third of the parse time.
    const dict = dcmjs.data.DicomMessage.readFile(arrayBuffer, { noCopy: true });
    dataset = dcmjs.data.DicomMetaDictionary.naturalizeDataset(dict.dict);
  } catch (error) {
    return {
      report: emptyReport(''),
      sopClassUid: null,
      problems: [{ code: InteropProblems.NOT_DICOM, path: '', message: `Not a readable DICOM Part 10 file: ${(error as Error).message}` }],
    };
  }
  return mapTid1500Dataset(dataset);
}

/** Maps an already naturalized SR dataset (dcmjs `naturalizeDataset`). */
export function mapTid1500Dataset(ds: NaturalDataset): MappedSr {
  return { ...mapDataset(ds), sopClassUid: text(ds.SOPClassUID) };
}

function mapDataset(ds: NaturalDataset): MappedReport {
  const problems = new ProblemList();
  const sopInstanceUid = text(ds.SOPInstanceUID) ?? '';
  const sopClassUid = text(ds.SOPClassUID);
  if (!sopClassUid || !SR_SOP_CLASSES[sopClassUid]) {
    problems.add({
      code: InteropProblems.NOT_AN_SR,
      path: 'SOPClassUID',
      message: `SOP Class ${sopClassUid ?? '(none)'} is not an SR class that can carry TID 1500 (${Object.values(SR_SOP_CLASSES).join(', ')})`,
    });
    return { report: emptyReport(sopInstanceUid), problems: problems.problems };
  }
  if (!isValidDicomUid(sopInstanceUid))
    problems.add({
      code: InteropProblems.INVALID_DICOM_UID,
      path: 'SOPInstanceUID',
      message: 'The SR has no valid SOP Instance UID (it is the idempotency key)',
    });
  const root = readContentTree(ds);
  const isTid1500 = root.template === '1500' || (root.concept?.scheme === 'DCM' && MEASUREMENT_REPORT_TITLES.has(root.concept.value));
  if (root.valueType !== 'CONTAINER' || !isTid1500) {
    problems.add({
      code: InteropProblems.NOT_TID_1500,
      path: root.path,
      ...(root.concept ? { concept: root.concept } : {}),
      message: `The root is ${root.valueType ?? 'no content item'} ${root.concept ? formatConcept(root.concept) : ''}, not a TID 1500 Measurement Report container`,
    });
    return { report: emptyReport(sopInstanceUid), problems: problems.problems };
  }

  const patientId = text(ds.PatientID);
  if (!patientId) problems.add({ code: InteropProblems.MISSING_ELEMENT, path: 'PatientID', message: 'Patient ID (the subject pseudonym) is empty' });
  const subject = { kind: 'pseudonym' as const, pseudonym: patientId ?? '' };

  const evidence = readEvidence(ds, problems);
  const srStudyUid = text(ds.StudyInstanceUID);
  const documentTime = text(ds.ContentDate) ? `${text(ds.ContentDate)}${text(ds.ContentTime) ?? ''}` : null;

  // ---- root children: observation context, procedure reported, image library, measurements
  const context = readContext(root.children, problems, null);
  const observers = readObservers(root.children, ds, problems);
  const procedureReported: CodedConcept[] = [];
  const groups: SrContentItem[] = [];
  const rootQualitative: SrContentItem[] = [];
  for (const child of root.children) {
    if (isConcept(child, 'DCM', SrCodes.procedureReported.value)) {
      const code = codedConcept(child.dataset.ConceptCodeSequence);
      if (code) procedureReported.push(code);
    } else if (isConcept(child, 'DCM', SrCodes.imagingMeasurements.value)) {
      for (const g of child.children) {
        if (g.valueType === 'CONTAINER' && isConcept(g, 'DCM', SrCodes.measurementGroup.value)) groups.push(g);
      }
    } else if (isConcept(child, SrCodes.qualitativeEvaluations.scheme, SrCodes.qualitativeEvaluations.value)) {
      rootQualitative.push(...child.children.filter((c) => c.valueType === 'CODE' || c.valueType === 'TEXT'));
    }
  }

  const observer = observers[0] ?? null;
  if (!observer) {
    problems.add({
      code: InteropProblems.MISSING_ELEMENT,
      path: root.path,
      concept: SrCodes.observerType,
      message: 'No observer context (TID 1002 person or TID 1004 device): who measured is unknown',
    });
  }

  const items: MeasurementReportItem[] = [];
  const mapItem = (item: SrContentItem, value: MeasuredValue, groupContext: GroupContext | null, measurementContext: MeasurementContext): void => {
    const sops = [...(groupContext?.sops ?? []), ...measurementContext.sops];
    const study = studyFor(sops, groupContext?.seriesUid ?? null, evidence, srStudyUid, item.path, problems);
    const dt = item.observationDateTime ?? groupContext?.observationDateTime ?? documentTime;
    let occurredAt: string | null = null;
    if (dt) {
      occurredAt = dicomDateTimeToIso(dt);
      if (!occurredAt) problems.add({ code: InteropProblems.INVALID_DATE_TIME, path: item.path, message: `"${dt}" is not a DICOM date-time (YYYYMMDDHHMMSS)` });
    }
    if (!study || !observer || !item.concept) return;
    items.push({
      idempotencyKey: `${sopInstanceUid}/${item.observationUid ?? item.path}`,
      source: { kind: 'dicom-sr', path: item.path },
      subject,
      study,
      observer:
        observer.kind === 'device' && measurementContext.algorithm?.version ? { ...observer, softwareVersion: measurementContext.algorithm.version } : observer,
      concept: item.concept,
      value,
      lesion: groupContext?.lesion ?? null,
      finding: groupContext?.finding ?? null,
      findingSite: measurementContext.findingSite ?? groupContext?.findingSite ?? null,
      timePoint: groupContext?.timePoint ?? context.timePoint,
      derivation: measurementContext.derivation,
      method: measurementContext.method ?? groupContext?.method ?? null,
      group: groupContext ? { template: groupContext.template, key: groupContext.key } : null,
      occurredAt,
      lesionRole: null,
      algorithm: measurementContext.algorithm ?? groupContext?.algorithm ?? null,
    });
  };

  for (const group of groups) {
    const g = readGroup(group, context.timePoint, problems);
    for (const child of group.children) {
      if (child.relationship !== 'CONTAINS') continue;
      switch (child.valueType) {
        case 'NUM': {
          const value = readNum(child, problems);
          const mc = readMeasurementContext(child, problems);
          if (value) mapItem(child, value, g, mc);
          break;
        }
        case 'CODE': {
          if (isConcept(child, 'DCM', SrCodes.finding.value) || isConcept(child, 'SCT', SrCodes.findingSite.value)) break;
          const code = codedConcept(child.dataset.ConceptCodeSequence);
          if (!code) {
            problems.add({
              code: InteropProblems.MISSING_ELEMENT,
              path: child.path,
              ...(child.concept ? { concept: child.concept } : {}),
              message: 'CODE content item without a Concept Code Sequence',
            });
            break;
          }
          mapItem(child, { kind: 'coded', code }, g, readMeasurementContext(child, problems));
          break;
        }
        case 'TEXT': {
          const value = text(child.dataset.TextValue);
          if (value) mapItem(child, { kind: 'text', text: value }, g, readMeasurementContext(child, problems));
          break;
        }
        // Other value types (CONTAINER, UIDREF, IMAGE, …) carry context, read by readGroup; a missing value type is
        // reported with the concept check below.
        case null:
        default:
          break;
      }
    }
  }
  for (const q of rootQualitative) {
    const value: MeasuredValue | null =
      q.valueType === 'CODE'
        ? (() => {
            const code = codedConcept(q.dataset.ConceptCodeSequence);
            return code ? { kind: 'coded' as const, code } : null;
          })()
        : text(q.dataset.TextValue)
          ? { kind: 'text' as const, text: text(q.dataset.TextValue)! }
          : null;
    if (value) mapItem(q, value, null, readMeasurementContext(q, problems));
  }

  for (const item of [...groups.flatMap((g) => g.children), ...rootQualitative]) {
    if (!item.concept && item.relationship === 'CONTAINS') {
      problems.add({
        code: InteropProblems.MISSING_ELEMENT,
        path: item.path,
        message: `${item.valueType ?? 'Content item'} without a Concept Name Code Sequence`,
      });
    }
  }
  if (groups.length === 0 && rootQualitative.length === 0) {
    problems.add({
      code: InteropProblems.MISSING_ELEMENT,
      path: root.path,
      concept: SrCodes.imagingMeasurements,
      message: 'The report holds no measurement group (Imaging Measurements > Measurement Group)',
    });
  }

  return { report: { documentKey: sopInstanceUid, format: 'dicom-sr', procedureReported, items }, problems: problems.problems };
}

function emptyReport(documentKey: string): MeasurementReport {
  return { documentKey, format: 'dicom-sr', procedureReported: [], items: [] };
}

// ---- evidence: which study and series each referenced SOP instance belongs to --------------------------------------

interface Evidence {
  readonly studies: readonly string[];
  readonly bySop: ReadonlyMap<string, { readonly study: string; readonly series: string }>;
}

function readEvidence(ds: NaturalDataset, problems: ProblemList): Evidence {
  const studies: string[] = [];
  const bySop = new Map<string, { study: string; series: string }>();
  for (const keyword of ['CurrentRequestedProcedureEvidenceSequence', 'PertinentOtherEvidenceSequence']) {
    sequence(ds[keyword]).forEach((study, i) => {
      const studyUid = text(study.StudyInstanceUID);
      if (!studyUid || !isValidDicomUid(studyUid)) {
        problems.add({
          code: InteropProblems.INVALID_DICOM_UID,
          path: `${keyword}[${i}].StudyInstanceUID`,
          message: `Study Instance UID "${studyUid ?? ''}" is not a DICOM UID`,
        });
        return;
      }
      if (!studies.includes(studyUid)) studies.push(studyUid);
      for (const series of sequence(study.ReferencedSeriesSequence)) {
        const seriesUid = text(series.SeriesInstanceUID);
        if (!seriesUid) continue;
        for (const sop of sequence(series.ReferencedSOPSequence)) {
          const sopUid = text(sop.ReferencedSOPInstanceUID);
          if (sopUid) bySop.set(sopUid, { study: studyUid, series: seriesUid });
        }
      }
    });
  }
  return { studies, bySop };
}

/**
 * The study a measurement was made on: the study of the images / segmentation its group references (through the
 * evidence sequences); else the only study in the evidence; else the SR's own study (an SR is normally stored in the
 * study it measures). Several candidate studies and no reference to choose → AMBIGUOUS_STUDY.
 */
function studyFor(
  sops: readonly string[],
  seriesUid: string | null,
  evidence: Evidence,
  srStudyUid: string | null,
  path: string,
  problems: ProblemList,
): ImagingStudyReference | null {
  const hits = sops.map((s) => evidence.bySop.get(s)).filter((h): h is { study: string; series: string } => h !== undefined);
  const studies = [...new Set(hits.map((h) => h.study))];
  const series = [...new Set(hits.map((h) => h.series))];
  let studyUid: string | null = null;
  if (studies.length === 1) studyUid = studies[0]!;
  else if (studies.length > 1) {
    problems.add({
      code: InteropProblems.AMBIGUOUS_STUDY,
      path,
      message: `The measurement references images of ${studies.length} studies (${studies.join(', ')})`,
    });
    return null;
  } else if (evidence.studies.length === 1) studyUid = evidence.studies[0]!;
  else if (evidence.studies.length > 1) {
    problems.add({
      code: InteropProblems.AMBIGUOUS_STUDY,
      path,
      message: `The SR's evidence lists ${evidence.studies.length} studies and the measurement references none of their images`,
    });
    return null;
  } else studyUid = srStudyUid;
  if (!studyUid || !isValidDicomUid(studyUid)) {
    problems.add({
      code: InteropProblems.INVALID_DICOM_UID,
      path: studyUid ? path : 'StudyInstanceUID',
      message: `No valid Study Instance UID for the measurement ("${studyUid ?? ''}")`,
    });
    return null;
  }
  const seriesInstanceUid = seriesUid ?? (series.length === 1 ? series[0]! : null);
  if (seriesInstanceUid && !isValidDicomUid(seriesInstanceUid)) {
    problems.add({ code: InteropProblems.INVALID_DICOM_UID, path, message: `Series Instance UID "${seriesInstanceUid}" is not a DICOM UID` });
    return null;
  }
  return { studyInstanceUid: studyUid, seriesInstanceUid, sopInstanceUids: [...new Set(sops)] };
}

// ---- observation context ------------------------------------------------------------------------------------------

/** TID 1001: Observer Type followed by the TID 1002 (person) or TID 1004 (device) rows that describe that observer. */
function readObservers(items: readonly SrContentItem[], ds: NaturalDataset, problems: ProblemList): Observer[] {
  const observers: Observer[] = [];
  let current: { kind: 'person' | 'device'; rows: SrContentItem[] } | null = null;
  const flush = () => {
    if (!current) return;
    const get = (code: CodedConcept) => current!.rows.find((r) => isConcept(r, code.scheme, code.value));
    if (current.kind === 'person') {
      const name = get(SrCodes.personObserverName);
      observers.push({
        kind: 'person',
        name: name ? personName(name.dataset.PersonName) : null,
        id: text(get(SrCodes.personObserverLoginName)?.dataset.TextValue),
        organization: text(get(SrCodes.personObserverOrganization)?.dataset.TextValue),
      });
    } else {
      const uidItem = get(SrCodes.deviceObserverUid);
      const uid = uidItem ? text(uidItem.dataset.UID) : null;
      if (uidItem && (!uid || !isValidDicomUid(uid))) {
        problems.add({
          code: InteropProblems.INVALID_DICOM_UID,
          path: uidItem.path,
          concept: SrCodes.deviceObserverUid,
          message: `Device Observer UID "${uid ?? ''}" is not a DICOM UID`,
        });
      }
      observers.push({
        kind: 'device',
        uid,
        name: text(get(SrCodes.deviceObserverName)?.dataset.TextValue),
        manufacturer: text(get(SrCodes.deviceObserverManufacturer)?.dataset.TextValue) ?? text(ds.Manufacturer),
        modelName: text(get(SrCodes.deviceObserverModelName)?.dataset.TextValue) ?? text(ds.ManufacturerModelName),
        // TID 1004 has no software version row; the SR's General Equipment Software Versions is the device's.
        softwareVersion: text(ds.SoftwareVersions),
        algorithmName: null,
        algorithmVersionId: null,
      });
    }
    current = null;
  };
  for (const item of items) {
    if (item.relationship !== 'HAS OBS CONTEXT') continue;
    if (isConcept(item, 'DCM', SrCodes.observerType.value)) {
      flush();
      const type = codedConcept(item.dataset.ConceptCodeSequence);
      if (type?.value === SrCodes.device.value && type.scheme === 'DCM') current = { kind: 'device', rows: [] };
      else if (type?.value === SrCodes.person.value && type.scheme === 'DCM') current = { kind: 'person', rows: [] };
      else
        problems.add({
          code: InteropProblems.INVALID_VALUE,
          path: item.path,
          concept: SrCodes.observerType,
          message: `Observer Type must be (121006, DCM, "Person") or (121007, DCM, "Device")`,
        });
      continue;
    }
    // Observer Type is optional for a person (it is the default): a Person Observer Name alone starts a person.
    if (!current && isConcept(item, 'DCM', SrCodes.personObserverName.value)) current = { kind: 'person', rows: [] };
    if (!current && isConcept(item, 'DCM', SrCodes.deviceObserverUid.value)) current = { kind: 'device', rows: [] };
    current?.rows.push(item);
  }
  flush();
  // A device observer makes the report an algorithm's: it goes first.
  return observers.sort((a, b) => (a.kind === b.kind ? 0 : a.kind === 'device' ? -1 : 1));
}

/** TID 1502 time point context among HAS OBS CONTEXT rows: Subject Time Point Identifier, else Time Point. */
function readContext(items: readonly SrContentItem[], problems: ProblemList, inherited: string | null): { timePoint: string | null } {
  let subjectTp: string | null = null;
  let tp: string | null = null;
  for (const item of items) {
    if (item.relationship !== 'HAS OBS CONTEXT' || item.valueType !== 'TEXT') continue;
    if (isConcept(item, 'DCM', SrCodes.subjectTimePointIdentifier.value)) subjectTp = text(item.dataset.TextValue);
    else if (isConcept(item, 'UMLS', SrCodes.timePoint.value)) tp = text(item.dataset.TextValue);
  }
  void problems;
  return { timePoint: subjectTp ?? tp ?? inherited };
}

// ---- measurement groups ------------------------------------------------------------------------------------------

interface GroupContext {
  readonly template: string;
  readonly key: string;
  readonly lesion: LesionTracking | null;
  readonly finding: CodedConcept | null;
  readonly findingSite: CodedConcept | null;
  readonly method: CodedConcept | null;
  readonly timePoint: string | null;
  readonly seriesUid: string | null;
  readonly sops: readonly string[];
  readonly observationDateTime: string | null;
  readonly algorithm: MeasurementReportItem['algorithm'];
}

function readGroup(group: SrContentItem, reportTimePoint: string | null, problems: ProblemList): GroupContext {
  let label: string | null = null;
  let uid: string | null = null;
  let finding: CodedConcept | null = null;
  let findingSite: CodedConcept | null = null;
  let method: CodedConcept | null = null;
  let seriesUid: string | null = null;
  const sops: string[] = [];
  let invalidUid = false;
  let has1411 = false;
  let has1410 = false;
  for (const c of group.children) {
    if (isConcept(c, 'DCM', SrCodes.trackingIdentifier.value)) label = text(c.dataset.TextValue);
    else if (isConcept(c, 'DCM', SrCodes.trackingUniqueIdentifier.value)) {
      uid = text(c.dataset.UID);
      if (!uid || !isValidDicomUid(uid)) {
        problems.add({
          code: InteropProblems.INVALID_DICOM_UID,
          path: c.path,
          concept: SrCodes.trackingUniqueIdentifier,
          message: `Tracking Unique Identifier "${uid ?? ''}" is not a DICOM UID`,
        });
        invalidUid = true;
      }
    } else if (isConcept(c, 'DCM', SrCodes.finding.value)) finding = codedConcept(c.dataset.ConceptCodeSequence);
    else if (isConcept(c, 'SCT', SrCodes.findingSite.value)) findingSite = codedConcept(c.dataset.ConceptCodeSequence);
    else if (isConcept(c, 'SCT', SrCodes.measurementMethod.value)) method = codedConcept(c.dataset.ConceptCodeSequence);
    else if (isConcept(c, 'DCM', SrCodes.sourceSeriesForSegmentation.value)) {
      has1411 = true;
      seriesUid = text(c.dataset.UID);
    } else if (isConcept(c, 'DCM', SrCodes.referencedSegment.value)) {
      has1411 = true;
      sops.push(...referencedSops(c));
    } else if (isConcept(c, 'DCM', SrCodes.imageRegion.value)) {
      has1410 = true;
      sops.push(...referencedSops(c));
    } else if (c.valueType === 'IMAGE' || c.valueType === 'COMPOSITE') sops.push(...referencedSops(c));
  }
  const { timePoint } = readContext(group.children, problems, reportTimePoint);
  return {
    // The group's own ContentTemplateSequence wins; otherwise its content says which template it follows.
    template: group.template ?? (has1411 ? '1411' : has1410 ? '1410' : '1501'),
    key: group.observationUid ?? group.path,
    // An invalid UID is reported once, here; the refused report needs no second "lesion without UID" per measurement.
    lesion: !invalidUid && (label || uid) ? { label, uid } : null,
    finding,
    findingSite,
    method,
    timePoint,
    seriesUid,
    sops,
    observationDateTime: group.observationDateTime,
    algorithm: readAlgorithm(group.children),
  };
}

interface MeasurementContext {
  readonly derivation: CodedConcept | null;
  readonly method: CodedConcept | null;
  readonly findingSite: CodedConcept | null;
  readonly algorithm: MeasurementReportItem['algorithm'];
  readonly sops: readonly string[];
}

/** Concept modifiers and references under one NUM/CODE: derivation, method, finding site, TID 4019, source images. */
function readMeasurementContext(item: SrContentItem, problems: ProblemList): MeasurementContext {
  let derivation: CodedConcept | null = null;
  let method: CodedConcept | null = null;
  let findingSite: CodedConcept | null = null;
  const sops: string[] = [];
  for (const c of item.children) {
    if (isConcept(c, 'DCM', SrCodes.derivation.value)) derivation = codedConcept(c.dataset.ConceptCodeSequence);
    else if (isConcept(c, 'SCT', SrCodes.measurementMethod.value)) method = codedConcept(c.dataset.ConceptCodeSequence);
    else if (isConcept(c, 'SCT', SrCodes.findingSite.value)) findingSite = codedConcept(c.dataset.ConceptCodeSequence);
    else if (c.relationship === 'INFERRED FROM' || c.relationship === 'SELECTED FROM') sops.push(...referencedSops(c));
    if (
      (isConcept(c, 'DCM', SrCodes.derivation.value) || isConcept(c, 'SCT', SrCodes.measurementMethod.value)) &&
      !codedConcept(c.dataset.ConceptCodeSequence)
    ) {
      problems.add({
        code: InteropProblems.MISSING_ELEMENT,
        path: c.path,
        ...(c.concept ? { concept: c.concept } : {}),
        message: 'Concept modifier without a Concept Code Sequence',
      });
    }
  }
  return { derivation, method, findingSite, algorithm: readAlgorithm(item.children), sops };
}

function readAlgorithm(items: readonly SrContentItem[]): MeasurementReportItem['algorithm'] {
  const get = (code: CodedConcept) => text(items.find((i) => isConcept(i, 'DCM', code.value))?.dataset.TextValue);
  const name = get(SrCodes.algorithmName);
  if (!name) return null;
  return { name, version: get(SrCodes.algorithmVersion), parameters: get(SrCodes.algorithmParameters), versionId: null };
}

/** NUM: Measured Value Sequence with Numeric Value and a UCUM Measurement Units Code. */
function readNum(item: SrContentItem, problems: ProblemList): MeasuredValue | null {
  const concept = item.concept ? { concept: item.concept } : {};
  const measured = sequence(item.dataset.MeasuredValueSequence)[0];
  if (!measured) {
    const qualifier = codedConcept(item.dataset.NumericValueQualifierCodeSequence);
    problems.add({
      code: InteropProblems.MISSING_ELEMENT,
      path: item.path,
      ...concept,
      message: qualifier ? `NUM has no value, only the qualifier ${formatConcept(qualifier)}` : 'NUM content item without a Measured Value Sequence',
    });
    return null;
  }
  const value = numeric(measured.NumericValue) ?? numeric(measured.FloatingPointValue);
  if (value === null || !Number.isFinite(value)) {
    problems.add({
      code: InteropProblems.INVALID_VALUE,
      path: item.path,
      ...concept,
      message: `Numeric Value "${text(measured.NumericValue) ?? ''}" is not a finite number`,
    });
    return null;
  }
  const unit = codedConcept(measured.MeasurementUnitsCodeSequence);
  if (!unit) {
    problems.add({ code: InteropProblems.MISSING_ELEMENT, path: item.path, ...concept, message: 'NUM without Measurement Units Code Sequence' });
    return null;
  }
  if (unit.scheme !== 'UCUM') {
    problems.add({
      code: InteropProblems.INVALID_UCUM_UNIT,
      path: item.path,
      ...concept,
      message: `Measurement unit ${formatConcept(unit)} is not a UCUM code`,
    });
    return null;
  }
  return { kind: 'quantity', value, unit: unit.value, unitMeaning: unit.meaning || null };
}
