import type { RecordedEvent, VerifyFailure, VerifyResult } from './event-store.js';
import { GENESIS_HASH, chainHash, contentDigest } from './hash-chain.js';

/**
 * Recomputes hash chains from stored content. Feed events grouped by stream, each stream in revision order;
 * `check` returns the first event that disagrees (and every later call returns it again).
 */
export function createChainVerifier(): { check(e: RecordedEvent): VerifyFailure | undefined; result(): VerifyResult } {
  let eventsChecked = 0;
  let streamsChecked = 0;
  let stream: string | undefined;
  let previous = GENESIS_HASH;
  let nextRevision = 0n;
  let failure: VerifyFailure | undefined;
  return {
    check(e) {
      if (failure) return failure;
      if (e.streamId !== stream) {
        stream = e.streamId;
        streamsChecked++;
        previous = GENESIS_HASH;
        nextRevision = 0n;
      }
      eventsChecked++;
      const expectedHash = chainHash(previous, e.streamId, e.revision, contentDigest(e));
      const reason = e.revision !== nextRevision ? 'revision_gap' : expectedHash !== e.hash ? 'hash_mismatch' : undefined;
      if (reason) {
        failure = { streamId: e.streamId, revision: e.revision, position: e.position, eventId: e.id, reason, expectedHash, storedHash: e.hash };
        return failure;
      }
      previous = e.hash;
      nextRevision++;
      return undefined;
    },
    result() {
      return failure ? { ok: false, eventsChecked, streamsChecked, firstFailure: failure } : { ok: true, eventsChecked, streamsChecked };
    },
  };
}

export function verifyChains(streams: Iterable<readonly RecordedEvent[]>): VerifyResult {
  const verifier = createChainVerifier();
  for (const events of streams) for (const e of events) if (verifier.check(e)) return verifier.result();
  return verifier.result();
}
