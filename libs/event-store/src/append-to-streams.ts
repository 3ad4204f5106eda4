import type { AppendOptions, AppendResult, EventData, StreamAppend, StreamAppendOutcome } from './event-store.js';
import { EventStoreError, InvalidEventError } from './event-store.errors.js';

/**
 * The streams of one `appendToStreams` call must differ: two parts of one stream would have to be ordered and
 * checked against each other, and one append per stream already holds any number of events.
 */
export function duplicateStreams(appends: readonly StreamAppend[]): Set<number> {
  const seen = new Set<string>();
  const duplicates = new Set<number>();
  appends.forEach((a, i) => {
    if (seen.has(a.streamId)) duplicates.add(i);
    seen.add(a.streamId);
  });
  return duplicates;
}

export function duplicateStreamError(index: number, streamId: string): InvalidEventError {
  return new InvalidEventError(`appends.${index}.streamId`, `stream ${streamId} appears more than once in one appendToStreams call`);
}

/**
 * `appendToStreams` as one `appendToStream` per stream, concurrently: for adapters whose server has no multi-stream
 * append (EventStoreDB appends one stream per call) and for the in-memory store. Typed event-store errors become that
 * part's outcome; anything else (the server is unreachable) rejects the call, as a single append would.
 */
export async function appendEachStream(
  append: (streamId: string, events: readonly EventData[], options: AppendOptions) => Promise<AppendResult>,
  appends: readonly StreamAppend[],
): Promise<StreamAppendOutcome[]> {
  const duplicates = duplicateStreams(appends);
  return Promise.all(
    appends.map(async (a, i): Promise<StreamAppendOutcome> => {
      if (duplicates.has(i)) return { streamId: a.streamId, ok: false, error: duplicateStreamError(i, a.streamId) };
      try {
        return { streamId: a.streamId, ok: true, result: await append(a.streamId, a.events, { expectedRevision: a.expectedRevision }) };
      } catch (err) {
        if (err instanceof EventStoreError) return { streamId: a.streamId, ok: false, error: err };
        throw err;
      }
    }),
  );
}
