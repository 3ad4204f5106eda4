import { createHash } from 'node:crypto';
import type { JsonValue } from './event-store.js';

/** The hash of "no previous event": the chain of every stream starts here. */
export const GENESIS_HASH = '0'.repeat(64);

/** JSON with object keys sorted, so equal content always has one text form whatever the key order. */
export function canonicalJson(value: JsonValue | undefined): string {
  if (value === undefined || value === null) return 'null';
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v)).join(',')}]`;
  if (typeof value === 'object') {
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * Digest of an event's own content, computable before its revision is known. The chain step
 * (`chainHash`) then binds it to its stream, revision and predecessor.
 */
export function contentDigest(e: { id: string; type: string; data: JsonValue; metadata?: JsonValue }): string {
  return createHash('sha256')
    .update(`${e.id}\n${e.type}\n${canonicalJson(e.data)}\n${canonicalJson(e.metadata ?? {})}`)
    .digest('hex');
}

/**
 * hash(n) = SHA-256(hash(n-1) ":" streamId ":" revision ":" contentDigest). The PostgreSQL adapter computes
 * the same expression in SQL (`event_store.append`) so that the chain is built in the append's own round trip.
 */
export function chainHash(previousHash: string, streamId: string, revision: bigint, digest: string): string {
  return createHash('sha256').update(`${previousHash}:${streamId}:${revision}:${digest}`).digest('hex');
}
