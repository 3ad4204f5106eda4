import { describe, expect, it } from '@jest/globals';
import { useTestDataSource } from '../test/support/test-data-source.js';

describe('entities and migrations', () => {
  const database = useTestDataSource();

  it('do not drift: the migrated schema is exactly what the entities describe', async () => {
    // What `typeorm migration:generate` would write; any statement means an entity changed without a migration.
    const pending = await database.ds.driver.createSchemaBuilder().log();
    expect(pending.upQueries.map((q) => q.query)).toEqual([]);
  });

  it('leaves no migration unapplied', async () => {
    expect(await database.ds.showMigrations()).toBe(false);
  });
});
