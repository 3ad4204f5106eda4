/** One step of the event store's PostgreSQL schema, run by the migration runner in the event store's database. */
export interface SchemaQueryRunner {
  query(sql: string, parameters?: unknown[]): Promise<unknown>;
}

export interface EventStoreSchemaMigration {
  /** The name the runner records (ends in the 13-digit timestamp TypeORM orders by). */
  readonly name: string;
  up(q: SchemaQueryRunner): Promise<void>;
  down(q: SchemaQueryRunner): Promise<void>;
}
