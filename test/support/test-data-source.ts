import { afterAll, beforeAll } from '@jest/globals';
import { DataSource } from 'typeorm';
import { dataSourceOptions, migrationsOf } from '../../migrations/data-source.js';
import { createTestDatabase, readModelMigrationSet, type TestDatabase } from './test-database.js';

/**
 * A fresh migrated database and a DataSource on it for the enclosing describe block: opened before its tests
 * (before the block's own beforeAll hooks, which are registered after this call), closed and dropped after them.
 */
export function useTestDataSource(): { readonly ds: DataSource; readonly db: TestDatabase } {
  let db: TestDatabase | undefined;
  let ds: DataSource | undefined;
  beforeAll(async () => {
    db = await createTestDatabase();
    ds = await new DataSource(dataSourceOptions(db.url, { migrations: migrationsOf(readModelMigrationSet) })).initialize();
  });
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });
  const opened = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('useTestDataSource: used outside a test or hook of its describe block');
    return value;
  };
  return {
    get ds() {
      return opened(ds);
    },
    get db() {
      return opened(db);
    },
  };
}
