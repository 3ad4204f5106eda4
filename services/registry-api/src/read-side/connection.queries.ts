import { isoString } from '#read-model';
import { ApiError } from '../graphql/error-mapping.js';

/** A page of a list in position order; `totalCount` runs its count only when the client selects it. */
export interface Connection<T> {
  readonly edges: { cursor: string; node: T }[];
  readonly nodes: T[];
  readonly pageInfo: { hasNextPage: boolean; endCursor: string | null };
  /** A getter: the count runs only when the client selects it (and once however often it is read). */
  readonly totalCount: Promise<number>;
}

export const MAX_PAGE = 1000;

/** Cursors are opaque to clients: base64url of the position the list is ordered by. */
export function encodeCursor(position: string): string {
  return Buffer.from(`p:${position}`).toString('base64url');
}

export function decodeCursor(cursor: string | null | undefined): string | null {
  if (cursor === null || cursor === undefined) return null;
  const m = /^p:(\d{1,19})$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (!m) throw new ApiError('BAD_USER_INPUT', 'after is not a cursor this list gave out', 'after');
  return m[1]!;
}

export function pageSize(first: number | null | undefined, fallback: number): number {
  const n = first ?? fallback;
  if (!Number.isInteger(n) || n < 0 || n > MAX_PAGE) throw new ApiError('BAD_USER_INPUT', `first must be between 0 and ${MAX_PAGE}`, 'first');
  return n;
}

/** Builds a connection from up to first+1 rows (the extra one only says there is a next page). */
export function toConnection<R extends { position: string }, T>(
  rows: readonly R[],
  first: number,
  map: (row: R) => T,
  count: () => Promise<number>,
): Connection<T> {
  const page = rows.slice(0, first);
  const edges = page.map((r) => ({ cursor: encodeCursor(r.position), node: map(r) }));
  let counted: Promise<number> | undefined;
  return {
    edges,
    nodes: edges.map((e) => e.node),
    pageInfo: { hasNextPage: rows.length > first, endCursor: edges.at(-1)?.cursor ?? null },
    // A getter rather than a method: graphql-js calls a function-valued property, graphql-jit reads it as a value.
    get totalCount() {
      return (counted ??= count());
    },
  };
}

/** Collects SQL conditions and their parameters. */
export class Where {
  readonly params: unknown[] = [];
  private readonly conditions: string[] = [];

  /** Adds `sql` with `$?` standing for `value`; skipped when value is null/undefined. */
  add(sql: string, value: unknown): this {
    if (value === null || value === undefined) return this;
    this.params.push(value);
    this.conditions.push(sql.replaceAll('$?', `$${this.params.length}`));
    return this;
  }

  raw(sql: string): this {
    this.conditions.push(sql);
    return this;
  }

  param(value: unknown): string {
    this.params.push(value);
    return `$${this.params.length}`;
  }

  get sql(): string {
    return this.conditions.length ? `WHERE ${this.conditions.join(' AND ')}` : '';
  }
}

/** A moment as the API shows it (Date.prototype.toISOString's form), or null. */
export const iso = (d: Date | string | null | undefined): string | null => (d === null || d === undefined ? null : isoString(d));
