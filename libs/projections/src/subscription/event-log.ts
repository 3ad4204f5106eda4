import pg from 'pg';
import { PostgresEventStore, type EventStore, type JsonObject, type Position, type RecordedEvent } from '#event-store';

/**
 * What the projector needs from the log: pages in global order after a position, and a wake-up when something
 * was appended. On PostgreSQL it reads event_store.events directly — ordered by the xid8 column itself (the
 * store's readAll orders by its `::text` alias, which sorts "1000" before "747"; reported) and without the
 * hash column, which projections never need. Other stores go through the port.
 */
export interface EventLog {
  readPage(after: Position, maxCount: number): Promise<RecordedEvent[]>;
  /** Notifications seen so far: read it before a page, pass it to waitForAppend so that none is missed in between. */
  readonly notifications: number;
  /** Resolves on an append notification after `seen` or after `ms`, whichever comes first. */
  waitForAppend(ms: number, seen: number): Promise<void>;
  close(): Promise<void>;
}

interface Row {
  global_position: string;
  tx: string;
  event_id: string;
  stream_id: string;
  stream_revision: string;
  event_type: string;
  data: JsonObject;
  metadata: JsonObject;
  recorded_at: Date;
}

const readPage = (metadata: boolean): string => `
  SELECT e.global_position, e.transaction_id::text AS tx, e.event_id, e.stream_id, e.stream_revision, e.event_type, e.data,
         ${metadata ? 'e.metadata' : `'{}'::jsonb AS metadata`}, e.recorded_at
    FROM event_store.events e
   WHERE (e.transaction_id, e.global_position) > ($1::text::xid8, $2::bigint)
     AND e.transaction_id < pg_snapshot_xmin(pg_current_snapshot())
   ORDER BY e.transaction_id, e.global_position
   LIMIT $3`;

export class PostgresEventLog implements EventLog {
  private listener: pg.Client | undefined;
  private listening: Promise<void> | undefined;
  private readonly waiters = new Set<() => void>();
  notifications = 0;

  private readonly text: string;

  /** `metadata: false` leaves event metadata out of the read (projections that declare no need for it read less). */
  constructor(
    private readonly pool: pg.Pool,
    readonly options: { readonly metadata?: boolean } = {},
  ) {
    this.text = readPage(options.metadata ?? true);
  }

  async readPage(after: Position, maxCount: number): Promise<RecordedEvent[]> {
    const { rows } = await this.pool.query<Row>({
      name: `projector_read_page_${this.options.metadata ?? true}`,
      text: this.text,
      values: [after.commit < 0n ? '0' : after.commit.toString(), after.prepare.toString(), maxCount],
    });
    return rows.map((r) => ({
      id: r.event_id,
      streamId: r.stream_id,
      type: r.event_type,
      revision: BigInt(r.stream_revision),
      position: { commit: BigInt(r.tx), prepare: BigInt(r.global_position) },
      data: r.data,
      metadata: r.metadata,
      recordedAt: r.recorded_at,
      hash: '',
    }));
  }

  private ensureListener(): Promise<void> {
    this.listening ??= (async () => {
      const client = new pg.Client((this.pool as unknown as { options: pg.ClientConfig }).options);
      client.on('notification', () => {
        this.notifications++;
        for (const w of [...this.waiters]) w();
      });
      client.on('error', () => {
        // Polling keeps the projector going; the next wait re-establishes LISTEN.
        this.listener = undefined;
        this.listening = undefined;
      });
      await client.connect();
      await client.query('LISTEN event_store_appended');
      this.listener = client;
    })().catch(() => {
      this.listening = undefined;
    });
    return this.listening;
  }

  async waitForAppend(ms: number, seen: number): Promise<void> {
    await this.ensureListener();
    if (this.notifications !== seen) return;
    await new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.waiters.add(done);
    });
  }

  async close(): Promise<void> {
    for (const w of [...this.waiters]) w();
    await this.listening;
    await this.listener?.end().catch(() => undefined);
  }
}

/** Any EventStore through its port (EventStoreDB): readAll pages and polling. */
export class PortEventLog implements EventLog {
  readonly notifications = 0;

  constructor(private readonly store: EventStore) {}

  readPage(after: Position, maxCount: number): Promise<RecordedEvent[]> {
    return this.store.readAll({ after, maxCount });
  }

  waitForAppend(ms: number): Promise<void> {
    return new Promise((r) => setTimeout(r, Math.min(ms, 100)));
  }

  async close(): Promise<void> {}
}

export function eventLogFor(store: EventStore, options: { readonly metadata?: boolean } = {}): EventLog {
  return store instanceof PostgresEventStore ? new PostgresEventLog(store.pool, options) : new PortEventLog(store);
}
