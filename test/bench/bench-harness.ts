/**
 * Shared helpers for the benchmarks under test/bench: a closed-loop throughput runner, ratio and
 * percentile arithmetic, a plain-text table and the one-line JSON summary every bench prints last.
 */

export interface ThroughputOptions {
  /** Independent workers, each with at most one operation in flight. */
  readonly concurrency: number;
  /** Operations that complete before this point are not counted (connections, plans and caches warm up). */
  readonly warmupMs: number;
  /** Length of the measured window after the warm-up. */
  readonly durationMs: number;
  /** One operation of worker `worker`; resolves to the number of items (events, rows) it handled. */
  readonly step: (worker: number) => Promise<number>;
}

export interface ThroughputResult {
  /** Items completed inside the measured window. */
  readonly items: number;
  readonly operations: number;
  readonly seconds: number;
  readonly itemsPerSecond: number;
  /** Latency of one operation, in milliseconds, over the operations completed inside the window. */
  readonly latencyMs: { readonly p50: number; readonly p99: number; readonly max: number };
  /** Every latency counted, ascending (for mergeThroughput). */
  readonly samples: readonly number[];
}

/**
 * Runs `concurrency` workers in a closed loop: warm-up, then a measured window. Workers keep running across
 * the boundary so that the window never starts with empty pipes; an operation counts when it completes
 * inside the window. No operation starts after the window closes; those still in flight are awaited but not counted.
 */
export async function measureThroughput(options: ThroughputOptions): Promise<ThroughputResult> {
  const { concurrency, warmupMs, durationMs, step } = options;
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new RangeError(`concurrency must be a positive integer, got ${concurrency}`);
  if (!(durationMs > 0) || !(warmupMs >= 0)) throw new RangeError('durationMs must be > 0 and warmupMs >= 0');
  const start = performance.now();
  const windowStart = start + warmupMs;
  const windowEnd = windowStart + durationMs;
  let items = 0;
  const latencies: number[] = [];
  const worker = async (id: number): Promise<void> => {
    while (performance.now() < windowEnd) {
      const t0 = performance.now();
      const n = await step(id);
      const t1 = performance.now();
      if (t1 >= windowStart && t1 <= windowEnd) {
        items += n;
        latencies.push(t1 - t0);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, (_, i) => worker(i)));
  return throughputOf(
    items,
    durationMs / 1000,
    latencies.sort((a, b) => a - b),
  );
}

/** The result of `items` done in `seconds`, with these latencies (ascending). */
function throughputOf(items: number, seconds: number, samples: number[]): ThroughputResult {
  return {
    items,
    operations: samples.length,
    seconds,
    itemsPerSecond: items / seconds,
    latencyMs: { p50: percentile(samples, 50), p99: percentile(samples, 99), max: samples.at(-1) ?? Number.NaN },
    samples,
  };
}

/**
 * One result from several measured windows of the same operation (rounds interleaved with other contenders, so
 * that a machine that drifts faster or slower over a run weighs on every contender alike): items over the sum
 * of the windows, percentiles over all their latencies.
 */
export function mergeThroughput(results: readonly ThroughputResult[]): ThroughputResult {
  if (results.length === 0) throw new RangeError('nothing to merge');
  const sum = (f: (r: ThroughputResult) => number): number => results.reduce((a, r) => a + f(r), 0);
  return throughputOf(
    sum((r) => r.items),
    sum((r) => r.seconds),
    results.flatMap((r) => r.samples).sort((a, b) => a - b),
  );
}

/** Times one run of `fn`, in seconds. */
export async function timeIt<T>(fn: () => Promise<T>): Promise<{ value: T; seconds: number }> {
  const t0 = performance.now();
  const value = await fn();
  return { value, seconds: (performance.now() - t0) / 1000 };
}

/** Nearest-rank percentile of an ascending array; NaN when empty. */
export function percentile(sortedAscending: readonly number[], p: number): number {
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile must be within 0..100, got ${p}`);
  if (sortedAscending.length === 0) return Number.NaN;
  const rank = Math.max(1, Math.ceil((p / 100) * sortedAscending.length));
  return sortedAscending[rank - 1]!;
}

export function round(value: number, decimals: number): number {
  const f = 10 ** decimals;
  return Math.round(value * f) / f;
}

/** `a / b` rounded to 2 decimals; null when either side is missing or `b` is not positive (no meaningful ratio). */
export function ratio(a: number | null | undefined, b: number | null | undefined): number | null {
  if (a === null || a === undefined || b === null || b === undefined || !Number.isFinite(a) || !Number.isFinite(b) || b <= 0) return null;
  return round(a / b, 2);
}

/** Integer with thousands separators ("12,345"); "–" for a missing value. */
export function formatCount(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '–';
  return Math.round(value).toLocaleString('en-US');
}

export function formatRatio(value: number | null | undefined): string {
  return value === null || value === undefined ? '–' : value.toFixed(2);
}

export interface Column {
  readonly header: string;
  readonly align?: 'left' | 'right';
}

/** A plain-text table with a header rule; cells are padded to the widest entry of their column. */
export function formatTable(columns: readonly Column[], rows: readonly (readonly string[])[]): string {
  for (const row of rows) {
    if (row.length !== columns.length) throw new RangeError(`row has ${row.length} cells, the table has ${columns.length} columns`);
  }
  const widths = columns.map((c, i) => Math.max(c.header.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, i) => (columns[i]!.align === 'right' ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(columns.map((c) => c.header)), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** The machine-readable summary: exactly one line, so `tail -n 1` of a bench's output parses as JSON. */
export function summaryLine(summary: object): string {
  return JSON.stringify(summary, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
}
