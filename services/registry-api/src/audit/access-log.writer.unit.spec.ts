import { describe, expect, it } from '@jest/globals';
import { variablesHash } from './access-log.writer.js';

describe('variablesHash', () => {
  it('does not depend on key order', () => {
    expect(variablesHash({ a: 1, b: { c: 2, d: 3 } })).toBe(variablesHash({ b: { d: 3, c: 2 }, a: 1 }));
  });

  it('still hashes hostile variables that are not JSON (1e999 parses to Infinity), so their access is logged', () => {
    const hostile = variablesHash({ input: { value: Infinity } });
    expect(hostile).toMatch(/^[0-9a-f]{64}$/);
    expect(hostile).not.toBe(variablesHash({ input: { value: 1 } }));
  });
});
