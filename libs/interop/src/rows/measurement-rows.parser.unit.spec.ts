import { describe, expect, it } from '@jest/globals';
import { InteropProblems } from '../model/interop.problems.js';
import { resolveMeasurementReport } from '../resolve/resolve-report.js';
import { fakeResolver } from '../testing/fake-registry.resolver.js';
import { ALGORITHM_VERSION_ID, CALIPER_VERSION_ID, lungRegistry, SUBJECT_ID } from '../testing/lung-registry.fixture.js';
import { PSEUDONYM, Uids } from '../testing/tid1500.fixtures.js';
import { parse as parseCsvSync } from 'csv-parse/sync';
import {
  parseMeasurementRows,
  REFUSED_ROWS_CSV_HEADER,
  refusedRowCsvLine,
  rowReport,
  type MeasurementRowResult,
  type RowSource,
} from './measurement-rows.parser.js';

const CSV = [
  'subject_pseudonym,study_instance_uid,biomarker_code,value,unit,category,reader_id,algorithm_version_id,time_point,occurred_at,lesion_tracking_uid,lesion_label,lesion_role,finding_site',
  `${PSEUDONYM},${Uids.baselineStudy},LESION_LD,24,mm,,,${ALGORITHM_VERSION_ID},BASELINE,2026-01-05T10:15:00Z,${Uids.lesion2},"Liver lesion 2, segment VII",target,Liver`,
  `${PSEUDONYM},${Uids.followUpStudy},LESION_LD,1.85,cm,,reader-anna,${CALIPER_VERSION_ID},WEEK12,2026-04-06T09:30:00+02:00,${Uids.lesion2},"Liver lesion 2, segment VII",target,Liver`,
  `${PSEUDONYM},${Uids.followUpStudy},LUNG_RADS,,,4A,reader-anna,,WEEK12,,,,,`,
  '',
].join('\r\n');

async function all(source: RowSource, format: 'csv' | 'ndjson'): Promise<MeasurementRowResult[]> {
  const out: MeasurementRowResult[] = [];
  for await (const r of parseMeasurementRows(source, format)) out.push(r);
  return out;
}

/** The same bytes in small chunks, cut anywhere (also inside a multi-byte character and inside quotes). */
function* chunks(text: string, size: number): Generator<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

describe('CSV / NDJSON measurement rows', () => {
  it('streams CSV rows into items: quoted fields, lesion, ai, semi-automatic and categorical rows', async () => {
    const rows = await all([CSV], 'csv');
    expect(rows.map((r) => [r.row, r.problems])).toEqual([
      [1, []],
      [2, []],
      [3, []],
    ]);
    expect(rows[0]!.item).toMatchObject({
      subject: { kind: 'pseudonym', pseudonym: PSEUDONYM },
      study: { studyInstanceUid: Uids.baselineStudy, seriesInstanceUid: null },
      concept: { scheme: 'REGISTRY', value: 'LESION_LD' },
      value: { kind: 'quantity', value: 24, unit: 'mm' },
      observer: { kind: 'device', algorithmVersionId: ALGORITHM_VERSION_ID },
      lesion: { uid: Uids.lesion2, label: 'Liver lesion 2, segment VII' },
      lesionRole: 'target',
      timePoint: 'BASELINE',
      occurredAt: '2026-01-05T10:15:00.000Z',
      source: { kind: 'row', row: 1 },
    });
    expect(rows[1]!.item).toMatchObject({
      observer: { kind: 'person', id: 'reader-anna' },
      algorithm: { versionId: CALIPER_VERSION_ID },
      occurredAt: '2026-04-06T07:30:00.000Z',
    });
    expect(rows[2]!.item!.value).toEqual({ kind: 'text', text: '4A' });
  });

  it('gives every row the same key when the file is read again, in any chunking, and as NDJSON', async () => {
    const keys = (rs: MeasurementRowResult[]) => rs.map((r) => r.item!.idempotencyKey);
    const whole = keys(await all([CSV], 'csv'));
    expect(new Set(whole).size).toBe(3);
    expect(whole[0]).toMatch(/^row:sha256:[0-9a-f]{64}$/);
    expect(keys(await all(chunks(CSV, 7), 'csv'))).toEqual(whole);
    const ndjson = (await all([CSV], 'csv')).map((r) => {
      const i = r.item!;
      const v = i.value;
      return JSON.stringify({
        subject_pseudonym: PSEUDONYM,
        study_instance_uid: i.study.studyInstanceUid,
        biomarker_code: i.concept.value,
        ...(v.kind === 'quantity' ? { value: v.value, unit: v.unit } : v.kind === 'text' ? { category: v.text } : {}),
        ...(i.observer.kind === 'person' ? { reader_id: i.observer.id } : {}),
        algorithm_version_id: i.observer.kind === 'device' ? i.observer.algorithmVersionId : (i.algorithm?.versionId ?? null),
        time_point: i.timePoint,
        occurred_at: [CSV.split('\r\n')[r.row]!.split(',')[9]].find(Boolean) ?? null,
        lesion_tracking_uid: i.lesion?.uid ?? null,
        lesion_label: i.lesion?.label ?? null,
        lesion_role: i.lesionRole,
        finding_site: i.findingSite?.value ?? null,
      });
    });
    const fromNdjson = await all(chunks(`${ndjson.join('\n')}\n\n`, 5), 'ndjson');
    expect(fromNdjson.map((r) => r.problems)).toEqual([[], [], []]);
    expect(keys(fromNdjson)).toEqual(whole);
  });

  it('a measurement_key column keys the row by it', async () => {
    const rows = await all(
      [
        `measurement_key,subject_id,study_instance_uid,biomarker_code,value,unit,reader_id,time_point\nm-1,${SUBJECT_ID},${Uids.baselineStudy},LESION_SA,9,mm,reader-anna,BASELINE\n`,
      ],
      'csv',
    );
    expect(rows[0]!.item).toMatchObject({ idempotencyKey: 'row:key:m-1', subject: { kind: 'id', subjectId: SUBJECT_ID } });
  });

  it('lists every problem of every bad row with its row number and column, and keeps reading', async () => {
    const csv = [
      'subject_pseudonym,subject_id,study_instance_uid,biomarker_code,value,unit,category,reader_id,time_point,occurred_at,lesion_tracking_uid,lesion_label,lesion_role',
      `,,1.2.03,LESION_LD,"12,5",MM,,,,2026-13-45,,Lesion 1,primary`,
      `${PSEUDONYM},${SUBJECT_ID},${Uids.baselineStudy},,3,mm,solid,reader-anna,BASELINE,,,,`,
      `${PSEUDONYM},,${Uids.baselineStudy},LESION_LD,3,mm,,reader-anna,BASELINE,,,,`,
      `${PSEUDONYM},,${Uids.baselineStudy},LESION_LD,3`,
    ].join('\n');
    const rows = await all([csv], 'csv');
    expect(rows.map((r) => r.problems.map((p) => [p.row, p.path, p.code]))).toEqual([
      [
        [1, 'subject_pseudonym', InteropProblems.MISSING_ELEMENT],
        [1, 'study_instance_uid', InteropProblems.INVALID_DICOM_UID],
        [1, 'value', InteropProblems.INVALID_VALUE],
        [1, 'unit', InteropProblems.INVALID_UCUM_UNIT],
        [1, 'reader_id', InteropProblems.MISSING_ELEMENT],
        [1, 'time_point', InteropProblems.MISSING_ELEMENT],
        [1, 'occurred_at', InteropProblems.INVALID_DATE_TIME],
        [1, 'lesion_role', InteropProblems.INVALID_VALUE],
        [1, 'lesion_tracking_uid', InteropProblems.MISSING_ELEMENT],
      ],
      [
        [2, 'subject_id', InteropProblems.INVALID_VALUE],
        [2, 'biomarker_code', InteropProblems.MISSING_ELEMENT],
        [2, 'category', InteropProblems.INVALID_VALUE],
      ],
      [],
      [[4, '', InteropProblems.INVALID_CSV]],
    ]);
    expect(rows[2]!.item).not.toBeNull();
  });

  it('refuses a file with an unknown column at the header, and stops at the row where the CSV breaks', async () => {
    const unknown = await all(['subject_pseudonym,study_uid,biomarker_code\nA,1.2.3,X\n'], 'csv');
    expect(unknown).toEqual([
      { row: 0, item: null, fields: null, problems: [expect.objectContaining({ code: InteropProblems.UNKNOWN_COLUMN, path: 'study_uid', row: 0 })] },
    ]);
    const broken = await all(
      [
        `subject_pseudonym,study_instance_uid,biomarker_code,value,unit,reader_id,time_point\n${PSEUDONYM},${Uids.baselineStudy},LESION_LD,3,mm,reader-anna,BL\n"unterminated,quote\n`,
      ],
      'csv',
    );
    expect(broken.map((r) => [r.row, r.problems.map((p) => p.code)])).toEqual([
      [1, []],
      [2, [InteropProblems.INVALID_CSV]],
    ]);
    const ndjson = await all(['{"subject_pseudonym":"A"}\nnot json\n[1]\n{"colour":"red"}\n{"value":true}\n'], 'ndjson');
    expect(ndjson.map((r) => [r.row, r.problems.map((p) => `${p.code}:${p.path}`)[0]])).toEqual([
      [1, 'MISSING_ELEMENT:study_instance_uid'],
      [2, 'INVALID_JSON:'],
      [3, 'INVALID_JSON:'],
      [4, 'UNKNOWN_COLUMN:colour'],
      [5, 'INVALID_VALUE:value'],
    ]);
  });

  it('resolves rows one by one: conversion, semi-automatic, categorical text, and refusals with the row number', async () => {
    const resolver = fakeResolver(lungRegistry());
    const results = [];
    for await (const r of parseMeasurementRows([CSV], 'csv'))
      results.push(await resolveMeasurementReport(rowReport(r, 'csv'), resolver, { mappingProblems: r.problems }));
    expect(results.map((r) => r.ok && r.measurements[0]!.command)).toEqual([
      expect.objectContaining({
        subjectId: SUBJECT_ID,
        biomarkerId: 'LESION_LD',
        method: 'ai',
        algorithmVersionId: ALGORITHM_VERSION_ID,
        lesion: { trackingUid: Uids.lesion2, label: 'Liver lesion 2, segment VII', findingSite: 'Liver', role: 'target' },
      }),
      expect.objectContaining({
        method: 'semi_automatic',
        readerId: 'reader-anna',
        algorithmVersionId: CALIPER_VERSION_ID,
        value: { value: 1.85, unit: 'cm' },
      }),
      expect.objectContaining({ biomarkerId: 'LUNG_RADS', value: { category: '4A' }, method: 'manual' }),
    ]);
    const retired = CSV.replace(`,,,${ALGORITHM_VERSION_ID},`, ',,,algo-noduleai-1.0.0,').replace('LUNG_RADS,,,4A', 'LUNG_RADS,,,7');
    const refused = [];
    for await (const r of parseMeasurementRows([retired], 'csv')) {
      const res = await resolveMeasurementReport(rowReport(r, 'csv'), resolver, { mappingProblems: r.problems });
      if (!res.ok) refused.push(...res.problems.map((p) => [p.row, p.code]));
    }
    expect(refused).toEqual([
      [1, InteropProblems.UNKNOWN_ALGORITHM],
      [3, InteropProblems.UNKNOWN_CATEGORY],
    ]);
  });

  it('writes refused rows with their reasons as CSV that reads back to the original fields', async () => {
    const csv = `subject_pseudonym,study_instance_uid,biomarker_code,value,unit,reader_id,time_point,lesion_label\n${PSEUDONYM},1.2.03,LESION_LD,"1,5",mm,reader-anna,BL,"Lesion ""A"", liver"\n`;
    const [row] = await all([csv], 'csv');
    const text = `${REFUSED_ROWS_CSV_HEADER}\n${refusedRowCsvLine(row!, row!.problems)}\n`;
    const [back] = parseCsvSync(text, { columns: true }) as Record<string, string>[];
    expect(back).toMatchObject({ row: '1', study_instance_uid: '1.2.03', value: '1,5', lesion_label: 'Lesion "A", liver', subject_id: '' });
    expect(back!.problems).toContain('INVALID_DICOM_UID study_instance_uid:');
    expect(back!.problems).toContain('; INVALID_VALUE value:');
  });
});
