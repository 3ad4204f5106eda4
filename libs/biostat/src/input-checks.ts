import { BiostatError } from './biostat.errors.js';

// Shared guards: every public method validates before computing, so NaN never leaks into a result.

export function assertFiniteArray(values: readonly number[], name: string): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new BiostatError('INVALID_NUMBER', `${name}[${i}] is not a finite number`, { field: name, index: i });
    }
  }
}

export function assertSameLength(lengths: Readonly<Record<string, number>>): void {
  const entries = Object.entries(lengths);
  const [firstName, firstLength] = entries[0] ?? ['', 0];
  for (const [name, length] of entries) {
    if (length !== firstLength) {
      throw new BiostatError('UNEQUAL_LENGTHS', `${name} has ${length} values but ${firstName} has ${firstLength}`, {
        lengths,
      });
    }
  }
}

export function assertBinary(values: readonly number[], name: string): void {
  for (let i = 0; i < values.length; i++) {
    if (values[i] !== 0 && values[i] !== 1) {
      throw new BiostatError('INVALID_LABEL', `${name}[${i}] must be 0 or 1`, { field: name, index: i });
    }
  }
}

export function assertNonNegative(values: readonly number[], name: string): void {
  for (let i = 0; i < values.length; i++) {
    if ((values[i] as number) < 0) {
      throw new BiostatError('INVALID_NUMBER', `${name}[${i}] must not be negative`, { field: name, index: i });
    }
  }
}

export function assertLevel(level: number): void {
  if (!(level > 0 && level < 1)) {
    throw new BiostatError('INVALID_ARGUMENT', `confidence level must lie strictly between 0 and 1, got ${level}`);
  }
}

/** Sample mean and variance (n − 1 denominator). */
export function meanAndVariance(values: readonly number[]): { mean: number; variance: number } {
  const n = values.length;
  let mean = 0;
  for (const v of values) mean += v;
  mean /= n;
  let ss = 0;
  for (const v of values) ss += (v - mean) * (v - mean);
  return { mean, variance: n > 1 ? ss / (n - 1) : 0 };
}
