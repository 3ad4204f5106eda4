import { describe, expect, it } from '@jest/globals';
import { parse } from 'csv-parse/sync';
import { parquetMetadata, parquetReadObjects } from 'hyparquet';
import { collectFiles, exportDataset } from '../testing/export-dataset.fixture.js';
import { CsvFiles, csvExport, LONG_COLUMNS } from './csv.export.js';
import { PARQUET_LONG_FILE, parquetExport } from './parquet.export.js';

async function parquetFile(rowGroupSize: number): Promise<{ buffer: ArrayBuffer; chunks: number }> {
  const parts: Uint8Array[] = [];
  for await (const c of parquetExport(exportDataset(), { rowGroupSize })) {
    expect(c.file).toBe(PARQUET_LONG_FILE);
    parts.push(c.bytes);
  }
  const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    all.set(p, at);
    at += p.length;
  }
  return { buffer: all.buffer, chunks: parts.length };
}

describe('parquetExport', () => {
  it('writes the long table as Parquet, row group by row group, that a Parquet reader reads back as the CSV says', async () => {
    const { buffer, chunks } = await parquetFile(2);
    expect(chunks).toBe(4); // 6 measurements in row groups of 2, then the footer
    const metadata = parquetMetadata(buffer);
    expect(metadata.row_groups).toHaveLength(3);
    expect(metadata.schema.slice(1).map((s) => s.name)).toEqual(LONG_COLUMNS.map((c) => c.name));
    const rows = await parquetReadObjects({ file: buffer });
    const csv = parse((await collectFiles(csvExport(exportDataset()))).get(CsvFiles.long)!, { columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(csv.length);
    rows.forEach((row, i) => {
      for (const c of LONG_COLUMNS) {
        const value = row[c.name] as unknown;
        const text = value === null || value === undefined ? '' : value instanceof Date ? value.toISOString() : String(value);
        expect([c.name, text]).toEqual([c.name, csv[i]![c.name]]);
      }
    });
    expect(rows[2]).toMatchObject({ biomarker_code: 'SMA_L3', value: 152.5, visit_num: 1, occurred_at: new Date('2026-01-05T09:00:00.000Z') });
  });

  it('gives the same bytes for the same snapshot; the row group size changes the layout, not the rows', async () => {
    const a = await parquetFile(100_000);
    const b = await parquetFile(100_000);
    expect(Buffer.from(a.buffer).equals(Buffer.from(b.buffer))).toBe(true);
    expect(await parquetReadObjects({ file: a.buffer })).toEqual(await parquetReadObjects({ file: (await parquetFile(4)).buffer }));
  });
});
