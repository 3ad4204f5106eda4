import { describe, expect, it } from '@jest/globals';
import { parse } from 'csv-parse/sync';
import { csvRecord } from './csv.writer.js';

describe('csvRecord (RFC 4180)', () => {
  it('quotes what needs it, keeps null and the empty string apart, and parses back', () => {
    const line = csvRecord(['plain', 'a,b', 'say "hi"', 'two\nlines', '', null, 1.5, -0, true, ' pad']);
    expect(line).toBe('plain,"a,b","say ""hi""","two\nlines","",,1.5,0,true," pad"\r\n');
    expect(parse(line, { relax_column_count: false })).toEqual([['plain', 'a,b', 'say "hi"', 'two\nlines', '', '', '1.5', '0', 'true', ' pad']]);
  });

  it('refuses a non-finite number instead of writing NaN into a dataset', () => {
    expect(() => csvRecord([Number.NaN])).toThrow('not a finite number');
  });
});
