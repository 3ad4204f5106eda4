import { describe, expect, it } from '@jest/globals';
import { NotJsonError, canonicalJson, canonicalContentDigest, contentDigest } from './hash-chain.js';

describe('canonicalJson', () => {
  it('sorts keys at every level and otherwise matches JSON.stringify', () => {
    const value = { b: [3, { z: 1, a: 'x' }], a: { d: null, c: true }, é: -0, n: 1.5e-7 };
    expect(canonicalJson(value)).toBe('{"a":{"c":true,"d":null},"b":[3,{"a":"x","z":1}],"n":1.5e-7,"é":0}');
    expect(JSON.parse(canonicalJson(value))).toEqual(JSON.parse(JSON.stringify(value)));
  });

  it('gives one text whatever the key order', () => {
    expect(canonicalJson({ x: 1, y: { q: 2, p: 3 } })).toBe(canonicalJson({ y: { p: 3, q: 2 }, x: 1 }));
  });

  it.each([
    ['NaN', { v: Number.NaN }],
    ['Infinity', { v: [Infinity] }],
    ['a Date', { v: new Date(0) }],
    ['a bigint', { v: 1n }],
    ['a function', { v: () => 1 }],
  ])('refuses %s, which JSON cannot carry exactly', (_label, value) => {
    expect(() => canonicalJson(value as never)).toThrow(NotJsonError);
  });
});

describe('contentDigest', () => {
  it('equals the digest of the canonical texts, so adapters may hash what they already serialised', () => {
    const e = { id: '3f0c1c6e-5d43-4a8e-9a43-2b6f1f1f0b7e', type: 'Measured', data: { v: 1, a: 'x' }, metadata: { actorId: 'u' } };
    expect(contentDigest(e)).toBe(canonicalContentDigest(e.id, e.type, '{"a":"x","v":1}', '{"actorId":"u"}'));
    expect(contentDigest({ ...e, data: { v: 2, a: 'x' } })).not.toBe(contentDigest(e));
  });
});
