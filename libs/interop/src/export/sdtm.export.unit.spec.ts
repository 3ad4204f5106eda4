import { describe, expect, it } from '@jest/globals';
import { parse } from 'csv-parse/sync';
import { create } from 'xmlbuilder2';
import { collectFiles, exportDataset } from '../testing/export-dataset.fixture.js';
import { SDTM_DOMAINS, sdtmExport, sdtmFile } from './sdtm.export.js';

const OPTIONS = { createdAt: '2026-06-30T12:00:00Z' };
const rows = (text: string) => parse(text, { columns: true }) as Record<string, string>[];
const header = (text: string) => (parse(text, { to_line: 1 }) as string[][])[0]!;

type XmlNode = Record<string, unknown>;
const list = (x: unknown): XmlNode[] => (x === undefined ? [] : Array.isArray(x) ? (x as XmlNode[]) : [x as XmlNode]);

describe('sdtmExport', () => {
  it('writes DM with USUBJID, sex, year of birth, arm and death; erased subjects keep only what is not personal', async () => {
    const dm = rows((await collectFiles(sdtmExport(exportDataset(), OPTIONS))).get('dm.csv')!);
    expect(dm.map((r) => [r.USUBJID, r.SUBJID, r.SEX, r.BRTHDTC, r.ARMCD, r.ARM, r.DTHFL, r.DTHDTC, r.RFSTDTC, r.COUNTRY])).toEqual([
      ['TRIAL-EXP-EXP-001', 'EXP-001', 'F', '1957', 'A', 'Drug A', 'Y', '2026-06-01', '2025-12-22', 'NLD'],
      ['TRIAL-EXP-EXP-002', 'EXP-002', 'U', '', 'B', 'Placebo', '', '', '2026-01-10', 'NLD'],
      ['TRIAL-EXP-EXP-003', 'EXP-003', 'M', '1970', 'A', 'Drug A', '', '', '2026-02-01', 'NLD'],
    ]);
  });

  it('writes TU (TUMIDENT), TR (LDIAM, LPERP, SUMDIAM) and RS (RECIST 1.1) linked by --LNKID, with VISITNUM and ISO dates', async () => {
    const files = await collectFiles(sdtmExport(exportDataset(), OPTIONS));
    const tu = rows(files.get('tu.csv')!);
    const tr = rows(files.get('tr.csv')!);
    const rs = rows(files.get('rs.csv')!);
    expect(tu.map((r) => [r.TUSEQ, r.TULNKID, r.TUTESTCD, r.TUORRES, r.TULOC, r.TUMETHOD, r.VISITNUM, r.VISIT, r.TUDTC])).toEqual([
      ['1', '1.2.826.0.1.3680043.10.543.9.1', 'TUMIDENT', 'TARGET', 'LIVER', 'CT SCAN', '1', 'BASELINE', '2026-01-05'],
      ['2', '1.2.826.0.1.3680043.10.543.9.2', 'TUMIDENT', 'TARGET', 'LYMPH NODE', 'CT SCAN', '1', 'BASELINE', '2026-01-05'],
    ]);
    expect(tr.map((r) => [r.TRSEQ, r.TRLNKID, r.TRTESTCD, r.TRSTRESN, r.TRSTRESU, r.VISITNUM, r.TRDTC])).toEqual([
      ['1', '1.2.826.0.1.3680043.10.543.9.1', 'LDIAM', '30', 'mm', '1', '2026-01-05'],
      ['2', '1.2.826.0.1.3680043.10.543.9.2', 'LPERP', '20', 'mm', '1', '2026-01-05'],
      ['3', '', 'SUMDIAM', '50', 'mm', '1', '2026-01-05'],
      ['4', '1.2.826.0.1.3680043.10.543.9.1', 'LDIAM', '18', 'mm', '2', '2026-03-02'],
      ['5', '1.2.826.0.1.3680043.10.543.9.2', 'LPERP', '12', 'mm', '2', '2026-03-02'],
      ['6', '', 'SUMDIAM', '30', 'mm', '2', '2026-03-02'],
    ]);
    // Every TR lesion row links to a TU row of the same subject.
    const identified = new Set(tu.map((r) => `${r.USUBJID}|${r.TULNKID}`));
    for (const r of tr.filter((x) => x.TRLNKID)) expect(identified.has(`${r.USUBJID}|${r.TRLNKID}`)).toBe(true);
    // SOD 50 → 30 is −40 %: PR at week 8.
    expect(rs.map((r) => [r.RSSEQ, r.RSTESTCD, r.RSORRES, r.RSCAT, r.RSEVAL, r.VISITNUM])).toEqual([
      ['1', 'TRGRESP', 'PR', 'RECIST 1.1', 'INDEPENDENT ASSESSOR', '2'],
      ['2', 'NEWLIND', 'N', 'RECIST 1.1', 'INDEPENDENT ASSESSOR', '2'],
      ['3', 'OVRLRESP', 'PR', 'RECIST 1.1', 'INDEPENDENT ASSESSOR', '2'],
      ['4', 'BESTRSP', expect.any(String), 'RECIST 1.1', 'INDEPENDENT ASSESSOR', ''],
    ]);
    expect(new Set([...tu, ...tr, ...rs].map((r) => r.USUBJID))).toEqual(new Set(['TRIAL-EXP-EXP-001']));
  });

  it('describes each dataset in define.xml 2.0 with the variables in the order of the CSV headers', async () => {
    const files = await collectFiles(sdtmExport(exportDataset(), OPTIONS));
    const xml = files.get('define.xml')!;
    const odm = (create(xml).end({ format: 'object' }) as { ODM: XmlNode }).ODM;
    expect(odm['@ODMVersion']).toBe('1.3.2');
    expect(odm['@xmlns']).toBe('http://www.cdisc.org/ns/odm/v1.3');
    expect(odm['@xmlns:def']).toBe('http://www.cdisc.org/ns/def/v2.0');
    const mdv = (odm['Study'] as XmlNode)['MetaDataVersion'] as XmlNode;
    expect(mdv['@def:DefineVersion']).toBe('2.0.0');
    const items = new Map(list(mdv['ItemDef']).map((i) => [i['@OID'] as string, i]));
    const groups = list(mdv['ItemGroupDef']);
    expect(groups.map((g) => g['@Name'])).toEqual(SDTM_DOMAINS);
    for (const group of groups) {
      const domain = group['@Name'] as (typeof SDTM_DOMAINS)[number];
      const refs = list(group['ItemRef']).sort((a, b) => Number(a['@OrderNumber']) - Number(b['@OrderNumber']));
      const names = refs.map((r) => {
        const item = items.get(r['@ItemOID'] as string);
        expect(item).toBeDefined();
        return item!['@Name'];
      });
      expect(names).toEqual(header(files.get(sdtmFile(domain))!));
      expect((group['def:leaf'] as XmlNode)['@xlink:href']).toBe(sdtmFile(domain));
      // Keys are numbered 1…n and name variables of the dataset.
      const keys = refs.filter((r) => r['@KeySequence']).map((r) => Number(r['@KeySequence']));
      expect(keys.sort()).toEqual(keys.map((_, i) => i + 1));
    }
  });

  it('refuses a programme: SDTM describes trials', async () => {
    const dataset = exportDataset({ scope: { kind: 'programme', programme: { programmeId: 'P1', name: 'Lung screening' } } });
    await expect(collectFiles(sdtmExport(dataset, OPTIONS))).rejects.toThrow('programme has no SDTM');
  });
});
