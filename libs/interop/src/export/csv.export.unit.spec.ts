import { describe, expect, it } from '@jest/globals';
import { parse } from 'csv-parse/sync';
import { collectFiles, exportDataset } from '../testing/export-dataset.fixture.js';
import { CsvFiles, csvExport } from './csv.export.js';

const table = (text: string) => parse(text, { columns: true, bom: false, relax_column_count: false }) as Record<string, string>[];

describe('csvExport', () => {
  it('writes the long file: one row per measurement, quoted where RFC 4180 needs it', async () => {
    const files = await collectFiles(csvExport(exportDataset()));
    expect([...files.keys()].sort()).toEqual([CsvFiles.dictionary, CsvFiles.long, CsvFiles.subjects, CsvFiles.wide].sort());
    const long = table(files.get(CsvFiles.long)!);
    expect(long).toHaveLength(6);
    expect(long[2]).toMatchObject({
      study_id: 'TRIAL-EXP',
      subject_pseudonym: 'EXP-001',
      time_point: 'BASELINE',
      visit_num: '1',
      biomarker_code: 'SMA_L3',
      value: '152.5',
      unit: 'cm2',
      original_value: '15250',
      original_unit: 'mm2',
      method: 'ai',
      algorithm_uri: 'urn:registry:algorithm:alg-body-1',
      reader_id: '',
    });
    expect(long[5]).toMatchObject({
      subject_pseudonym: 'EXP-002',
      category: '4A',
      lesion_label: 'Nodule "A", right',
      lesion_finding_site: 'Lung, right upper lobe',
    });
    expect(files.get(CsvFiles.long)).toContain('"Nodule ""A"", right","Lung, right upper lobe"');
    expect(files.get(CsvFiles.long)!.split('\r\n')).toHaveLength(8); // header + 6 rows + the empty tail after the last CRLF
  });

  it('writes the wide file: a column per catalogue biomarker, one row per subject × time point × lesion × observer', async () => {
    const files = await collectFiles(csvExport(exportDataset()));
    const wide = table(files.get(CsvFiles.wide)!);
    expect(Object.keys(wide[0]!)).toEqual([
      'study_id',
      'subject_pseudonym',
      'arm_code',
      'site_id',
      'time_point',
      'visit_num',
      'lesion_tracking_uid',
      'lesion_label',
      'observer',
      'repeat',
      'LDIAM',
      'LPERP',
      'LUNGRADS',
      'SMA_L3',
    ]);
    const row = (pseudonym: string, tp: string, label: string) =>
      wide.find((r) => r.subject_pseudonym === pseudonym && r.time_point === tp && r.lesion_label === label);
    expect(wide).toHaveLength(6);
    expect(row('EXP-001', 'BASELINE', 'Liver lesion 1')).toMatchObject({ LDIAM: '30', LPERP: '', SMA_L3: '', observer: 'reader:reader-1', repeat: '1' });
    expect(row('EXP-001', 'BASELINE', '')).toMatchObject({ SMA_L3: '152.5', observer: 'algorithm:alg-body-1' });
    expect(row('EXP-001', 'WEEK8', 'Node 1')).toMatchObject({ LPERP: '12', visit_num: '2' });
    expect(row('EXP-002', 'BASELINE', 'Nodule "A", right')).toMatchObject({ LUNGRADS: '4A' });
    // Visit order within a subject: every BASELINE row of EXP-001 before its WEEK8 rows.
    const tps = wide.filter((r) => r.subject_pseudonym === 'EXP-001').map((r) => r.time_point);
    expect(tps).toEqual([...tps].sort((a, b) => (a === b ? 0 : a === 'BASELINE' ? -1 : 1)));
  });

  it('puts a repeat read of the same key on a second row instead of losing it', async () => {
    const base = exportDataset();
    const repeated = {
      ...base,
      subjects: (async function* () {
        for await (const s of base.subjects) {
          if (s.pseudonym !== 'EXP-001') continue;
          yield { ...s, measurements: [...s.measurements, { ...s.measurements[0]!, measurementId: 'm-repeat', value: 31 }] };
        }
      })(),
    };
    const wide = table((await collectFiles(csvExport(repeated))).get(CsvFiles.wide)!);
    expect(wide.filter((r) => r.lesion_label === 'Liver lesion 1' && r.time_point === 'BASELINE').map((r) => [r.repeat, r.LDIAM])).toEqual([
      ['1', '30'],
      ['2', '31'],
    ]);
  });

  it('describes every column of every file in the data dictionary, biomarkers with unit, categories and concepts', async () => {
    const files = await collectFiles(csvExport(exportDataset()));
    const dictionary = table(files.get(CsvFiles.dictionary)!);
    for (const file of [CsvFiles.subjects, CsvFiles.long, CsvFiles.wide]) {
      const header = Object.keys(table(files.get(file)!)[0]!);
      expect(dictionary.filter((d) => d.file === file).map((d) => d.column)).toEqual(header);
    }
    expect(dictionary.find((d) => d.column === 'SMA_L3')).toMatchObject({ type: 'number', unit: 'cm2', concepts: 'SCT:91727004 Skeletal muscle' });
    expect(dictionary.find((d) => d.column === 'LUNGRADS')).toMatchObject({ type: 'text', categories: '1|2|3|4A|4B' });
  });

  it('writes subjects with year of birth and sex where present, empty when erased', async () => {
    const subjects = table((await collectFiles(csvExport(exportDataset()))).get(CsvFiles.subjects)!);
    expect(subjects.map((s) => [s.subject_pseudonym, s.year_of_birth, s.sex, s.erased, s.death_at])).toEqual([
      ['EXP-001', '1957', 'female', 'false', '2026-06-01T00:00:00.000Z'],
      ['EXP-002', '', '', 'true', ''],
      ['EXP-003', '1970', 'male', 'false', ''],
    ]);
  });
});
