import { describe, expect, it } from '@jest/globals';
import {
  isCandidate,
  provenanceOf,
  readingSelection,
  readingSql,
  resolveReadings,
  type ReadingCandidate,
  type ReadingSelection,
} from './analytics.reading-selection.js';

const reading = (measurementId: string, over: Partial<ReadingCandidate> & { unit?: string } = {}) => ({
  measurementId,
  method: 'manual',
  algorithmVersionId: null,
  readerId: 'R1',
  adjudication: null,
  unit: 'S1',
  ...over,
});
const ai = (id: string, over: Partial<ReadingCandidate> & { unit?: string } = {}) =>
  reading(id, { method: 'ai', algorithmVersionId: 'ALG-2', readerId: null, ...over });
const pick = (rs: ReturnType<typeof reading>[], selection: ReadingSelection) =>
  [
    ...resolveReadings(
      rs.filter((r) => isCandidate(selection, r)),
      (r) => r.unit,
      selection,
      'indexTest',
    ).entries(),
  ].map(([u, r]) => [u, r.measurementId]);

describe('readingSelection: exactly one rater or policy', () => {
  it('parses each kind', () => {
    expect(readingSelection({ algorithmVersionId: 'ALG-2' }, 'indexTest')).toEqual({ kind: 'algorithm', algorithmVersionId: 'ALG-2' });
    expect(readingSelection({ readerId: 'R1', algorithmVersionId: null }, 'indexTest')).toEqual({ kind: 'reader', readerId: 'R1' });
    expect(readingSelection({ accepted: 'ACCEPTED_OR_ONLY' }, 'raterA')).toEqual({ kind: 'accepted', policy: 'ACCEPTED_OR_ONLY' });
  });

  it.each([
    ['nothing', undefined, 'indexTest'],
    ['an empty object', {}, 'indexTest'],
    ['two raters', { algorithmVersionId: 'ALG-2', readerId: 'R1' }, 'indexTest'],
    ['a rater and a policy', { readerId: 'R1', accepted: 'ACCEPTED' as const }, 'indexTest'],
    ['an empty id', { readerId: '  ' }, 'indexTest.readerId'],
    ['an unknown policy', { accepted: 'LATEST' as never }, 'indexTest.accepted'],
  ])('refuses %s with INVALID_READING_SELECTION', (_name, input, field) => {
    expect(() => readingSelection(input, 'indexTest')).toThrow(expect.objectContaining({ code: 'INVALID_READING_SELECTION', field }));
  });
});

describe('candidates: an algorithm is its AI outputs, a reader their own reads', () => {
  const semi = reading('semi', { method: 'semi_automatic', algorithmVersionId: 'ALG-2', readerId: 'R2' });
  const uploaded = ai('upload', { readerId: 'R1' });

  it('a semi-automatic reading naming the algorithm is the reader’s; an AI output a reader uploaded is the algorithm’s', () => {
    const alg: ReadingSelection = { kind: 'algorithm', algorithmVersionId: 'ALG-2' };
    expect([ai('a'), semi, uploaded, ai('v1', { algorithmVersionId: 'ALG-1' })].filter((r) => isCandidate(alg, r)).map((r) => r.measurementId)).toEqual([
      'a',
      'upload',
    ]);
    expect([reading('h'), semi, uploaded].filter((r) => isCandidate({ kind: 'reader', readerId: 'R1' }, r)).map((r) => r.measurementId)).toEqual(['h']);
    expect(isCandidate({ kind: 'reader', readerId: 'R2' }, semi)).toBe(true);
  });

  it('adjudication: ACCEPTED keeps accepted ones, ACCEPTED_OR_ONLY drops only the not accepted, a rater keeps all its own', () => {
    const rs = [reading('acc', { adjudication: 'accepted' }), reading('rej', { adjudication: 'not_accepted' }), reading('open')];
    expect(rs.filter((r) => isCandidate({ kind: 'accepted', policy: 'ACCEPTED' }, r)).map((r) => r.measurementId)).toEqual(['acc']);
    expect(rs.filter((r) => isCandidate({ kind: 'accepted', policy: 'ACCEPTED_OR_ONLY' }, r)).map((r) => r.measurementId)).toEqual(['acc', 'open']);
    expect(rs.filter((r) => isCandidate({ kind: 'reader', readerId: 'R1' }, r))).toHaveLength(3);
  });

  it('the SQL twin names the same rules and takes exactly one parameter', () => {
    expect(readingSql('m', { kind: 'algorithm', algorithmVersionId: 'ALG-2' }, 7)).toEqual({
      sql: `(m.method = 'ai' AND m.algorithm_version_id = $7::text)`,
      params: ['ALG-2'],
    });
    expect(readingSql('m', { kind: 'reader', readerId: 'R1' }, 3)).toEqual({ sql: `(m.method <> 'ai' AND m.reader_id = $3::text)`, params: ['R1'] });
    expect(readingSql('x', { kind: 'accepted', policy: 'ACCEPTED' }, 1)).toEqual({
      sql: '(x.adjudication IS NOT DISTINCT FROM $1::text)',
      params: ['accepted'],
    });
    expect(readingSql('x', { kind: 'accepted', policy: 'ACCEPTED_OR_ONLY' }, 1)).toEqual({
      sql: '(x.adjudication IS DISTINCT FROM $1::text)',
      params: ['not_accepted'],
    });
  });
});

describe('resolveReadings: one per unit, never chosen by id order', () => {
  it('follows the chosen rater whichever id sorts first', () => {
    for (const [aiId, humanId] of [
      ['a', 'b'],
      ['b', 'a'],
    ] as const) {
      const rs = [ai(aiId), reading(humanId)];
      expect(pick(rs, { kind: 'algorithm', algorithmVersionId: 'ALG-2' })).toEqual([['S1', aiId]]);
      expect(pick(rs, { kind: 'reader', readerId: 'R1' })).toEqual([['S1', humanId]]);
    }
  });

  it('ACCEPTED_OR_ONLY: the accepted reading, else the only one; two never adjudicated are AMBIGUOUS_READING', () => {
    const policy: ReadingSelection = { kind: 'accepted', policy: 'ACCEPTED_OR_ONLY' };
    expect(pick([ai('a'), reading('b', { adjudication: 'accepted' }), ai('c', { unit: 'S2' })], policy)).toEqual([
      ['S1', 'b'],
      ['S2', 'c'],
    ]);
    expect(() => pick([ai('z'), reading('y')], policy)).toThrow(
      expect.objectContaining({ code: 'AMBIGUOUS_READING', field: 'indexTest', details: { unit: 'S1', measurementIds: ['y', 'z'] } }),
    );
  });

  it('two readings by the same rater of one unit (a repeat scan, two lesions) are ambiguous too', () => {
    expect(() => pick([reading('h1'), reading('h2')], { kind: 'reader', readerId: 'R1' })).toThrow(expect.objectContaining({ code: 'AMBIGUOUS_READING' }));
    expect(() =>
      pick([reading('h1', { adjudication: 'accepted' }), reading('h2', { adjudication: 'accepted' })], { kind: 'accepted', policy: 'ACCEPTED' }),
    ).toThrow(expect.objectContaining({ code: 'AMBIGUOUS_READING' }));
  });

  it('provenance names the rater', () => {
    expect(provenanceOf(ai('a', { adjudication: 'not_accepted' }))).toEqual({
      measurementId: 'a',
      raterKind: 'AI',
      method: 'ai',
      readerId: null,
      algorithmVersionId: 'ALG-2',
      adjudication: 'NOT_ACCEPTED',
    });
    expect(provenanceOf(reading('h', { method: 'semi_automatic', algorithmVersionId: 'ALG-2' }))).toMatchObject({
      raterKind: 'READER',
      readerId: 'R1',
      adjudication: null,
    });
  });
});
