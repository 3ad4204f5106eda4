/** A CSV field: null is an empty field (SQL NULL for PostgreSQL COPY … CSV), '' a quoted empty string. */
export type CsvValue = string | number | boolean | null;

const NEEDS_QUOTES = /[",\r\n]|^$|^\s|\s$/;

/**
 * One RFC 4180 record with its CRLF. A small quoter of our own: csv-stringify is only in node_modules as an old
 * transitive copy (1.1.2), and a record is one join. Fields with a comma, quote, CR or LF, leading or trailing blanks,
 * and the empty string are quoted (quotes doubled), so null and '' stay apart as PostgreSQL's COPY CSV reads them.
 */
export function csvRecord(values: readonly CsvValue[]): string {
  let out = '';
  for (let i = 0; i < values.length; i++) {
    if (i > 0) out += ',';
    const v = values[i];
    if (v === null || v === undefined) continue;
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) throw new Error(`CSV field ${i} is not a finite number: ${v}`);
      out += String(v);
    } else if (typeof v === 'boolean') out += v ? 'true' : 'false';
    else out += NEEDS_QUOTES.test(v) ? `"${v.replaceAll('"', '""')}"` : v;
  }
  return `${out}\r\n`;
}

/** A table's columns and how to read one of its rows: the header and the records come from one list. */
export interface CsvTable<Row> {
  readonly columns: readonly string[];
  readonly record: (row: Row) => readonly CsvValue[];
}
