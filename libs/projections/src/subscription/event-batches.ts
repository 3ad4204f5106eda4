import type { EventStore, Position, RecordedEvent, Subscription } from '#event-store';

/** The subscription ended without an error (its store was closed): the runner starts over from its checkpoint. */
export class SubscriptionEndedError extends Error {
  constructor() {
    super('the event store subscription ended');
  }
}

/**
 * The projector's catch-up: the port's `subscribeToAll` (so it runs on every adapter, and the PostgreSQL adapter's
 * gap-safe order and LISTEN/NOTIFY wake-ups are its own business), cut into batches of at most `maxBatch` events.
 * A batch is whatever the subscription has delivered by the time the previous one is applied: a catch-up applies
 * full batches, a live projection each append soon after it commits. While a batch is applied the subscription reads
 * ahead, up to one more batch.
 */
export class EventBatches {
  private readonly subscription: Subscription;
  private readonly buffer: RecordedEvent[] = [];
  private wakeConsumer: (() => void) | undefined;
  private wakeReader: (() => void) | undefined;
  private failure: { readonly error: unknown } | undefined;
  private ended = false;
  private readonly reading: Promise<void>;

  constructor(
    store: EventStore,
    after: Position,
    private readonly maxBatch: number,
  ) {
    this.subscription = store.subscribeToAll({ after, batchSize: maxBatch });
    this.reading = this.read();
  }

  private async read(): Promise<void> {
    try {
      for await (const event of this.subscription) {
        this.buffer.push(event);
        this.wakeConsumer?.();
        if (this.buffer.length >= this.maxBatch) await new Promise<void>((resolve) => (this.wakeReader = resolve));
      }
    } catch (error) {
      this.failure = { error };
    } finally {
      this.ended = true;
      this.wakeConsumer?.();
    }
  }

  /**
   * The next batch in `readAll` order; [] when nothing arrived within `ms` (so the caller can look at its stop flag).
   * Throws what the subscription threw (connection loss: the runner retries from its checkpoint).
   */
  async next(ms: number): Promise<RecordedEvent[]> {
    if (this.buffer.length === 0 && !this.ended) {
      await new Promise<void>((resolve) => {
        const done = (): void => {
          clearTimeout(timer);
          this.wakeConsumer = undefined;
          resolve();
        };
        const timer = setTimeout(done, ms);
        this.wakeConsumer = done;
      });
      // The subscription hands over the rest of a page it has already read in microtasks: let it, then cut the batch.
      await new Promise((resolve) => setImmediate(resolve));
    }
    if (this.buffer.length === 0 && this.ended) throw this.failure ? this.failure.error : new SubscriptionEndedError();
    const batch = this.buffer.splice(0, this.maxBatch);
    const reader = this.wakeReader;
    this.wakeReader = undefined;
    reader?.();
    return batch;
  }

  async close(): Promise<void> {
    await this.subscription.close();
    const reader = this.wakeReader;
    this.wakeReader = undefined;
    reader?.();
    await this.reading;
  }
}
