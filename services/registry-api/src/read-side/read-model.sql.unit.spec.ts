import { describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { iso } from './connection.queries.js';
import { isoFromPg, preparedName } from './read-model.sql.js';

describe('isoFromPg (timestamptz text → the API form)', () => {
  const viaDate = (text: string): string => (pg.types.getTypeParser(1184, 'text')(text) as Date).toISOString();

  it.each([
    '2026-11-27 16:00:25.123+00',
    '2026-11-27 16:00:25.123456+00',
    '2026-11-27 16:00:25.1+00',
    '2026-11-27 16:00:25+00',
    '1999-12-31 23:59:59.999999+00',
    '2026-11-27 17:00:25.5+01',
    '2026-11-27 10:30:25.25-05:30',
  ])('gives what parsing into a Date and printing it gives: %s', (text) => {
    expect(isoFromPg(text)).toBe(viaDate(text));
  });

  it('leaves a value no Date can hold as PostgreSQL printed it', () => {
    expect(isoFromPg('infinity')).toBe('infinity');
  });

  it('iso passes the API form through and converts everything else', () => {
    expect(iso('2026-11-27T16:00:25.123Z')).toBe('2026-11-27T16:00:25.123Z');
    expect(iso('2026-11-27T17:00:25+01:00')).toBe('2026-11-27T16:00:25.000Z');
    expect(iso(new Date(Date.UTC(2026, 10, 27)))).toBe('2026-11-27T00:00:00.000Z');
    expect(iso(null)).toBeNull();
  });
});

describe('preparedName (statements each connection prepares once)', () => {
  it('names a text the same way every time, different texts differently, and stops naming after 256 texts', () => {
    const a = preparedName('SELECT 1');
    expect(a).toMatch(/^rm_[0-9a-f]{24}$/);
    expect(preparedName('SELECT 1')).toBe(a);
    expect(preparedName('SELECT 2')).not.toBe(a);
    const names = Array.from({ length: 300 }, (_, i) => preparedName(`SELECT ${i + 10}`));
    expect(names.filter((n) => n !== undefined)).toHaveLength(256 - 2);
    expect(names.at(-1)).toBeUndefined();
    // Texts named before the limit keep their names.
    expect(preparedName('SELECT 1')).toBe(a);
  });
});
