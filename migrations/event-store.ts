import { postgresEventStoreMigrations, type EventStoreSchemaMigration } from '#event-store';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The event store's schema steps belong to its PostgreSQL adapter (libs/event-store, postgres-schema.ts); the runner
 * only records them, under the names the old migration files had, so existing databases see nothing new to do.
 */
function recorded(step: EventStoreSchemaMigration): new () => MigrationInterface {
  const migration = class implements MigrationInterface {
    name = step.name;
    async up(q: QueryRunner): Promise<void> {
      await step.up(q);
      // The app login checks at boot that nothing is pending, also in an event store database of its own.
      await q.query(`DO $$ BEGIN
        IF to_regclass('public.migrations') IS NOT NULL THEN GRANT SELECT ON public.migrations TO registry_app; END IF;
      END $$`);
    }
    down(q: QueryRunner): Promise<void> {
      return step.down(q);
    }
  };
  // TypeORM orders and records a migration class by its name (the trailing 13-digit timestamp).
  Object.defineProperty(migration, 'name', { value: step.name });
  return migration;
}

export const eventStoreMigrations = postgresEventStoreMigrations.map(recorded);
