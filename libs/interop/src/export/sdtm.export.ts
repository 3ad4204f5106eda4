import { toSdtm, type RsRow, type TrRow } from '#domain';
import { create } from 'xmlbuilder2';
import { csvRecord, type CsvValue } from './csv.writer.js';
import { exportContext, type ExportContext } from './export-context.js';
import { isoDate, type ExportChunk, type ExportDataset, type ExportSubject } from './export-dataset.model.js';

/**
 * CDISC SDTM (SDTMIG 3.3 variable order) DM, TU, TR, RS as `<domain>.csv` in lower case with a header row, and
 * `define.xml` (Define-XML 2.0) describing them. TR and RS rows are libs/domain's `toSdtm` (the RECIST 1.1 engine's
 * own SDTM), with VISITNUM added from the trial's visit schedule; TU identifies each lesion once (TUTESTCD TUMIDENT,
 * TUORRES TARGET / NON-TARGET / NEW) at the visit it was first seen. USUBJID = STUDYID-pseudonym; --SEQ counts per
 * subject and domain; --LNKID is the lesion's DICOM Tracking Unique Identifier (TU ↔ TR); --DTC are ISO 8601
 * (BRTHDTC is the year alone: the registry keeps no birth date). Trials only: a programme has no SDTM.
 */
export interface SdtmVariable {
  readonly name: string;
  readonly label: string;
  readonly type: 'text' | 'integer' | 'float';
  /** Define-XML Mandatory: required variables (Core "Req"). */
  readonly mandatory: boolean;
}

const v = (name: string, label: string, type: SdtmVariable['type'] = 'text', mandatory = false): SdtmVariable => ({ name, label, type, mandatory });

export const SDTM_DATASETS = {
  DM: {
    label: 'Demographics',
    class: 'SPECIAL PURPOSE',
    structure: 'One record per subject',
    keys: ['STUDYID', 'USUBJID'],
    variables: [
      v('STUDYID', 'Study Identifier', 'text', true),
      v('DOMAIN', 'Domain Abbreviation', 'text', true),
      v('USUBJID', 'Unique Subject Identifier', 'text', true),
      v('SUBJID', 'Subject Identifier for the Study', 'text', true),
      v('RFSTDTC', 'Subject Reference Start Date/Time'),
      v('RFENDTC', 'Subject Reference End Date/Time'),
      v('DTHDTC', 'Date/Time of Death'),
      v('DTHFL', 'Subject Death Flag'),
      v('SITEID', 'Study Site Identifier', 'text', true),
      v('BRTHDTC', 'Date/Time of Birth'),
      v('AGE', 'Age', 'integer'),
      v('AGEU', 'Age Units'),
      v('SEX', 'Sex', 'text', true),
      v('RACE', 'Race'),
      v('ARMCD', 'Planned Arm Code'),
      v('ARM', 'Description of Planned Arm'),
      v('ACTARMCD', 'Actual Arm Code'),
      v('ACTARM', 'Description of Actual Arm'),
      v('COUNTRY', 'Country', 'text', true),
    ],
  },
  TU: {
    label: 'Tumor/Lesion Identification',
    class: 'FINDINGS',
    structure: 'One record per identified tumor per subject per assessor',
    keys: ['STUDYID', 'USUBJID', 'TUSEQ'],
    variables: [
      v('STUDYID', 'Study Identifier', 'text', true),
      v('DOMAIN', 'Domain Abbreviation', 'text', true),
      v('USUBJID', 'Unique Subject Identifier', 'text', true),
      v('TUSEQ', 'Sequence Number', 'integer', true),
      v('TULNKID', 'Link ID'),
      v('TUTESTCD', 'Tumor/Lesion ID Short Name', 'text', true),
      v('TUTEST', 'Tumor/Lesion ID Test Name', 'text', true),
      v('TUORRES', 'Tumor/Lesion ID Result'),
      v('TUSTRESC', 'Tumor/Lesion ID Result Std. Format'),
      v('TULOC', 'Location of the Tumor/Lesion'),
      v('TUMETHOD', 'Method of Identification'),
      v('TUEVAL', 'Evaluator'),
      v('VISITNUM', 'Visit Number', 'integer'),
      v('VISIT', 'Visit Name'),
      v('TUDTC', 'Date/Time of Tumor/Lesion Identification'),
    ],
  },
  TR: {
    label: 'Tumor/Lesion Results',
    class: 'FINDINGS',
    structure: 'One record per tumor measurement/assessment per visit per subject per assessor',
    keys: ['STUDYID', 'USUBJID', 'TRSEQ'],
    variables: [
      v('STUDYID', 'Study Identifier', 'text', true),
      v('DOMAIN', 'Domain Abbreviation', 'text', true),
      v('USUBJID', 'Unique Subject Identifier', 'text', true),
      v('TRSEQ', 'Sequence Number', 'integer', true),
      v('TRLNKID', 'Link ID'),
      v('TRTESTCD', 'Tumor/Lesion Assessment Short Name', 'text', true),
      v('TRTEST', 'Tumor/Lesion Assessment Test Name', 'text', true),
      v('TRORRES', 'Result or Finding in Original Units'),
      v('TRORRESU', 'Original Units'),
      v('TRSTRESC', 'Character Result/Finding in Std Format'),
      v('TRSTRESN', 'Numeric Result/Finding in Standard Units', 'float'),
      v('TRSTRESU', 'Standard Units'),
      v('TRSTAT', 'Completion Status'),
      v('TREVAL', 'Evaluator'),
      v('VISITNUM', 'Visit Number', 'integer'),
      v('VISIT', 'Visit Name'),
      v('TRDTC', 'Date/Time of Tumor/Lesion Measurement'),
    ],
  },
  RS: {
    label: 'Disease Response and Clin Classification',
    class: 'FINDINGS',
    structure: 'One record per response assessment per visit per subject per assessor',
    keys: ['STUDYID', 'USUBJID', 'RSSEQ'],
    variables: [
      v('STUDYID', 'Study Identifier', 'text', true),
      v('DOMAIN', 'Domain Abbreviation', 'text', true),
      v('USUBJID', 'Unique Subject Identifier', 'text', true),
      v('RSSEQ', 'Sequence Number', 'integer', true),
      v('RSTESTCD', 'Assessment Short Name', 'text', true),
      v('RSTEST', 'Assessment Name', 'text', true),
      v('RSCAT', 'Category for Assessment'),
      v('RSORRES', 'Result or Finding in Original Units'),
      v('RSSTRESC', 'Character Result/Finding in Std Format'),
      v('RSEVAL', 'Evaluator'),
      v('VISITNUM', 'Visit Number', 'integer'),
      v('VISIT', 'Visit Name'),
      v('RSDTC', 'Date/Time of Assessment'),
    ],
  },
} as const satisfies Record<string, { label: string; class: string; structure: string; keys: readonly string[]; variables: readonly SdtmVariable[] }>;
export type SdtmDomain = keyof typeof SDTM_DATASETS;
export const SDTM_DOMAINS = Object.keys(SDTM_DATASETS) as SdtmDomain[];
export const sdtmFile = (domain: SdtmDomain): string => `${domain.toLowerCase()}.csv`;

export interface SdtmExportOptions {
  /** Define-XML CreationDateTime (ISO 8601): given, since a pure builder reads no clock. */
  readonly createdAt: string;
}

type Row = Readonly<Record<string, CsvValue>>;
const record = (domain: SdtmDomain, row: Row): string => csvRecord(SDTM_DATASETS[domain].variables.map((x) => row[x.name] ?? null));

const SEX: Record<NonNullable<ExportSubject['sex']>, string> = { female: 'F', male: 'M', other: 'U', unknown: 'U' };
const METHOD: Readonly<Record<string, string>> = { CT: 'CT SCAN', MR: 'MRI', PT: 'PET SCAN', US: 'ULTRASOUND', MG: 'MAMMOGRAPHY', CR: 'X-RAY', DX: 'X-RAY' };

export async function* sdtmExport(dataset: ExportDataset, options: SdtmExportOptions): AsyncGenerator<ExportChunk> {
  if (dataset.scope.kind !== 'trial') throw new Error('SDTM describes a trial; a screening programme has no SDTM datasets');
  const trial = dataset.scope.trial;
  const ctx = exportContext(dataset);
  const arms = new Map(trial.arms.map((a) => [a.armCode, a]));
  const sites = new Map(trial.sites.map((s) => [s.siteId, s]));
  for (const d of SDTM_DOMAINS) yield { file: sdtmFile(d), text: csvRecord(SDTM_DATASETS[d].variables.map((x) => x.name)) };
  for await (const s of dataset.subjects) {
    const base = { STUDYID: ctx.studyId, USUBJID: `${ctx.studyId}-${s.pseudonym}` };
    const death = s.outcomes.find((o) => o.outcomeType === 'death');
    const arm = s.armCode === null ? undefined : arms.get(s.armCode);
    const dates = [...s.studies.map((x) => x.occurredAt), ...s.measurements.map((m) => m.occurredAt)].sort();
    yield {
      file: sdtmFile('DM'),
      text: record('DM', {
        ...base,
        DOMAIN: 'DM',
        SUBJID: s.pseudonym,
        RFSTDTC: s.randomisedAt ? isoDate(s.randomisedAt) : s.enrolledAt ? isoDate(s.enrolledAt) : null,
        RFENDTC: s.withdrawnAt ? isoDate(s.withdrawnAt) : dates.length ? isoDate(dates[dates.length - 1]!) : null,
        DTHDTC: death ? isoDate(death.occurredAt) : null,
        DTHFL: death ? 'Y' : null,
        SITEID: s.siteId,
        BRTHDTC: s.yearOfBirth === null ? null : String(s.yearOfBirth),
        SEX: s.sex === null ? 'U' : SEX[s.sex],
        ARMCD: s.armCode,
        ARM: arm?.name ?? null,
        ACTARMCD: s.armCode,
        ACTARM: arm?.name ?? null,
        COUNTRY: s.siteId === null ? null : (sites.get(s.siteId)?.country ?? null),
      }),
    };
    if (!s.recist) continue;
    const { tr, rs } = toSdtm(s.recist.input, s.recist.result, { studyId: ctx.studyId, ...(s.recist.evaluator ? { evaluator: s.recist.evaluator } : {}) });
    yield { file: sdtmFile('TU'), text: tuRows(s, ctx, base).join('') };
    const usubjid = (row: TrRow | RsRow) => ({ ...row, USUBJID: base.USUBJID });
    yield { file: sdtmFile('TR'), text: tr.map((r) => record('TR', { ...usubjid(r), VISITNUM: ctx.visitNumber(r.VISIT) })).join('') };
    yield { file: sdtmFile('RS'), text: rs.map((r) => record('RS', { ...usubjid(r), VISITNUM: ctx.visitNumber(r.VISIT) })).join('') };
  }
  yield { file: 'define.xml', text: defineXml(dataset, options) };
}

/** TU: each baseline lesion at the baseline visit, each new lesion at the first visit that records it. */
function tuRows(s: ExportSubject, ctx: ExportContext, base: { STUDYID: string; USUBJID: string }): string[] {
  const recist = s.recist!;
  const [baseline] = recist.input.timePoints;
  const method = (visit: string) => {
    const m = s.measurements.find((x) => x.timePoint === visit);
    const modality = m ? s.studies.find((st) => st.studyInstanceUid === m.studyInstanceUid)?.modality : undefined;
    return modality ? (METHOD[modality] ?? modality) : null;
  };
  const out: string[] = [];
  const row = (id: string, result: 'TARGET' | 'NON-TARGET' | 'NEW', loc: string | null, visit: string, date: string) =>
    out.push(
      record('TU', {
        ...base,
        DOMAIN: 'TU',
        TUSEQ: out.length + 1,
        TULNKID: id,
        TUTESTCD: 'TUMIDENT',
        TUTEST: 'Tumor Identification',
        TUORRES: result,
        TUSTRESC: result,
        TULOC: loc === null ? null : loc.toUpperCase(),
        TUMETHOD: method(visit),
        TUEVAL: recist.evaluator,
        VISITNUM: ctx.visitNumber(visit),
        VISIT: visit,
        TUDTC: date,
      }),
    );
  if (baseline) for (const l of recist.input.lesions) row(l.id, l.role === 'TARGET' ? 'TARGET' : 'NON-TARGET', l.organ, baseline.visit, baseline.date);
  const seen = new Set<string>();
  for (const tp of recist.input.timePoints) {
    for (const n of tp.newLesions ?? []) {
      if (seen.has(n.id)) continue;
      seen.add(n.id);
      row(n.id, 'NEW', s.measurements.find((m) => m.lesionTrackingUid === n.id)?.lesionFindingSite ?? null, tp.visit, tp.date);
    }
  }
  return out;
}

const LENGTH: Record<SdtmVariable['type'], Readonly<Record<string, string>>> = {
  text: { Length: '200' },
  integer: { Length: '8' },
  float: { Length: '8', SignificantDigits: '3' },
};
const DATA_TYPE: Record<SdtmVariable['type'], string> = { text: 'text', integer: 'integer', float: 'float' };

/** Define-XML 2.0 (ODM 1.3.2) for the four datasets: ItemGroupDef per dataset, ItemRef in CSV column order, ItemDefs. */
export function defineXml(dataset: ExportDataset, options: SdtmExportOptions): string {
  if (dataset.scope.kind !== 'trial') throw new Error('SDTM describes a trial');
  const trial = dataset.scope.trial;
  const odm = create({ version: '1.0', encoding: 'UTF-8' }).ele('http://www.cdisc.org/ns/odm/v1.3', 'ODM', {
    'xmlns:def': 'http://www.cdisc.org/ns/def/v2.0',
    'xmlns:xlink': 'http://www.w3.org/1999/xlink',
    ODMVersion: '1.3.2',
    FileType: 'Snapshot',
    FileOID: `DEFINE.${trial.trialId}${dataset.snapshot ? `.${dataset.snapshot.snapshotId}` : ''}`,
    CreationDateTime: options.createdAt,
    Originator: 'Biomarker Registry',
    SourceSystem: 'Biomarker Registry',
  });
  const study = odm.ele('Study', { OID: `STUDY.${trial.trialId}` });
  const globals = study.ele('GlobalVariables');
  globals.ele('StudyName').txt(trial.trialId);
  globals.ele('StudyDescription').txt(trial.title);
  globals.ele('ProtocolName').txt(trial.trialId);
  const mdv = study.ele('MetaDataVersion', {
    OID: `MDV.${trial.trialId}.SDTMIG.3.3`,
    Name: `${trial.trialId} SDTM`,
    Description: dataset.snapshot
      ? `Snapshot ${dataset.snapshot.snapshotId} (SHA-256 ${dataset.snapshot.contentHash}) at log position ${dataset.position}`
      : `Log position ${dataset.position}`,
    'def:DefineVersion': '2.0.0',
    'def:StandardName': 'SDTM-IG',
    'def:StandardVersion': '3.3',
  });
  for (const d of SDTM_DOMAINS) {
    const spec = SDTM_DATASETS[d];
    const group = mdv.ele('ItemGroupDef', {
      OID: `IG.${d}`,
      Name: d,
      Repeating: d === 'DM' ? 'No' : 'Yes',
      IsReferenceData: 'No',
      SASDatasetName: d,
      Domain: d,
      Purpose: 'Tabulation',
      'def:Structure': spec.structure,
      'def:Class': spec.class,
      'def:ArchiveLocationID': `LF.${d}`,
    });
    group.ele('Description').ele('TranslatedText', { 'xml:lang': 'en' }).txt(spec.label);
    spec.variables.forEach((x, i) => {
      const key = (spec.keys as readonly string[]).indexOf(x.name);
      group.ele('ItemRef', {
        ItemOID: `IT.${d}.${x.name}`,
        OrderNumber: String(i + 1),
        Mandatory: x.mandatory ? 'Yes' : 'No',
        ...(key >= 0 ? { KeySequence: String(key + 1) } : {}),
      });
    });
    group
      .ele('def:leaf', { ID: `LF.${d}`, 'xlink:href': sdtmFile(d) })
      .ele('def:title')
      .txt(sdtmFile(d));
  }
  for (const d of SDTM_DOMAINS) {
    for (const x of SDTM_DATASETS[d].variables) {
      const item = mdv.ele('ItemDef', { OID: `IT.${d}.${x.name}`, Name: x.name, SASFieldName: x.name, DataType: DATA_TYPE[x.type], ...LENGTH[x.type] });
      item.ele('Description').ele('TranslatedText', { 'xml:lang': 'en' }).txt(x.label);
    }
  }
  return odm.end({ prettyPrint: true });
}
