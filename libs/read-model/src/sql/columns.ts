import { getMetadataArgsStorage } from 'typeorm';

/**
 * The column names of a read-model entity in declaration order. The entity is the one declaration of a table's
 * columns (the drift check holds it equal to the migrations): projections write these lists and queries read them,
 * so a new column is added to the migration and the entity, not to a column list as well.
 */
// A column that something other than the projection's row upsert maintains (a counter kept by its own UPDATE) goes in
// `except`: an upsert writes every listed column, and a row object without it would overwrite it with NULL.
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- TypeORM keys its metadata by the class
export function columnsOf(entity: Function, except: readonly string[] = []): string[] {
  const columns = getMetadataArgsStorage()
    .columns.filter((c) => c.target === entity)
    .map((c) => c.options.name ?? c.propertyName);
  const unknown = except.filter((c) => !columns.includes(c));
  if (unknown.length > 0) throw new Error(`${entity.name} has no column ${unknown.join(', ')}`);
  return columns.filter((c) => !except.includes(c));
}

/** `armCode` → `arm_code`: how every read-model entity names the column behind a property (columns.unit.spec.ts). */
export type SnakeCase<S extends string> = S extends `${infer H}${infer T}` ? `${H extends Lowercase<H> ? H : `_${Lowercase<H>}`}${SnakeCase<T>}` : S;

/** A timestamptz as it travels: a Date from TypeORM queries, an ISO string from readModelQuery or the projector. */
type Cell<V, Time> = V extends Date ? Time : V;

/**
 * The row a `SELECT *` on an entity's table returns, by column name: the record type derived from the entity, so a
 * new column needs no second declaration. `Time` is how its timestamps arrive (Date | string unless narrowed).
 */
export type RowOf<E, Time = Date | string> = { [K in keyof E & string as SnakeCase<K>]: Cell<E[K], Time> };
