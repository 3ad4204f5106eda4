import { describe, expect, it } from '@jest/globals';
import { formatCount, formatTable, measureThroughput, mergeThroughput, percentile, ratio, summaryLine, type ThroughputResult } from './bench-harness.js';

describe('bench harness', () => {
  it('takes nearest-rank percentiles and refuses a percentile outside 0..100', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 99)).toBe(99);
    expect(percentile(values, 100)).toBe(100);
    expect(percentile(values, 0)).toBe(1);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([], 50)).toBeNaN();
    expect(() => percentile(values, 101)).toThrow(RangeError);
  });

  it('rounds ratios to two decimals and gives null when there is nothing to divide by', () => {
    expect(ratio(2, 3)).toBe(0.67);
    expect(ratio(1234, 1000)).toBe(1.23);
    expect(ratio(1, 0)).toBeNull();
    expect(ratio(null, 5)).toBeNull();
    expect(ratio(5, Number.NaN)).toBeNull();
  });

  it('formats counts with separators and a dash for missing values', () => {
    expect(formatCount(12345.6)).toBe('12,346');
    expect(formatCount(null)).toBe('–');
  });

  it('pads table columns to the widest cell and rejects ragged rows', () => {
    const table = formatTable(
      [{ header: 'name' }, { header: 'n', align: 'right' }],
      [
        ['a', '1'],
        ['long', '1,000'],
      ],
    );
    expect(table.split('\n')).toEqual(['name      n', '----  -----', 'a         1', 'long  1,000']);
    expect(() => formatTable([{ header: 'x' }], [['a', 'b']])).toThrow(RangeError);
  });

  it('prints the summary as one line, bigints as strings', () => {
    const line = summaryLine({ bench: 'x', results: [{ n: 10n, text: 'a\nb' }] });
    expect(line).not.toContain('\n');
    expect(JSON.parse(line)).toEqual({ bench: 'x', results: [{ n: '10', text: 'a\nb' }] });
  });

  it('counts only operations completed inside the window and runs every worker', async () => {
    const perWorker = [0, 0, 0];
    const result = await measureThroughput({
      concurrency: 3,
      warmupMs: 20,
      durationMs: 60,
      step: async (w) => {
        perWorker[w]!++;
        await new Promise((r) => setTimeout(r, 2));
        return 10;
      },
    });
    expect(perWorker.every((n) => n > 0)).toBe(true);
    const total = perWorker.reduce((a, b) => a + b, 0);
    // Warm-up operations ran but are not counted.
    expect(result.operations).toBeGreaterThan(0);
    expect(result.operations).toBeLessThan(total);
    expect(result.items).toBe(result.operations * 10);
    expect(result.itemsPerSecond).toBeCloseTo(result.items / 0.06, 6);
    expect(result.latencyMs.p50).toBeGreaterThan(0);
  });

  it('merges rounds: items over the summed windows, percentiles over every latency', () => {
    const round = (items: number, seconds: number, samples: number[]): ThroughputResult => ({
      items,
      operations: samples.length,
      seconds,
      itemsPerSecond: items / seconds,
      latencyMs: { p50: NaN, p99: NaN, max: NaN },
      samples,
    });
    const merged = mergeThroughput([round(100, 2, [1, 2, 3]), round(50, 3, [10, 0.5])]);
    expect(merged).toMatchObject({ items: 150, seconds: 5, operations: 5, itemsPerSecond: 30 });
    expect(merged.samples).toEqual([0.5, 1, 2, 3, 10]);
    expect(merged.latencyMs).toEqual({ p50: 2, p99: 10, max: 10 });
    expect(() => mergeThroughput([])).toThrow(RangeError);
  });

  it('refuses a concurrency below one', async () => {
    await expect(measureThroughput({ concurrency: 0, warmupMs: 0, durationMs: 10, step: async () => 1 })).rejects.toThrow(RangeError);
  });
});
