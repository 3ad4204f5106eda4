import type { RecordedEvent, VerifyResult } from './event-store.js';
import { GENESIS_HASH, chainHash, contentDigest } from './hash-chain.js';

/** Recomputes every stream's hash chain from the stored content; stops at the first event that disagrees. */
export function verifyChains(streams: Iterable<readonly RecordedEvent[]>): VerifyResult {
  let eventsChecked = 0;
  let streamsChecked = 0;
  for (const events of streams) {
    streamsChecked++;
    let previous = GENESIS_HASH;
    let expectedRevision = 0n;
    for (const e of events) {
      eventsChecked++;
      const expectedHash = chainHash(previous, e.streamId, e.revision, contentDigest(e));
      const reason = e.revision !== expectedRevision ? 'revision_gap' : expectedHash !== e.hash ? 'hash_mismatch' : undefined;
      if (reason) {
        return {
          ok: false,
          eventsChecked,
          streamsChecked,
          firstFailure: { streamId: e.streamId, revision: e.revision, position: e.position, eventId: e.id, reason, expectedHash, storedHash: e.hash },
        };
      }
      previous = e.hash;
      expectedRevision++;
    }
  }
  return { ok: true, eventsChecked, streamsChecked };
}
