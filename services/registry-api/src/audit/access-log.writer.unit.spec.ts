import { randomBytes } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { parse } from 'graphql';
import { accessLogHashKey, scopeIdsOf, variablesHash } from './access-log.writer.js';

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

describe('scopeIdsOf', () => {
  it('finds trials and programmes in literal arguments, input fields, lists, stream ids and variables, the same on every call', () => {
    const document = parse(`query($p: ID!) {
      a: trial(id: "x", trialId: "T-lit") { id }
      measurements(filter: { trialIds: ["T-list-1", "T-list-2"], programmeId: "P-lit" }) { totalCount }
      auditLog(streamId: "programme-P-stream") { events { type } }
      b: auditLog(streamId: "subject-S") { events { type } }
    }`);
    const variables = { p: 'ignored', input: { nested: { trialId: 'T-var' }, streamId: 'trial-T-stream' } };
    const first = scopeIdsOf(document, variables);
    expect(new Set(first.trialIds)).toEqual(new Set(['T-var', 'T-stream', 'T-lit', 'T-list-1', 'T-list-2']));
    expect(new Set(first.programmeIds)).toEqual(new Set(['P-lit', 'P-stream']));
    expect(scopeIdsOf(document, {})).toEqual({ trialIds: ['T-lit', 'T-list-1', 'T-list-2'], programmeIds: ['P-lit', 'P-stream'] });
    expect(scopeIdsOf(document, variables)).toEqual(first);
  });
});
