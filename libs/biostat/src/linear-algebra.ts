import { BiostatError } from './biostat.errors.js';

// Small dense routines for the p×p systems of Cox and log-rank (p is the number of covariates or groups).

export type Matrix = number[][];

/** Cholesky factor L (lower triangular, A = L Lᵀ) of a symmetric positive-definite matrix. */
export function cholesky(a: Matrix, what = 'the matrix'): Matrix {
  const n = a.length;
  const l: Matrix = a.map(() => new Array<number>(n).fill(0));
  const scale = Math.max(1e-300, ...a.map((row, i) => Math.abs(row[i] as number)));
  for (let j = 0; j < n; j++) {
    let d = (a[j] as number[])[j] as number;
    for (let k = 0; k < j; k++) d -= ((l[j] as number[])[k] as number) ** 2;
    if (!(d > scale * 1e-12)) {
      throw new BiostatError('SINGULAR_MATRIX', `${what} is singular`, {
        column: j,
      });
    }
    const ljj = Math.sqrt(d);
    (l[j] as number[])[j] = ljj;
    for (let i = j + 1; i < n; i++) {
      let v = (a[i] as number[])[j] as number;
      for (let k = 0; k < j; k++) v -= ((l[i] as number[])[k] as number) * ((l[j] as number[])[k] as number);
      (l[i] as number[])[j] = v / ljj;
    }
  }
  return l;
}

/** Solves A x = b given the Cholesky factor of A. */
export function choleskySolve(l: Matrix, b: readonly number[]): number[] {
  const n = l.length;
  const y = new Array<number>(n).fill(0);
  for (let i = 0; i < n; i++) {
    let v = b[i] as number;
    for (let k = 0; k < i; k++) v -= ((l[i] as number[])[k] as number) * (y[k] as number);
    y[i] = v / ((l[i] as number[])[i] as number);
  }
  const x = new Array<number>(n).fill(0);
  for (let i = n - 1; i >= 0; i--) {
    let v = y[i] as number;
    for (let k = i + 1; k < n; k++) v -= ((l[k] as number[])[i] as number) * (x[k] as number);
    x[i] = v / ((l[i] as number[])[i] as number);
  }
  return x;
}

/** Inverse of a symmetric positive-definite matrix from its Cholesky factor. */
export function choleskyInverse(l: Matrix): Matrix {
  const n = l.length;
  const columns = Array.from({ length: n }, (_, j) =>
    choleskySolve(
      l,
      Array.from({ length: n }, (_, i) => (i === j ? 1 : 0)),
    ),
  );
  return Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (columns[j] as number[])[i] as number));
}
