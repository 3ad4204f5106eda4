import { describe, expect, it } from '@jest/globals';
import type { JsonObject } from '#event-store';
import { describeCorrections } from './corrections.js';

type E = { id: string; type: string; data: JsonObject };
import { MerkleAccumulator } from './merkle.js';
import { createHash } from 'node:crypto';

describe('describeCorrections', () => {
  const recorded = (id: string, measurementId: string, value: number) => ({
    id,
    type: 'MeasurementRecorded',
    data: { subjectId: 'S1', measurementId, result: { value, unit: 'mm' }, timePoint: 'baseline' },
  });

  it('shows the value before from the stream itself, not from what the correction claims', () => {
    const events: E[] = [
      recorded('e1', 'M1', 12),
      recorded('e2', 'M2', 30),
      {
        id: 'e3',
        type: 'MeasurementCorrected',
        data: { subjectId: 'S1', measurementId: 'M1', result: { value: 14, unit: 'mm' }, previousResult: { value: 999, unit: 'mm' }, reason: 'typo' },
      },
      { id: 'e4', type: 'MeasurementCorrected', data: { subjectId: 'S1', measurementId: 'M1', result: { value: 15, unit: 'mm' }, reason: 'second look' } },
    ];
    const changes = describeCorrections(events);
    expect(changes.get('e3')).toEqual([{ field: 'result', previous: '{"unit":"mm","value":12}', new: '{"unit":"mm","value":14}' }]);
    expect(changes.get('e4')).toEqual([{ field: 'result', previous: '{"unit":"mm","value":14}', new: '{"unit":"mm","value":15}' }]);
    expect(changes.has('e1')).toBe(false);
  });

  it('handles an outcome correction of several fields and a field that was absent before', () => {
    const events: E[] = [
      {
        id: 'o1',
        type: 'OutcomeRecorded',
        data: { subjectId: 'S1', outcomeId: 'O1', outcomeType: 'progression', occurredAt: '2026-01-10', source: 'investigator' },
      },
      {
        id: 'o2',
        type: 'OutcomeCorrected',
        data: {
          subjectId: 'S1',
          outcomeId: 'O1',
          outcomeType: 'progression',
          occurredAt: '2026-01-03',
          source: 'central_review',
          stage: 'IIB',
          reason: 'central review',
        },
      },
    ];
    expect(describeCorrections(events).get('o2')).toEqual([
      { field: 'occurredAt', previous: '"2026-01-10"', new: '"2026-01-03"' },
      { field: 'source', previous: '"investigator"', new: '"central_review"' },
      { field: 'stage', previous: null, new: '"IIB"' },
    ]);
  });
});

describe('MerkleAccumulator', () => {
  const h = (...parts: Buffer[]) => createHash('sha256').update(Buffer.concat(parts)).digest();
  const leaves = Array.from({ length: 7 }, (_, i) => h(Buffer.from([0]), Buffer.from(`leaf${i}`)));
  // RFC 6962 §2.1 by its recursive definition, to check the streaming version against.
  const mth = (d: Buffer[]): Buffer => {
    if (d.length === 1) return d[0]!;
    let k = 1;
    while (k * 2 < d.length) k *= 2;
    return h(Buffer.from([1]), mth(d.slice(0, k)), mth(d.slice(k)));
  };

  it.each([1, 2, 3, 4, 5, 6, 7])('equals the recursive RFC 6962 tree hash for %i leaves', (n) => {
    const acc = new MerkleAccumulator();
    leaves.slice(0, n).forEach((l) => acc.add(l));
    expect(acc.root()).toBe(mth(leaves.slice(0, n)).toString('hex'));
    expect(acc.count).toBe(n);
  });

  it('changes when any leaf changes or leaves swap', () => {
    const root = (ls: Buffer[]) => {
      const acc = new MerkleAccumulator();
      ls.forEach((l) => acc.add(l));
      return acc.root();
    };
    const base = root(leaves);
    expect(root([leaves[1]!, leaves[0]!, ...leaves.slice(2)])).not.toBe(base);
    expect(root([...leaves.slice(0, 6), h(Buffer.from('x'))])).not.toBe(base);
  });
});
