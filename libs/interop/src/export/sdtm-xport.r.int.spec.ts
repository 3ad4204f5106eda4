import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { parse } from 'csv-parse/sync';
import { collectFiles, exportDataset } from '../testing/export-dataset.fixture.js';
import { SDTM_DATASETS, SDTM_DOMAINS, sdtmExport, sdtmFile } from './sdtm.export.js';
import { sdtmXport } from './sdtm-xport.export.js';

/**
 * The SDTM transport file read back by an independent reader: R's foreign::read.xport (Debian r-base-core; .ci/run
 * installs it). Every member, variable, type and value must be what the CSVs of the same dataset say.
 */
const OPTIONS = { createdAt: '2026-06-30T12:00:00Z' };
const R_READ = `
f <- commandArgs(trailingOnly = TRUE)[1]
d <- foreign::read.xport(f)
if (is.data.frame(d)) d <- list(DM = d)
out <- lapply(names(d), function(n) {
  x <- d[[n]]
  list(name = n, columns = names(x), numeric = unname(sapply(x, is.numeric)),
       rows = lapply(seq_len(nrow(x)), function(i) lapply(x[i, , drop = FALSE], function(v) if (is.numeric(v)) { if (is.na(v)) NULL else format(v, digits = 17) } else as.character(v))))
})
cat(jsonlite::toJSON(out, auto_unbox = TRUE, null = "null"))
`;

describe('SDTM as SAS XPORT v5, read by R foreign::read.xport', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'xport-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads back every domain with the CSV rows, numbers numeric and text as text', async () => {
    const dataset = exportDataset();
    const file = await sdtmXport(dataset, OPTIONS);
    const path = join(dir, 'sdtm.xpt');
    await writeFile(path, file);
    await writeFile(join(dir, 'read.R'), R_READ);
    const read = JSON.parse(execFileSync('Rscript', [join(dir, 'read.R'), path], { encoding: 'utf8' })) as {
      name: string;
      columns: string[];
      numeric: boolean[];
      rows: Record<string, string | null>[];
    }[];
    expect(read.map((m) => m.name)).toEqual(SDTM_DOMAINS);
    const csv = await collectFiles(sdtmExport(exportDataset(), OPTIONS));
    for (const m of read) {
      const spec = SDTM_DATASETS[m.name as keyof typeof SDTM_DATASETS];
      expect(m.columns).toEqual(spec.variables.map((v) => v.name));
      expect(m.numeric).toEqual(spec.variables.map((v) => v.type !== 'text'));
      const expected = parse(csv.get(sdtmFile(m.name as keyof typeof SDTM_DATASETS))!, { columns: true }) as Record<string, string>[];
      expect(m.rows.length).toBe(expected.length);
      m.rows.forEach((row, i) => {
        for (const v of spec.variables) {
          const want = expected[i]![v.name]!;
          const got = row[v.name];
          if (v.type === 'text') expect([v.name, got]).toEqual([v.name, want]);
          else expect([v.name, got === null || got === undefined ? '' : Number(got)]).toEqual([v.name, want === '' ? '' : Number(want)]);
        }
      });
    }
    expect(read.find((m) => m.name === 'TR')!.rows.length).toBeGreaterThan(0);
    // The same dataset gives the same bytes.
    expect((await sdtmXport(exportDataset(), OPTIONS)).equals(file)).toBe(true);
  });
});
