import pg from 'pg';

/**
 * A text[] literal of `values`, each quoted by the driver (pg.escapeLiteral doubles quotes and escapes
 * backslashes): for statements sent together in the simple query protocol, which takes no bind parameters.
 */
export function textArrayLiteral(values: readonly string[]): string {
  return values.length ? `ARRAY[${values.map((v) => pg.escapeLiteral(v)).join(', ')}]::text[]` : `'{}'::text[]`;
}

/**
 * Several statements in one round trip on one connection; one list of rows per statement, in order. Each statement
 * reads its own snapshot, as separate queries would. Values must already be literals (textArrayLiteral).
 */
export async function queryTogether(client: pg.ClientBase, statements: readonly string[], types?: pg.CustomTypesConfig): Promise<Record<string, unknown>[][]> {
  if (statements.length === 0) return [];
  const result = (await client.query({ text: statements.join(';\n'), ...(types ? { types } : {}) })) as unknown as pg.QueryResult | pg.QueryResult[];
  return (Array.isArray(result) ? result : [result]).map((r) => r.rows as Record<string, unknown>[]);
}
