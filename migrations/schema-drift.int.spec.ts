import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { createTestDatabase, type TestDatabase } from '../test/support/test-database.js';
import { dataSourceOptions } from './data-source.js';

describe('entities and migrations', () => {
  let db: TestDatabase;
  let ds: DataSource;
  beforeAll(async () => {
    db = await createTestDatabase();
    ds = await new DataSource(dataSourceOptions(db.url)).initialize();
  });
  afterAll(async () => {
    await ds.destroy();
    await db.drop();
  });

  it('do not drift: the migrated schema is exactly what the entities describe', async () => {
    // What `typeorm migration:generate` would write; any statement means an entity changed without a migration.
    const pending = await ds.driver.createSchemaBuilder().log();
    expect(pending.upQueries.map((q) => q.query)).toEqual([]);
  });

  it('leaves no migration unapplied', async () => {
    expect(await ds.showMigrations()).toBe(false);
  });
});
