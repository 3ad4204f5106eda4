import type { EventData, JsonObject } from './event-store.js';
import { InvalidEventError } from './event-store.errors.js';
import { canonicalJson, canonicalContentDigest } from './hash-chain.js';

/** Limits chosen so one event fits comfortably in a PostgreSQL row and an EventStoreDB record. */
export const MAX_EVENT_BYTES = 1024 * 1024;
export const MAX_EVENTS_PER_APPEND = 10_000;

/** `<category>-<id>`: a lower-case category without dashes, then an id (UUIDs, DICOM UIDs with dots). */
const STREAM_ID = /^[a-z][a-z0-9]{0,62}-[A-Za-z0-9][A-Za-z0-9._:-]{0,190}$/;
const EVENT_TYPE = /^[A-Z][A-Za-z0-9]{0,99}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function validateStreamId(streamId: unknown, field = 'streamId'): asserts streamId is string {
  if (typeof streamId !== 'string' || !STREAM_ID.test(streamId)) {
    throw new InvalidEventError(field, `invalid stream name ${JSON.stringify(streamId)}: expected <category>-<id>, category lower-case letters and digits`);
  }
}

/**
 * Rejects anything that would not survive a JSON round trip unchanged (NaN, Infinity, undefined, bigint,
 * class instances), because the stored event must be exactly what the caller meant.
 */
function assertJson(value: unknown, field: string, depth = 0): void {
  if (depth > 64) throw new InvalidEventError(field, `${field} is nested too deeply`);
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new InvalidEventError(field, `${field} is not a finite number`);
    return;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) assertJson(value[i], `${field}[${i}]`, depth + 1);
    return;
  }
  if (typeof value === 'object') {
    const proto = Object.getPrototypeOf(value);
    if (proto !== null && Object.getPrototypeOf(proto) !== null) throw new InvalidEventError(field, `${field} is not a plain JSON object`);
    for (const [k, v] of Object.entries(value)) assertJson(v, `${field}.${k}`, depth + 1);
    return;
  }
  throw new InvalidEventError(field, `${field} has a value of type ${typeof value}, which JSON cannot hold`);
}

/** An event's data and metadata in canonical JSON and its content digest, produced once by validation. */
export interface SerialisedEvent {
  readonly data: string;
  readonly metadata: string;
  readonly digest: string;
}

/** Canonical JSON of a field; on failure, the slower walk names the exact offending path. */
function serialise(value: unknown, field: string): string {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new InvalidEventError(field, `${field} must be a JSON object`);
  try {
    return canonicalJson(value as JsonObject);
  } catch {
    assertJson(value, field);
    throw new InvalidEventError(field, `${field} is not valid JSON`);
  }
}

/** Validates a whole append before anything is written; returns each event's serialised data and metadata. */
export function validateAppend(streamId: unknown, events: readonly EventData[]): SerialisedEvent[] {
  validateStreamId(streamId);
  if (!Array.isArray(events) || events.length === 0) throw new InvalidEventError('events', 'an append needs at least one event');
  if (events.length > MAX_EVENTS_PER_APPEND) {
    throw new InvalidEventError('events', `at most ${MAX_EVENTS_PER_APPEND} events per append, got ${events.length}`);
  }
  const ids = new Set<string>();
  return events.map((e, i) => {
    const f = `events[${i}]`;
    if (typeof e !== 'object' || e === null) throw new InvalidEventError(f, `${f} must be an object`);
    if (typeof e.id !== 'string' || !UUID.test(e.id)) throw new InvalidEventError(`${f}.id`, `${f}.id must be a lower-case UUID`);
    if (ids.has(e.id)) throw new InvalidEventError(`${f}.id`, `${f}.id ${e.id} appears twice in one append`);
    ids.add(e.id);
    if (typeof e.type !== 'string' || !EVENT_TYPE.test(e.type)) {
      throw new InvalidEventError(`${f}.type`, `${f}.type ${JSON.stringify(e.type)} must be PascalCase letters and digits`);
    }
    const data = serialise(e.data, `${f}.data`);
    const metadata = e.metadata === undefined ? '{}' : serialise(e.metadata, `${f}.metadata`);
    const size = Buffer.byteLength(data) + Buffer.byteLength(metadata);
    if (size > MAX_EVENT_BYTES) throw new InvalidEventError(f, `${f} is ${size} bytes; the limit is ${MAX_EVENT_BYTES}`);
    return { data, metadata, digest: canonicalContentDigest(e.id, e.type, data, metadata) };
  });
}
