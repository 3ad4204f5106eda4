import { createHash } from 'node:crypto';
import { contentDigest, type RecordedEvent } from '#event-store';

const LEAF = Buffer.from([0]);
const NODE = Buffer.from([1]);

/** RFC 6962 leaf: binds the event's position, stream, revision, stored chain hash and recomputed content digest. */
export function leafHash(e: Pick<RecordedEvent, 'position' | 'id' | 'streamId' | 'revision' | 'hash' | 'type' | 'data' | 'metadata'>): Buffer {
  return createHash('sha256')
    .update(LEAF)
    .update(`${e.position.prepare}:${e.id}:${e.streamId}:${e.revision}:${e.hash}:${contentDigest(e)}`)
    .digest();
}

function node(left: Buffer, right: Buffer): Buffer {
  return createHash('sha256').update(NODE).update(left).update(right).digest();
}

/**
 * Streaming RFC 6962 Merkle tree hash: O(log n) memory. Full subtrees are merged as they complete (a binary
 * counter); at the end the remaining peaks are folded right to left, which is exactly MTH's split at the
 * largest power of two. Empty tree: SHA-256 of nothing.
 */
export class MerkleAccumulator {
  private readonly peaks: { height: number; hash: Buffer }[] = [];
  count = 0;

  add(leaf: Buffer): void {
    let current = { height: 0, hash: leaf };
    while (this.peaks.length > 0 && this.peaks.at(-1)!.height === current.height) {
      const left = this.peaks.pop()!;
      current = { height: current.height + 1, hash: node(left.hash, current.hash) };
    }
    this.peaks.push(current);
    this.count++;
  }

  root(): string {
    if (this.peaks.length === 0) return createHash('sha256').digest('hex');
    let acc = this.peaks.at(-1)!.hash;
    for (let i = this.peaks.length - 2; i >= 0; i--) acc = node(this.peaks[i]!.hash, acc);
    return acc.toString('hex');
  }
}

/** The seal chain: each seal commits to the previous one, so the seals together commit to every event up to the last. */
export function sealChain(previousChain: string, sequence: number, upTo: string, merkleRoot: string, eventCount: number): string {
  return createHash('sha256').update(`${previousChain}:${sequence}:${upTo}:${eventCount}:${merkleRoot}`).digest('hex');
}
