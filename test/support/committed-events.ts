import type { EventStore, RecordedEvent } from '#event-store';

/**
 * Every committed event, in `readAll` order. `readAll` is gap-safe: it leaves out events newer than the oldest
 * transaction still open anywhere in the cluster (transaction ids are cluster-wide), so while another test file's
 * transaction is open in another database, an event this test just committed can be missing from it. A test that
 * asserts on what was appended reads until the gap-safe view holds as many events as were committed.
 */
export async function committedEvents(store: EventStore, timeoutMs = 15_000): Promise<RecordedEvent[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const committed = await store.countEvents();
    const all = await store.readAll({ maxCount: committed + 1_000 });
    if (all.length >= committed) return all;
    if (Date.now() > deadline) throw new Error(`readAll still shows ${all.length} of ${committed} committed events after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
