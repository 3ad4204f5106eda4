import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { Global, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Registry } from 'prom-client';
import type { EventStore } from '../event-store.js';
import { WrongExpectedVersionError } from '../event-store.errors.js';
import { EventStoreDbEventStore } from '../eventstoredb/eventstoredb-event-store.js';
import { InMemoryEventStore } from '../in-memory/in-memory-event-store.js';
import { PostgresEventStore } from '../postgres/postgres-event-store.js';
import { EVENT_STORE, EventStoreModule, MeteredEventStore, type EventStoreModuleOptions } from './event-store.module.js';

const event = (n: number) => ({ id: randomUUID(), type: 'Pinged', data: { n } });

async function sample(registry: Registry, name: string, labels: Record<string, string>): Promise<number | undefined> {
  // Counters and gauges omit metricName on their values; histogram values carry it (_bucket, _count, _sum).
  const values = (await registry.getMetricsAsJSON()).flatMap((m) =>
    m.values.map((v) => ({ ...v, metricName: (v as { metricName?: string }).metricName ?? m.name })),
  );
  const value = values.find((v) => v.metricName === name && Object.entries(labels).every(([k, l]) => v.labels[k] === l));
  return value?.value;
}

describe('MeteredEventStore', () => {
  it('times appends by result and counts appended events, passing results and errors through unchanged', async () => {
    const registry = new Registry();
    const store = new MeteredEventStore(new InMemoryEventStore(), registry, 'memory');
    const first = await store.appendToStream('probe-1', [event(1), event(2)], { expectedRevision: 'no_stream' });
    expect(first.nextExpectedRevision).toBe(1n);
    const err = await store.appendToStream('probe-1', [event(3)], { expectedRevision: 0n }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WrongExpectedVersionError);
    await store.readStream('probe-1');

    const count = '_count';
    expect(await sample(registry, `registry_event_store_append_duration_seconds${count}`, { adapter: 'memory', result: 'ok' })).toBe(1);
    expect(await sample(registry, `registry_event_store_append_duration_seconds${count}`, { adapter: 'memory', result: 'WRONG_EXPECTED_VERSION' })).toBe(1);
    expect(await sample(registry, 'registry_event_store_appended_events_total', { adapter: 'memory' })).toBe(2);
    expect(await sample(registry, `registry_event_store_read_duration_seconds${count}`, { operation: 'read_stream' })).toBe(1);
    expect((await store.readStream('probe-1')).map((e) => e.data['n'])).toEqual([1, 2]);
  });

  it('shares its series when two decorators use one registry (no duplicate registration)', () => {
    const registry = new Registry();
    new MeteredEventStore(new InMemoryEventStore(), registry, 'a');
    expect(() => new MeteredEventStore(new InMemoryEventStore(), registry, 'b')).not.toThrow();
  });
});

describe('EventStoreModule adapter selection', () => {
  async function resolve(options: EventStoreModuleOptions, withRegistry: boolean): Promise<{ store: EventStore; close: () => Promise<void> }> {
    @Global()
    @Module({ providers: [{ provide: Registry, useValue: new Registry() }], exports: [Registry] })
    class Metrics {}
    @Module({ imports: [...(withRegistry ? [Metrics] : []), EventStoreModule.forRoot(options)] })
    class Root {}
    const app = await NestFactory.createApplicationContext(Root, { logger: false, abortOnError: false });
    return { store: app.get<EventStore>(EVENT_STORE), close: () => app.close() };
  }

  it('EVENT_STORE=eventstoredb gives the EventStoreDB adapter behind the metrics decorator (lazy: no server needed)', async () => {
    const { store, close } = await resolve({ adapter: 'eventstoredb', connectionString: 'esdb://127.0.0.1:1?tls=false' }, true);
    expect(store).toBeInstanceOf(MeteredEventStore);
    expect((store as MeteredEventStore).inner).toBeInstanceOf(EventStoreDbEventStore);
    await close();
  });

  it('EVENT_STORE=postgres gives the PostgreSQL adapter, bare when no metrics registry is provided', async () => {
    const { store, close } = await resolve({ adapter: 'postgres', connectionString: 'postgres://nobody@127.0.0.1:1/none' }, false);
    expect(store).toBeInstanceOf(PostgresEventStore);
    await close();
  });

  it('refuses an EventStoreDB connection string with the wrong scheme, naming the variable', async () => {
    const err = await resolve({ adapter: 'eventstoredb', connectionString: 'http://127.0.0.1:2113' }, true).catch((e: unknown) => e);
    expect(String(err)).toContain('EVENTSTORE_CONNECTION_STRING');
  });
});
