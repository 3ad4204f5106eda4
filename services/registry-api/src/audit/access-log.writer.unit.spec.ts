import { randomBytes } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { accessLogHashKey, variablesHash } from './access-log.writer.js';

const key = accessLogHashKey(randomBytes(32));

describe('variablesHash', () => {
  it('does not depend on key order', () => {
    expect(variablesHash({ a: 1, b: { c: 2, d: 3 } }, key)).toBe(variablesHash({ b: { d: 3, c: 2 }, a: 1 }, key));
  });

  it('still hashes hostile variables that are not JSON (1e999 parses to Infinity), so their access is logged', () => {
    const hostile = variablesHash({ input: { value: Infinity } }, key);
    expect(hostile).toMatch(/^[0-9a-f]{64}$/);
    expect(hostile).not.toBe(variablesHash({ input: { value: 1 } }, key));
  });

  it('is keyed: without the registry key a guessed input cannot be confirmed against the log', () => {
    const guess = { input: { yearOfBirth: 1961, sex: 'F' } };
    const otherKey = accessLogHashKey(randomBytes(32));
    expect(variablesHash(guess, key)).not.toBe(variablesHash(guess, otherKey));
    expect(variablesHash(guess, key)).toBe(variablesHash(guess, key));
  });
});
