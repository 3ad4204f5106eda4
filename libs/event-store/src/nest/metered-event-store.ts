import { Histogram, Counter, type Registry } from 'prom-client';
import type {
  ReadEventsByIdOptions,
  AppendOptions,
  AppendResult,
  CountEventsOptions,
  EventData,
  EventSearch,
  EventStore,
  Position,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  SearchedEvent,
  StreamAppend,
  StreamAppendOutcome,
  SubscribeToAllOptions,
  Subscription,
  VerifyOptions,
  VerifyResult,
} from '../event-store.js';

/** Append latency buckets: sub-millisecond in-memory appends up to multi-second cluster elections. */
const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** The stable code of a failure (WRONG_EXPECTED_VERSION, …) or 'error'; never a free-text message (label cardinality). */
export function outcomeOf(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[A-Z][A-Z0-9_]{0,63}$/.test(code) ? code : 'error';
}

function getOrCreate<T>(registry: Registry, name: string, create: () => T): T {
  return (registry.getSingleMetric(name) as T | undefined) ?? create();
}

/**
 * Decorates any EventStore adapter with Prometheus metrics, so the adapters stay free of instrumentation and
 * every adapter reports the same series. Subscriptions and verify pass through untouched.
 */
export class MeteredEventStore implements EventStore {
  private readonly appendSeconds: Histogram<'adapter' | 'result'>;
  private readonly appendedEvents: Counter<'adapter'>;
  private readonly readSeconds: Histogram<'adapter' | 'operation'>;

  constructor(
    readonly inner: EventStore,
    registry: Registry,
    private readonly adapter: string,
  ) {
    this.appendSeconds = getOrCreate(
      registry,
      'registry_event_store_append_duration_seconds',
      () =>
        new Histogram({
          name: 'registry_event_store_append_duration_seconds',
          help: 'Latency of EventStore.appendToStream by adapter and result (ok or the error code, e.g. WRONG_EXPECTED_VERSION)',
          labelNames: ['adapter', 'result'],
          buckets: LATENCY_BUCKETS,
          registers: [registry],
        }),
    );
    this.appendedEvents = getOrCreate(
      registry,
      'registry_event_store_appended_events_total',
      () =>
        new Counter({
          name: 'registry_event_store_appended_events_total',
          help: 'Events passed to successful appends (idempotent repeats included)',
          labelNames: ['adapter'],
          registers: [registry],
        }),
    );
    this.readSeconds = getOrCreate(
      registry,
      'registry_event_store_read_duration_seconds',
      () =>
        new Histogram({
          name: 'registry_event_store_read_duration_seconds',
          help: 'Latency of readStream / readAll by adapter',
          labelNames: ['adapter', 'operation'],
          buckets: LATENCY_BUCKETS,
          registers: [registry],
        }),
    );
  }

  async appendToStream(streamId: string, events: readonly EventData[], options: AppendOptions): Promise<AppendResult> {
    const end = this.appendSeconds.startTimer({ adapter: this.adapter });
    try {
      const result = await this.inner.appendToStream(streamId, events, options);
      end({ result: 'ok' });
      this.appendedEvents.inc({ adapter: this.adapter }, events.length);
      return result;
    } catch (err) {
      end({ result: outcomeOf(err) });
      throw err;
    }
  }

  /** One observation per call (result ok, or the first failed part's code), events counted over the parts written. */
  async appendToStreams(appends: readonly StreamAppend[]): Promise<StreamAppendOutcome[]> {
    const end = this.appendSeconds.startTimer({ adapter: this.adapter });
    try {
      const outcomes = await this.inner.appendToStreams(appends);
      const failed = outcomes.find((o) => !o.ok);
      end({ result: failed && !failed.ok ? outcomeOf(failed.error) : 'ok' });
      const written = outcomes.reduce((n, o, i) => n + (o.ok ? appends[i]!.events.length : 0), 0);
      this.appendedEvents.inc({ adapter: this.adapter }, written);
      return outcomes;
    } catch (err) {
      end({ result: outcomeOf(err) });
      throw err;
    }
  }

  async readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]> {
    const end = this.readSeconds.startTimer({ adapter: this.adapter, operation: 'read_stream' });
    try {
      return await this.inner.readStream(streamId, options);
    } finally {
      end();
    }
  }

  async readAll(options?: ReadAllOptions): Promise<RecordedEvent[]> {
    const end = this.readSeconds.startTimer({ adapter: this.adapter, operation: 'read_all' });
    try {
      return await this.inner.readAll(options);
    } finally {
      end();
    }
  }

  async searchEvents(search: EventSearch): Promise<SearchedEvent[]> {
    const end = this.readSeconds.startTimer({ adapter: this.adapter, operation: 'search' });
    try {
      return await this.inner.searchEvents(search);
    } finally {
      end();
    }
  }

  async readEventsById(ids: readonly string[], options?: ReadEventsByIdOptions): Promise<RecordedEvent[]> {
    const end = this.readSeconds.startTimer({ adapter: this.adapter, operation: 'read_by_id' });
    try {
      return await this.inner.readEventsById(ids, options);
    } finally {
      end();
    }
  }

  subscribeToAll(options?: SubscribeToAllOptions): Subscription {
    return this.inner.subscribeToAll(options);
  }

  verify(options?: VerifyOptions): Promise<VerifyResult> {
    return this.inner.verify(options);
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  readHead(): Promise<Position | null> {
    return this.inner.readHead();
  }

  countEvents(options?: CountEventsOptions): Promise<number> {
    return this.inner.countEvents(options);
  }

  positionOf(prepare: bigint): Promise<Position | null> {
    return this.inner.positionOf(prepare);
  }
}
