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

/** RFC 6962 MTH over leaves[lo, hi). */
function subtreeHash(leaves: readonly Buffer[], lo: number, hi: number): Buffer {
  if (hi - lo === 1) return leaves[lo]!;
  const k = largestPowerOfTwoBelow(hi - lo);
  return node(subtreeHash(leaves, lo, lo + k), subtreeHash(leaves, lo + k, hi));
}

function largestPowerOfTwoBelow(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** RFC 6962 §2.1.1 audit path PATH(m, D[n]): the sibling hashes from leaf `index` up to the root, as hex. */
export function inclusionPath(leaves: readonly Buffer[], index: number): string[] {
  const out: Buffer[] = [];
  const walk = (m: number, lo: number, hi: number): void => {
    if (hi - lo <= 1) return;
    const k = largestPowerOfTwoBelow(hi - lo);
    if (m < k) {
      walk(m, lo, lo + k);
      out.push(subtreeHash(leaves, lo + k, hi));
    } else {
      walk(m - k, lo + k, hi);
      out.push(subtreeHash(leaves, lo, lo + k));
    }
  };
  walk(index, 0, leaves.length);
  return out.map((b) => b.toString('hex'));
}

/** RFC 9162 §2.1.3.2: the root that leaf `index` of a tree of `size` leaves and its audit path lead to; undefined if the path does not fit. */
export function rootFromInclusionPath(leaf: Buffer, index: number, size: number, path: readonly string[]): string | undefined {
  if (!Number.isInteger(index) || !Number.isInteger(size) || index < 0 || index >= size) return undefined;
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const hex of path) {
    if (sn === 0) return undefined;
    const p = Buffer.from(hex, 'hex');
    if (fn % 2 === 1 || fn === sn) {
      r = node(p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else r = node(r, p);
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 ? r.toString('hex') : undefined;
}
