import { StreamBusyError } from './event-store.errors.js';

/**
 * In-process serialisation of the commands of one stream: writers of a stream in this process take turns, so they
 * do not lose optimistic-concurrency races to each other (16 writers on one subject: one read-decide-append after
 * the other instead of up to 16 rounds of retries each). Writers in other processes still race; handleCommand's
 * jittered retries cover those. A writer that cannot get its turn within its budget gets StreamBusyError and never
 * runs; the order of the others is kept.
 */
export class StreamLanes {
  private readonly tails = new Map<string, Promise<void>>();

  async run<T>(streamId: string, waitBudgetMs: number, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(streamId);
    let release!: () => void;
    const mine = new Promise<void>((resolve) => (release = resolve));
    // The next writer waits for the previous one and for this one, even if this one gives up waiting.
    const tail = previous ? previous.then(() => mine) : mine;
    this.tails.set(streamId, tail);
    try {
      if (previous && !(await settlesWithin(previous, waitBudgetMs))) throw new StreamBusyError(streamId, 0);
      return await work();
    } finally {
      release();
      if (this.tails.get(streamId) === tail) this.tails.delete(streamId);
    }
  }

  /** Streams with a writer running or waiting (for tests and metrics). */
  get size(): number {
    return this.tails.size;
  }
}

async function settlesWithin(promise: Promise<void>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([promise.then(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
