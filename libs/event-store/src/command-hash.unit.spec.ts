import { createHash } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { commandHash } from './handle-command.js';
import { canonicalJson } from './hash-chain.js';
import type { JsonValue } from './event-store.js';

/** commandHash as first written (a JSON round trip, then canonical JSON): stored hashes must keep meaning the same. */
function roundTripHash(fingerprint: unknown, reason: string | undefined): string {
  const normal = JSON.parse(
    JSON.stringify({ command: fingerprint, reason: reason ?? null }, (_key, value: unknown) =>
      typeof value === 'bigint' ? value.toString() : value === null ? undefined : value,
    ),
  ) as JsonValue;
  return createHash('sha256').update(canonicalJson(normal)).digest('hex');
}

const nullProto = (o: Record<string, unknown>): Record<string, unknown> => Object.assign(Object.create(null) as Record<string, unknown>, o);

describe('commandHash', () => {
  const cases: [string, unknown][] = [
    [
      'a measurement item as GraphQL coerces it (null-prototype objects)',
      nullProto({
        subjectId: 's',
        biomarkerId: 'b',
        biomarkerVersion: 1,
        value: nullProto({ value: 12.5, unit: 'cm2' }),
        studyInstanceUid: '1.2.3',
        timePoint: 'UNSCHEDULED',
        method: 'MANUAL',
        lesion: null,
      }),
    ],
    ['keys in any order', { z: 1, a: { y: [3, 2, 1], b: 'x' }, m: true }],
    ['nulls and undefined dropped in objects, kept as null in arrays', { a: null, b: undefined, c: [null, undefined, 1, () => 1, Symbol('s')], d: () => 2 }],
    ['bigints as strings', { revision: 12n, list: [1n, -3n] }],
    ['non-finite numbers and negative zero', { a: Number.NaN, b: Number.POSITIVE_INFINITY, c: [Number.NEGATIVE_INFINITY], d: -0, e: 1e21, f: 5e-7 }],
    ['strings that need escaping', { 'k"\n': 'quote " backslash \\ newline \n unicode ✓ \u2028 \u0001', emoji: '😀' }],
    ['dates and other toJSON values', { at: new Date('2025-01-06T10:00:00Z'), nested: { toJSON: () => ({ b: 1, a: 2 }) } }],
    [
      'class instances and collections',
      {
        map: new Map([[1, 2]]),
        set: new Set([1]),
        when: new (class Point {
          x = 1;
          y = 2;
        })(),
      },
    ],
    ['boxed primitives', { s: Object('x'), n: Object(2), b: Object(false) }],
    ['an own __proto__ key', JSON.parse('{"__proto__": {"a": 1}, "b": 2}')],
    ['empty things', { a: {}, b: [], c: '' }],
    ['nothing at all', undefined],
    ['a bare string', 'x'],
  ];
  it.each(cases)('is the canonical SHA-256 of the JSON round trip: %s', (_name, fingerprint) => {
    for (const reason of [undefined, 'typo in the value']) expect(commandHash(fingerprint, reason)).toBe(roundTripHash(fingerprint, reason));
  });

  it('is the same for deeply nested input as the round trip (which refuses more than 64 levels)', () => {
    let shallow: unknown = 1;
    for (let i = 0; i < 60; i++) shallow = { n: shallow };
    expect(commandHash(shallow, undefined)).toBe(roundTripHash(shallow, undefined));
    let deep: unknown = 1;
    for (let i = 0; i < 70; i++) deep = [deep];
    expect(() => commandHash(deep, undefined)).toThrow();
    expect(() => roundTripHash(deep, undefined)).toThrow();
  });
});
