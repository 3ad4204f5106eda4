import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { resolveMeasurementReport } from '../resolve/resolve-report.js';
import { fakeResolver } from '../testing/fake-registry.resolver.js';
import { lungRegistry, SUBJECT_ID } from '../testing/lung-registry.fixture.js';
import { buildTid1500Part10 } from '../testing/tid1500.builder.js';
import { baselineReport, Concepts, followUpReport, PSEUDONYM, Uids } from '../testing/tid1500.fixtures.js';
import { mapDicomSrPart10 } from './tid1500.mapper.js';

/**
 * A second, independent DICOM toolkit checks both directions: DCMTK (Debian package `dcmtk`) reads the SRs our
 * test builder writes and agrees with what the mapper read from them, item by item; and an SR that DCMTK's xml2dsr
 * makes from a hand-written TID 1500 XML document maps correctly. These tests need dcmtk and fail without it
 * (`.ci/run` installs it; locally: `apt-get install -y dcmtk`).
 */
const tools = ['dsrdump', 'dsr2xml', 'xml2dsr'];
let dir: string;

beforeAll(() => {
  const missing = tools.filter((t) => spawnSync('sh', ['-c', `command -v ${t}`]).status !== 0);
  if (missing.length) throw new Error(`dcmtk is required for this suite (missing ${missing.join(', ')}): apt-get install -y dcmtk`);
  dir = mkdtempSync(join(tmpdir(), 'interop-dcmtk-'));
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** dsrdump with content item positions, strict (no -E options): every line `1.10.1.7  <contains NUM:…>`. */
function dsrdump(file: string): { lines: Map<string, string>; stderr: string } {
  const run = spawnSync('dsrdump', ['-v', '+Pn', file], { encoding: 'utf8' });
  expect(run.status).toBe(0);
  const lines = new Map<string, string>();
  for (const line of run.stdout.split('\n')) {
    const m = /^(\d+(?:\.\d+)*)\s+(<.*)$/.exec(line);
    if (m) lines.set(m[1]!, m[2]!);
  }
  return { lines, stderr: run.stderr };
}

describe('TID 1500 SRs checked with DCMTK', () => {
  it.each([
    ['baseline', baselineReport],
    ['follow-up', followUpReport],
  ])('DCMTK reads the %s SR without a warning and sees at each mapped path the concept, value and unit the mapper read', (_name, fixture) => {
    const buffer = buildTid1500Part10(fixture());
    const file = join(dir, `${_name}.dcm`);
    writeFileSync(file, buffer);
    const { lines, stderr } = dsrdump(file);
    expect(stderr).not.toMatch(/^[WE]: /m);
    const { report, problems } = mapDicomSrPart10(buffer);
    expect(problems).toEqual([]);
    expect(report.items).toHaveLength(7);
    for (const item of report.items) {
      const line = lines.get(item.source.path);
      expect(line).toBeDefined();
      expect(line).toContain(`"${item.concept.meaning}")`);
      switch (item.value.kind) {
        case 'quantity':
          expect(line).toMatch(/^<contains NUM:/);
          expect(line).toContain(`="${item.value.value}" (${item.value.unit},UCUM,`);
          break;
        case 'coded':
          expect(line).toMatch(/^<contains CODE:/);
          expect(line).toContain(`=(${item.value.code.value},${item.value.code.scheme},"${item.value.code.meaning}")`);
          break;
        case 'text':
          expect(line).toContain(`="${item.value.text}"`);
          break;
      }
    }
    // The lesion identity the mapper read is the one DCMTK reads in the group.
    const groupOf = (path: string) => path.split('.').slice(0, 3).join('.');
    for (const item of report.items.filter((i) => i.lesion)) {
      expect(lines.get(`${groupOf(item.source.path)}.2`)).toBe(`<has obs context UIDREF:(,,"Tracking Unique Identifier")="${item.lesion!.uid}">`);
    }
    // dsr2xml writes the Observation UIDs the idempotency keys are made of.
    const xml = execFileSync('dsr2xml', ['-q', file], { encoding: 'utf8' });
    for (const item of report.items) expect(xml).toContain(`<observation uid="${item.idempotencyKey.split('/')[1]}">`);
  });

  it('maps an SR that DCMTK xml2dsr made from a hand-written TID 1500 XML document (person observer, planar group, cm → mm, coded value)', async () => {
    const xmlFile = new URL('../testing/fixtures/tid1500-reader-follow-up.xml', import.meta.url).pathname;
    const file = join(dir, 'hand.dcm');
    execFileSync('xml2dsr', ['-q', xmlFile, file]);
    const { report, problems } = mapDicomSrPart10(readFileSync(file));
    expect(problems).toEqual([]);
    expect(report.documentKey).toBe('1.2.826.0.1.3680043.10.543.1.2.8.1');
    expect(report.items.map((i) => [i.source.path, i.concept.meaning, i.value, i.timePoint, i.group?.template])).toEqual([
      ['1.7.1.7', 'Long axis', { kind: 'quantity', value: 1.75, unit: 'cm', unitMeaning: 'centimeter' }, 'WEEK12', '1410'],
      ['1.7.1.8', 'Short axis', { kind: 'quantity', value: 11, unit: 'mm', unitMeaning: 'millimeter' }, 'WEEK12', '1410'],
      ['1.7.2.2', 'Lung-RADS category', { kind: 'coded', code: Concepts.lungRads4A }, 'WEEK12', '1501'],
    ]);
    expect(report.items[0]).toMatchObject({
      idempotencyKey: '1.2.826.0.1.3680043.10.543.1.2.8.1/1.2.826.0.1.3680043.10.543.9.1',
      subject: { kind: 'pseudonym', pseudonym: PSEUDONYM },
      observer: { kind: 'person', name: 'Smith^Anna', id: 'anna.smith' },
      study: { studyInstanceUid: Uids.followUpStudy, seriesInstanceUid: Uids.followUpCtSeries, sopInstanceUids: ['1.2.826.0.1.3680043.10.543.1.2.2.31'] },
      lesion: { label: 'Liver lesion 2', uid: Uids.lesion2 },
      findingSite: Concepts.liver,
      derivation: Concepts.maximum,
      occurredAt: '2026-04-06T10:58:00.000Z',
    });
    const resolved = await resolveMeasurementReport(report, fakeResolver(lungRegistry()));
    if (!resolved.ok) throw new Error(JSON.stringify(resolved.problems));
    expect(resolved.measurements.map((m) => m.command)).toEqual([
      expect.objectContaining({
        subjectId: SUBJECT_ID,
        biomarkerId: 'LESION_LD',
        value: { value: 1.75, unit: 'cm' },
        method: 'manual',
        readerId: 'reader-anna',
        algorithmVersionId: null,
        lesion: { trackingUid: Uids.lesion2, label: 'Liver lesion 2', findingSite: 'Liver', role: 'target' },
      }),
      expect.objectContaining({ biomarkerId: 'LESION_SA', value: { value: 11, unit: 'mm' } }),
      expect.objectContaining({ biomarkerId: 'LUNG_RADS', value: { category: '4A' }, lesion: null }),
    ]);
  });

  it('DCMTK and the mapper both refuse a report whose NUM has no unit', () => {
    const r = baselineReport();
    const buffer = buildTid1500Part10({
      ...r,
      groups: [{ ...r.groups[2]!, qualitative: [], measurements: [{ concept: Concepts.malignancyScore, value: '0.5', unit: null }] }],
    });
    const file = join(dir, 'no-unit.dcm');
    writeFileSync(file, buffer);
    expect(spawnSync('dsrdump', ['-q', file]).status).not.toBe(0);
    expect(mapDicomSrPart10(buffer).problems.map((p) => [p.code, p.path])).toEqual([['MISSING_ELEMENT', '1.10.1.1']]);
  });
});
