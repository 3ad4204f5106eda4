import { createHash, hash } from 'node:crypto';
import type { JsonValue } from './event-store.js';

/** The hash of "no previous event": the chain of every stream starts here. */
export const GENESIS_HASH = '0'.repeat(64);

/** Thrown by `canonicalJson` for values JSON cannot hold exactly; validation reports the precise field instead. */
export class NotJsonError extends TypeError {}

/**
 * `"key":` of the field names events and commands keep using (a few hundred), so each is escaped once, not once per
 * event (canonicalJson) or per command item (handle-command.ts commandHash).
 */
const keyTexts = new Map<string, string>();
const MAX_KEY_TEXTS = 10_000;

export function keyText(key: string): string {
  let text = keyTexts.get(key);
  if (text === undefined) {
    text = `${JSON.stringify(key)}:`;
    if (keyTexts.size < MAX_KEY_TEXTS) keyTexts.set(key, text);
  }
  return text;
}

function canonical(value: unknown, depth: number): string {
  if (value === null || value === undefined) return 'null';
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw new NotJsonError('not a finite number');
      return JSON.stringify(value);
    case 'object': {
      if (depth > 64) throw new NotJsonError('nested too deeply');
      if (Array.isArray(value)) {
        let out = '[';
        for (let i = 0; i < value.length; i++) out += (i ? ',' : '') + canonical(value[i], depth + 1);
        return out + ']';
      }
      const proto = Object.getPrototypeOf(value);
      // Realm-independent: a plain object's prototype is some realm's Object.prototype, whose own prototype is null.
      if (proto !== null && Object.getPrototypeOf(proto) !== null) throw new NotJsonError('not a plain object');
      const record = value as Record<string, unknown>;
      const keys = Object.keys(record);
      // Most events are built with their keys already in order; sorting only when needed halves the cost.
      for (let i = 1; i < keys.length; i++) {
        if (keys[i - 1]! > keys[i]!) {
          keys.sort();
          break;
        }
      }
      let out = '{';
      for (let i = 0; i < keys.length; i++) out += (i ? ',' : '') + keyText(keys[i]!) + canonical(record[keys[i]!], depth + 1);
      return out + '}';
    }
    case 'bigint':
    case 'symbol':
    case 'function':
    case 'undefined': // handled above; listed so that the switch names every typeof result
    default:
      throw new NotJsonError(`a ${typeof value} is not JSON`);
  }
}

/**
 * JSON with object keys sorted, so equal content always has one text form whatever the key order (and whatever
 * order jsonb hands keys back in). It is also the text the PostgreSQL adapter sends, so each event is
 * serialised once. Throws NotJsonError for NaN, Infinity, bigint, functions and class instances.
 */
export function canonicalJson(value: JsonValue | undefined): string {
  return canonical(value, 0);
}

/**
 * Digest of an event's own content, computable before its revision is known. The chain step
 * (`chainHash`) then binds it to its stream, revision and predecessor.
 */
export function contentDigest(e: { id: string; type: string; data: JsonValue; metadata?: JsonValue }): string {
  return canonicalContentDigest(e.id, e.type, canonicalJson(e.data), canonicalJson(e.metadata ?? {}));
}

/** `contentDigest` from data and metadata already in canonical form (see `canonicalJson`). */
export function canonicalContentDigest(id: string, type: string, canonicalData: string, canonicalMetadata: string): string {
  // One-shot: no Hash object per event (every append and every seal computes one per event).
  return hash('sha256', `${id}\n${type}\n${canonicalData}\n${canonicalMetadata}`, 'hex');
}

/**
 * hash(n) = SHA-256(hash(n-1) ":" streamId ":" revision ":" contentDigest). The PostgreSQL adapter computes
 * the same expression in SQL (`event_store.append`) so that the chain is built in the append's own round trip.
 */
export function chainHash(previousHash: string, streamId: string, revision: bigint, digest: string): string {
  return createHash('sha256').update(`${previousHash}:${streamId}:${revision}:${digest}`).digest('hex');
}
