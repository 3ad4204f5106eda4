import { ByteWriter, ParquetWriter, type ColumnSource, type SchemaElement } from 'hyparquet-writer';
import { exportContext } from './export-context.js';
import { LONG_COLUMNS, type Column, type LongRow } from './csv.export.js';
import type { ExportDataset } from './export-dataset.model.js';

/**
 * Parquet for R (arrow::read_parquet) and Python (pandas / polars / pyarrow): `measurements_long.parquet`, the long
 * file's columns with their types (text → UTF8 string, integer → INT32, number → DOUBLE, date-time → TIMESTAMP_MILLIS
 * UTC), every column optional. Written with hyparquet-writer (pure JavaScript, Snappy): Apache Arrow's JS package
 * reads and writes Arrow IPC but has no Parquet writer. Streamed: one row group per `rowGroupSize` measurements,
 * its bytes yielded and dropped, so memory holds one row group, not the file.
 */
export const PARQUET_LONG_FILE = 'measurements_long.parquet';

export interface ExportBinaryChunk {
  readonly file: string;
  readonly bytes: Uint8Array;
}

export interface ParquetExportOptions {
  /** Rows per row group (default 100,000). */
  readonly rowGroupSize?: number;
}

const SCHEMA_TYPE: Record<Column<never>['type'], Omit<SchemaElement, 'name'>> = {
  text: { type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' },
  integer: { type: 'INT32', repetition_type: 'OPTIONAL' },
  year: { type: 'INT32', repetition_type: 'OPTIONAL' },
  number: { type: 'DOUBLE', repetition_type: 'OPTIONAL' },
  'date-time': { type: 'INT64', converted_type: 'TIMESTAMP_MILLIS', repetition_type: 'OPTIONAL' },
};

export async function* parquetExport(dataset: ExportDataset, options: ParquetExportOptions = {}): AsyncGenerator<ExportBinaryChunk> {
  const ctx = exportContext(dataset);
  const rowGroupSize = options.rowGroupSize ?? 100_000;
  const schema: SchemaElement[] = [{ name: 'root', num_children: LONG_COLUMNS.length }, ...LONG_COLUMNS.map((c) => ({ name: c.name, ...SCHEMA_TYPE[c.type] }))];
  const writer = new ByteWriter();
  const parquet = new ParquetWriter({ writer, schema, createdBy: 'Biomarker Registry export' });
  const drain = (): ExportBinaryChunk => {
    // The writer counts `offset` (file position) apart from `index` (buffer fill): resetting the index after taking the
    // bytes is how hyparquet-writer's own file writer flushes.
    const bytes = writer.getBytes().slice();
    writer.index = 0;
    return { file: PARQUET_LONG_FILE, bytes };
  };
  let columns: unknown[][] = LONG_COLUMNS.map(() => []);
  let rows = 0;
  const flush = () => {
    const columnData: ColumnSource[] = LONG_COLUMNS.map((c, i) => ({ name: c.name, data: columns[i]! as ColumnSource['data'] }));
    parquet.write({ columnData, rowGroupSize: rows });
    columns = LONG_COLUMNS.map(() => []);
    rows = 0;
  };
  for await (const s of dataset.subjects) {
    for (const m of s.measurements) {
      const row: LongRow = { ctx, s, m };
      LONG_COLUMNS.forEach((c, i) => {
        const v = c.value(row);
        columns[i]!.push(c.type === 'date-time' && typeof v === 'string' ? new Date(v) : typeof v === 'boolean' ? String(v) : v);
      });
      if (++rows === rowGroupSize) {
        flush();
        yield drain();
      }
    }
  }
  if (rows > 0) flush();
  await parquet.finish();
  yield drain();
}
