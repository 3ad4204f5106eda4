import { DataSource, type DataSourceOptions } from 'typeorm';
import { readModelEntities } from '#read-model';
import { eventStoreMigrations, migrations, readModelMigrations } from './index.js';

/** The one DataSource: the API, the projector, the migration runner and the drift check all use it. */
export function dataSourceOptions(url: string, extra: Partial<DataSourceOptions> = {}): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities: readModelEntities,
    migrations,
    migrationsTableName: 'migrations',
    migrationsRun: false,
    synchronize: false,
    logging: false,
    ...extra,
  } as DataSourceOptions;
}

/**
 * Which migrations a database runs: `all` when it holds both the events and the read models (the default, and the
 * embedded one); with EVENT_STORE_URL, `event-store` in the event store's database and `read-models` in DATABASE_URL's.
 */
export type MigrationSet = 'all' | 'event-store' | 'read-models';

export function migrationsOf(set: MigrationSet): DataSourceOptions['migrations'] {
  return set === 'all' ? migrations : set === 'event-store' ? eventStoreMigrations : readModelMigrations;
}

export async function runMigrations(url: string, set: MigrationSet = 'all'): Promise<string[]> {
  const ds = new DataSource(dataSourceOptions(url, { migrations: migrationsOf(set), ...(set === 'event-store' ? { entities: [] } : {}) }));
  await ds.initialize();
  try {
    const applied = await ds.runMigrations({ transaction: 'each' });
    return applied.map((m) => m.name);
  } finally {
    await ds.destroy();
  }
}
