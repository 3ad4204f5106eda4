import { describe, expect, it } from '@jest/globals';
import { ApiError } from '../graphql/error-mapping.js';
import { isStorableText, parseQueryParameters } from './query-parameters.js';

const SPEC = { trialId: 'one', eventTypes: 'many' } as const;

function refusal(url: string): { code: string; field: string | undefined; message: string } {
  try {
    parseQueryParameters(url, SPEC);
  } catch (err) {
    if (err instanceof ApiError) return { code: err.code, field: err.field, message: err.message };
    throw err;
  }
  throw new Error(`${url} was accepted`);
}

describe('parseQueryParameters', () => {
  it('reads single and repeated parameters from the raw URL, decoded', () => {
    expect(parseQueryParameters('/audit/export?trialId=T%201&eventTypes=A&eventTypes=B', SPEC)).toEqual({ trialId: 'T 1', eventTypes: ['A', 'B'] });
    expect(parseQueryParameters('/audit/export?trialId=a+b#frag', SPEC)).toEqual({ trialId: 'a b' });
    expect(parseQueryParameters('/audit/export', SPEC)).toEqual({});
    expect(parseQueryParameters('/audit/export?', SPEC)).toEqual({});
  });

  it('refuses bracketed (array and object) forms of a known parameter, naming it', () => {
    for (const url of ['/x?trialId[]=B', '/x?trialId%5B%5D=B', '/x?trialId[0]=B', '/x?trialId[a]=B', '/x?eventTypes[]=A']) {
      expect(refusal(url)).toMatchObject({ code: 'BAD_USER_INPUT', field: url.includes('eventTypes') ? 'eventTypes' : 'trialId' });
    }
  });

  it('refuses a single-valued parameter given twice, and unknown parameters', () => {
    expect(refusal('/x?trialId=A&trialId=B')).toMatchObject({ code: 'BAD_USER_INPUT', field: 'trialId', message: 'trialId must be given once' });
    expect(refusal('/x?trialID=A')).toMatchObject({ code: 'BAD_USER_INPUT', field: 'trialID' });
    expect(refusal('/x?filter[trialId]=A')).toMatchObject({ code: 'BAD_USER_INPUT', field: 'filter[trialId]' });
    expect(refusal('/x?__proto__=A')).toMatchObject({ code: 'BAD_USER_INPUT', field: '__proto__' });
    expect(refusal('/x?trialId=A&=B')).toMatchObject({ code: 'BAD_USER_INPUT', field: '' });
  });

  it('refuses values that are not storable text', () => {
    expect(refusal('/x?trialId=a%00b')).toMatchObject({ code: 'BAD_USER_INPUT', field: 'trialId' });
    // An encoded surrogate is invalid UTF-8: it decodes to replacement characters, which are storable text.
    expect(parseQueryParameters('/x?eventTypes=%ED%A0%80', SPEC)).toEqual({ eventTypes: ['\ufffd\ufffd\ufffd'] });
    expect(refusal(`/x?trialId=${'a'.repeat(10_001)}`)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'trialId' });
  });

  it('tells storable text from NULs and unpaired surrogates (as JSON strings in GraphQL variables can carry)', () => {
    expect(['T-1', 'Zoë', '\ud83d\ude00'].map(isStorableText)).toEqual([true, true, true]);
    expect(['a\u0000b', '\ud800', 'x\udc00', '\ude00\ud83d'].map(isStorableText)).toEqual([false, false, false, false]);
  });
});
