import { describe, expect, it } from '@jest/globals';
import {
  ANY,
  END,
  ErrorType,
  NO_STREAM,
  START as CLIENT_START,
  STREAM_EXISTS,
  UnavailableError,
  WrongExpectedVersionError as ClientWrongExpectedVersionError,
  convertToCommandError,
  type RegexFilter,
  type PrefixesFilter,
} from '@eventstore/db-client';
import { START, type EventData, type ExpectedRevision, type RecordedEvent } from '../event-store.js';
import { IdempotencyConflictError, InvalidEventError, WrongExpectedVersionError } from '../event-store.errors.js';
import { GENESIS_HASH } from '../hash-chain.js';
import { InMemoryEventStore } from '../in-memory/in-memory-event-store.js';
import { verifyChains } from '../verify-chains.js';
import {
  HASH_METADATA_KEY,
  assertNoReservedMetadata,
  backoffDelay,
  buildServerFilter,
  chainEvents,
  detectRepeat,
  expectedRevisionHolds,
  fromServerStreamName,
  isAfter,
  isClientStreamNotFound,
  isClientWrongExpectedVersion,
  isTransientError,
  matchesFilter,
  nextRevision,
  observedExpectedRevision,
  repeatStartRevision,
  splitMetadata,
  streamNaming,
  toActualRevision,
  toClientExpectedRevision,
  toClientReadPosition,
  toClientReadRevision,
  toRecordedEvent,
  toServerStreamName,
  toWrongExpectedVersionError,
  type ActualRevision,
  type ClientRecordedEventLike,
} from './eventstoredb.mapping.js';

const ids = ['0b7e2f4a-6c1e-4a3b-9d2e-1f2a3b4c5d6e', '1c8f3a5b-7d2f-4b4c-8e3f-2a3b4c5d6e7f', '2d9a4b6c-8e3a-4c5d-9f4a-3b4c5d6e7f80'];

function events(n: number, stream = 'trial'): EventData[] {
  return Array.from({ length: n }, (_, i) => ({
    id: ids[i]!,
    type: i === 0 ? 'TrialRegistered' : 'ArmAdded',
    data: { title: `${stream} ${i}`, nested: { b: [1, 2, { c: null }], a: true } },
    metadata: { actorId: 'u-1', commandId: `cmd-${i}` },
  }));
}

/** What the client would hand back for events appended with `chainEvents` (positions made up, ascending). */
function asStored(serverStream: string, chained: ReturnType<typeof chainEvents>, firstPosition = 100n): ClientRecordedEventLike[] {
  return chained.map((c, i) => ({
    streamId: serverStream,
    id: c.event.id,
    type: c.event.type,
    revision: c.revision,
    created: new Date('2026-01-02T03:04:05.678Z'),
    isJson: true,
    data: structuredClone(c.event.data),
    metadata: structuredClone(c.event.metadata),
    position: { commit: firstPosition + BigInt(i) * 10n, prepare: firstPosition + BigInt(i) * 10n },
  }));
}

describe('revision mapping', () => {
  it('maps every expected revision to the client constant or the bigint itself', () => {
    expect(toClientExpectedRevision('any')).toBe(ANY);
    expect(toClientExpectedRevision('no_stream')).toBe(NO_STREAM);
    expect(toClientExpectedRevision('stream_exists')).toBe(STREAM_EXISTS);
    expect(toClientExpectedRevision(0n)).toBe(0n);
    expect(toClientExpectedRevision(41n)).toBe(41n);
    expect(() => toClientExpectedRevision(-1n)).toThrow(InvalidEventError);
  });

  it('appends with the observed revision as an exact expectation', () => {
    expect(observedExpectedRevision('no_stream')).toBe(NO_STREAM);
    expect(observedExpectedRevision(7n)).toBe(7n);
    expect(nextRevision('no_stream')).toBe(0n);
    expect(nextRevision(7n)).toBe(8n);
  });

  it('decides expectations exactly like the in-memory reference adapter', async () => {
    const expectations: ExpectedRevision[] = ['any', 'no_stream', 'stream_exists', 0n, 1n, 2n];
    const actuals: ActualRevision[] = ['no_stream', 0n, 1n];
    for (const actual of actuals) {
      for (const expected of expectations) {
        const store = new InMemoryEventStore();
        const n = actual === 'no_stream' ? 0 : Number(actual) + 1;
        if (n > 0) await store.appendToStream('trial-1', events(n), { expectedRevision: 'no_stream' });
        const extra: EventData = { id: '3e0b5c7d-9f4b-4d6e-8a5b-4c5d6e7f8091', type: 'ArmAdded', data: {} };
        const reference = await store.appendToStream('trial-1', [extra], { expectedRevision: expected }).then(
          () => true,
          (err: unknown) => (err instanceof WrongExpectedVersionError ? false : Promise.reject(err)),
        );
        expect({ expected, actual, holds: expectedRevisionHolds(expected, actual) }).toEqual({ expected, actual, holds: reference });
      }
    }
  });

  it('looks for a repeat right after a pinned expectation, and only where the stream has grown past it', () => {
    expect(repeatStartRevision(3n, 5n)).toBe(4n);
    expect(repeatStartRevision(4n, 5n)).toBe(5n);
    expect(repeatStartRevision(5n, 5n)).toBeUndefined();
    expect(repeatStartRevision(9n, 5n)).toBeUndefined();
    expect(repeatStartRevision('no_stream', 0n)).toBe(0n);
    expect(repeatStartRevision('no_stream', 'no_stream')).toBeUndefined();
    expect(repeatStartRevision('any', 5n)).toBeUndefined();
    expect(repeatStartRevision('stream_exists', 5n)).toBeUndefined();
  });

  it('maps read revisions with direction-dependent defaults', () => {
    expect(toClientReadRevision(undefined, 'forwards')).toBe(CLIENT_START);
    expect(toClientReadRevision(undefined, 'backwards')).toBe(END);
    expect(toClientReadRevision('start', 'backwards')).toBe(CLIENT_START);
    expect(toClientReadRevision('end', 'forwards')).toBe(END);
    expect(toClientReadRevision(12n, 'forwards')).toBe(12n);
    expect(() => toClientReadRevision(-3n, 'forwards')).toThrow(InvalidEventError);
  });
});

describe('position mapping', () => {
  it('maps START and any negative position to the client START, others unchanged', () => {
    expect(toClientReadPosition(undefined)).toBe(CLIENT_START);
    expect(toClientReadPosition(START)).toBe(CLIENT_START);
    expect(toClientReadPosition({ commit: -1n, prepare: 5n })).toBe(CLIENT_START);
    expect(toClientReadPosition({ commit: 0n, prepare: 0n })).toEqual({ commit: 0n, prepare: 0n });
    expect(toClientReadPosition({ commit: 2n ** 40n, prepare: 2n ** 40n - 3n })).toEqual({ commit: 2n ** 40n, prepare: 2n ** 40n - 3n });
  });

  it('treats "after" as exclusive so a re-delivered event is dropped', () => {
    const p = { commit: 500n, prepare: 500n };
    expect(isAfter(p, p)).toBe(false);
    expect(isAfter({ commit: 499n, prepare: 499n }, p)).toBe(false);
    expect(isAfter({ commit: 500n, prepare: 501n }, p)).toBe(true);
    expect(isAfter({ commit: 0n, prepare: 0n }, undefined)).toBe(true);
  });
});

describe('stream naming', () => {
  it('prefixes server stream names and strips the prefix on the way back', () => {
    const naming = streamNaming('run42_');
    expect(toServerStreamName(naming, 'trial-abc')).toBe('run42_trial-abc');
    expect(fromServerStreamName(naming, 'run42_trial-abc')).toBe('trial-abc');
    expect(fromServerStreamName(naming, 'run43_trial-abc')).toBeUndefined();
    expect(fromServerStreamName(naming, '$stats-127.0.0.1:2113')).toBeUndefined();
    expect(fromServerStreamName(naming, 'run42_')).toBeUndefined();
    expect(fromServerStreamName(streamNaming(), 'subject-1')).toBe('subject-1');
    expect(fromServerStreamName(streamNaming(), '$$trial-1')).toBeUndefined();
  });

  it('rejects prefixes that would move the category boundary or are not plain', () => {
    for (const bad of ['run-1', 'Run', 'a b', 'x'.repeat(33), '$sys']) expect(() => streamNaming(bad)).toThrow(InvalidEventError);
  });
});

describe('hash chain in metadata', () => {
  it('computes the same hashes as the in-memory reference adapter', async () => {
    const store = new InMemoryEventStore();
    const batch = events(3);
    await store.appendToStream('trial-1', batch.slice(0, 1), { expectedRevision: 'no_stream' });
    await store.appendToStream('trial-1', batch.slice(1), { expectedRevision: 0n });
    const reference = await store.readStream('trial-1');

    const first = chainEvents('trial-1', batch.slice(0, 1), GENESIS_HASH, 0n);
    const rest = chainEvents('trial-1', batch.slice(1), first[0]!.hash, 1n);
    expect([...first, ...rest].map((c) => c.hash)).toEqual(reference.map((e) => e.hash));
    expect([...first, ...rest].map((c) => c.revision)).toEqual([0n, 1n, 2n]);
  });

  it('keeps the caller id, type and data, and adds the hash to the metadata without touching the caller object', () => {
    const batch = events(2);
    const before = structuredClone(batch);
    const chained = chainEvents('trial-1', batch, GENESIS_HASH, 0n);
    expect(batch).toEqual(before);
    chained.forEach((c, i) => {
      expect(c.event).toMatchObject({ id: batch[i]!.id, type: batch[i]!.type, data: batch[i]!.data, contentType: 'application/json' });
      expect(c.event.metadata).toEqual({ ...batch[i]!.metadata, [HASH_METADATA_KEY]: c.hash });
    });
  });

  it('binds the hash to stream, revision and predecessor', () => {
    const [e] = events(1);
    const base = chainEvents('trial-1', [e!], GENESIS_HASH, 0n)[0]!.hash;
    expect(chainEvents('trial-2', [e!], GENESIS_HASH, 0n)[0]!.hash).not.toBe(base);
    expect(chainEvents('trial-1', [e!], GENESIS_HASH, 1n)[0]!.hash).not.toBe(base);
    expect(chainEvents('trial-1', [e!], 'f'.repeat(64), 0n)[0]!.hash).not.toBe(base);
  });

  it('maps stored events back to exactly what was appended, and the chain verifies', () => {
    const naming = streamNaming('t1_');
    const batch = events(3);
    const stored = asStored('t1_trial-1', chainEvents('trial-1', batch, GENESIS_HASH, 0n)).map((e) => toRecordedEvent(naming, e)!);
    stored.forEach((r, i) => {
      expect(r).toMatchObject({ id: batch[i]!.id, streamId: 'trial-1', type: batch[i]!.type, revision: BigInt(i), data: batch[i]!.data });
      expect(r.metadata).toEqual(batch[i]!.metadata);
      expect(r.recordedAt.toISOString()).toBe('2026-01-02T03:04:05.678Z');
    });
    expect(stored[1]!.position).toEqual({ commit: 110n, prepare: 110n });
    expect(verifyChains([stored])).toEqual({ ok: true, eventsChecked: 3, streamsChecked: 1 });
  });

  it('lets verify find an event whose stored content was altered', () => {
    const naming = streamNaming();
    const raw = asStored('trial-1', chainEvents('trial-1', events(3), GENESIS_HASH, 0n));
    (raw[1]!.data as { title: string }).title = 'tampered';
    const result = verifyChains([raw.map((e) => toRecordedEvent(naming, e)!)]);
    expect(result.ok).toBe(false);
    expect(result.firstFailure).toMatchObject({ revision: 1n, reason: 'hash_mismatch', eventId: ids[1] });
  });

  it('lets verify find an event that is missing from the middle of a stream', () => {
    const naming = streamNaming();
    const raw = asStored('trial-1', chainEvents('trial-1', events(3), GENESIS_HASH, 0n));
    const result = verifyChains([[raw[0]!, raw[2]!].map((e) => toRecordedEvent(naming, e)!)]);
    expect(result.firstFailure).toMatchObject({ revision: 2n, reason: 'revision_gap' });
  });

  it('reports an event without a hash as a mismatch instead of inventing one', () => {
    const raw = asStored('trial-1', chainEvents('trial-1', events(1), GENESIS_HASH, 0n));
    const stripped = { ...raw[0]!, metadata: { actorId: 'u-1' } };
    const recorded = toRecordedEvent(streamNaming(), stripped)!;
    expect(recorded.hash).toBe('');
    expect(verifyChains([[recorded]]).firstFailure?.reason).toBe('hash_mismatch');
  });

  it('refuses caller metadata that would overwrite the hash', () => {
    const [e] = events(1);
    expect(() => assertNoReservedMetadata([{ ...e!, metadata: { [HASH_METADATA_KEY]: 'forged' } }])).toThrow(InvalidEventError);
    expect(() => assertNoReservedMetadata([e!, { ...e!, metadata: undefined }])).not.toThrow();
  });

  it('splits metadata defensively', () => {
    expect(splitMetadata({ a: 1, [HASH_METADATA_KEY]: 'h' })).toEqual({ metadata: { a: 1 }, hash: 'h' });
    expect(splitMetadata({ [HASH_METADATA_KEY]: 42 })).toEqual({ metadata: {}, hash: '' });
    expect(splitMetadata(undefined)).toEqual({ metadata: {}, hash: '' });
    expect(splitMetadata(new Uint8Array([1, 2]))).toEqual({ metadata: {}, hash: '' });
    expect(splitMetadata([1, 2])).toEqual({ metadata: {}, hash: '' });
  });

  it('skips system events and foreign streams, and refuses corrupted events of ours', () => {
    const naming = streamNaming('t1_');
    const [good] = asStored('t1_trial-1', chainEvents('trial-1', events(1), GENESIS_HASH, 0n));
    expect(toRecordedEvent(naming, { ...good!, type: '$metadata' })).toBeUndefined();
    expect(toRecordedEvent(naming, { ...good!, streamId: '$$t1_trial-1' })).toBeUndefined();
    expect(toRecordedEvent(naming, { ...good!, streamId: 'other-1' })).toBeUndefined();
    expect(() => toRecordedEvent(naming, { ...good!, isJson: false, data: new Uint8Array([1]) })).toThrow(/not a JSON object/);
    expect(() => toRecordedEvent(naming, { ...good!, data: [1, 2] })).toThrow(/not a JSON object/);
    const { position: _omitted, ...withoutPosition } = good!;
    expect(() => toRecordedEvent(naming, withoutPosition)).toThrow(/without a position/);
  });
});

describe('repeated appends', () => {
  const naming = streamNaming();
  const stored = (batch: EventData[]): RecordedEvent[] =>
    asStored('trial-1', chainEvents('trial-1', batch, GENESIS_HASH, 0n)).map((e) => toRecordedEvent(naming, e)!);

  it('recognises the same events as a repeat and returns the last stored one', () => {
    const batch = events(3);
    expect(detectRepeat('trial-1', stored(batch), batch)?.revision).toBe(2n);
    expect(detectRepeat('trial-1', stored(batch), batch.slice(0, 2))?.revision).toBe(1n);
  });

  it('ignores key order, which JSON does not define', () => {
    const batch = events(1);
    const reordered = [{ ...batch[0]!, data: { nested: { a: true, b: [1, 2, { c: null }] }, title: 'trial 0' } }];
    expect(detectRepeat('trial-1', stored(batch), reordered)?.revision).toBe(0n);
  });

  it('is not a repeat when a different event sits where the repeat would be', () => {
    const batch = events(2);
    expect(detectRepeat('trial-1', stored(batch).slice(1), batch)).toBeUndefined();
    expect(detectRepeat('trial-1', [], batch)).toBeUndefined();
  });

  it('rejects the same ids with different data, type, order or count', () => {
    const batch = events(3);
    const s = stored(batch);
    expect(() => detectRepeat('trial-1', s, [{ ...batch[0]!, data: { title: 'other' } }])).toThrow(IdempotencyConflictError);
    expect(() => detectRepeat('trial-1', s, [{ ...batch[0]!, type: 'ArmAdded' }])).toThrow(IdempotencyConflictError);
    expect(() => detectRepeat('trial-1', s, [batch[0]!, batch[2]!])).toThrow(IdempotencyConflictError);
    expect(() => detectRepeat('trial-1', s.slice(0, 2), batch)).toThrow(IdempotencyConflictError);
  });
});

describe('filters', () => {
  const naming = streamNaming();

  it('filters categories server-side on stream-name prefixes ending in a dash', () => {
    const f = buildServerFilter({ naming, filter: { streamCategories: ['trial', 'subject'], eventTypes: ['TrialRegistered'] } }) as PrefixesFilter;
    expect(f).toMatchObject({ filterOn: 'streamName', prefixes: ['trial-', 'subject-'] });
    const prefixed = buildServerFilter({ naming: streamNaming('r7_'), filter: { streamCategories: ['trial'] } }) as PrefixesFilter;
    expect(prefixed.prefixes).toEqual(['r7_trial-']);
  });

  it('filters event types server-side on an exact, escaped alternation', () => {
    const f = buildServerFilter({ naming, filter: { eventTypes: ['TrialRegistered', 'ArmAdded'] } }) as RegexFilter;
    expect(f.filterOn).toBe('eventType');
    const re = new RegExp(f.regex);
    expect(['TrialRegistered', 'ArmAdded'].every((t) => re.test(t))).toBe(true);
    expect(['TrialRegisteredV2', 'XArmAdded', '$metadata', 'Trial'].some((t) => re.test(t))).toBe(false);
  });

  it('without a filter excludes system events, or selects the prefix when one is set', () => {
    const none = buildServerFilter({ naming }) as RegexFilter;
    expect(none.filterOn).toBe('eventType');
    expect(new RegExp(none.regex).test('$statsCollected')).toBe(false);
    expect(new RegExp(none.regex).test('TrialRegistered')).toBe(true);
    expect(buildServerFilter({ naming: streamNaming('r7_') })).toMatchObject({ filterOn: 'streamName', prefixes: ['r7_'] });
  });

  it('carries the checkpoint settings and callback', () => {
    const checkpointReached = (): void => undefined;
    const f = buildServerFilter({ naming, filter: { streamCategories: ['trial'] }, checkpointInterval: 5, maxSearchWindow: 64, checkpointReached });
    expect(f).toMatchObject({ checkpointInterval: 5, maxSearchWindow: 64, checkpointReached });
  });

  it('refuses empty lists, which would silently match nothing', () => {
    expect(() => buildServerFilter({ naming, filter: { streamCategories: [] } })).toThrow(InvalidEventError);
    expect(() => buildServerFilter({ naming, filter: { eventTypes: [] } })).toThrow(InvalidEventError);
  });

  it('re-checks the whole filter client-side, including the criterion the server did not apply', () => {
    const filter = { streamCategories: ['trial'], eventTypes: ['ArmAdded'] };
    expect(matchesFilter({ streamId: 'trial-1', type: 'ArmAdded' }, filter)).toBe(true);
    expect(matchesFilter({ streamId: 'trial-1', type: 'TrialRegistered' }, filter)).toBe(false);
    expect(matchesFilter({ streamId: 'trialx-1', type: 'ArmAdded' }, filter)).toBe(false);
    expect(matchesFilter({ streamId: 'subject-1', type: 'ArmAdded' }, undefined)).toBe(true);
  });
});

describe('error mapping', () => {
  it('maps the client wrong-expected-version error (append response form) with the actual revision', () => {
    const err = new ClientWrongExpectedVersionError(undefined, { streamName: 'trial-1', expected: 3n, current: 5n });
    expect(isClientWrongExpectedVersion(err)).toBe(true);
    const mapped = toWrongExpectedVersionError(err, 'trial-1', 3n);
    expect(mapped).toBeInstanceOf(WrongExpectedVersionError);
    expect(mapped).toMatchObject({ code: 'WRONG_EXPECTED_VERSION', streamId: 'trial-1', expectedRevision: 3n, actualRevision: 5n });
    const missing = new ClientWrongExpectedVersionError(undefined, { streamName: 'trial-1', expected: 0n, current: NO_STREAM });
    expect(toWrongExpectedVersionError(missing, 'trial-1', 0n).actualRevision).toBe('no_stream');
  });

  it('maps the gRPC trailer form, as older servers send it', () => {
    const trailers: Record<string, string> = {
      exception: ErrorType.WRONG_EXPECTED_VERSION,
      'stream-name': 'trial-1',
      'expected-version': '-1',
      'actual-version': '7',
    };
    const serviceError = Object.assign(new Error('wrong expected version'), { code: 9, details: '', metadata: { getMap: () => trailers } });
    const err = convertToCommandError(serviceError as never);
    expect(isClientWrongExpectedVersion(err)).toBe(true);
    expect(toWrongExpectedVersionError(err as never, 'trial-1', 'no_stream').actualRevision).toBe(7n);
  });

  it('reads every shape of actual version the client produces', () => {
    expect(toActualRevision(4n)).toBe(4n);
    expect(toActualRevision(-1n)).toBe('no_stream');
    expect(toActualRevision('no_stream')).toBe('no_stream');
    expect(toActualRevision(2)).toBe(2n);
    expect(toActualRevision(-1)).toBe('no_stream');
    expect(toActualRevision('12')).toBe(12n);
    expect(toActualRevision(undefined)).toBe('no_stream');
  });

  it('tells transient failures from ones that waiting does not heal', () => {
    expect(isTransientError(new UnavailableError(undefined as never))).toBe(true);
    expect(isTransientError({ type: ErrorType.NOT_LEADER })).toBe(true);
    expect(isTransientError({ type: ErrorType.DEADLINE_EXCEEDED })).toBe(true);
    expect(isTransientError({ type: ErrorType.ACCESS_DENIED })).toBe(false);
    expect(isTransientError({ type: ErrorType.STREAM_DELETED })).toBe(false);
    expect(isTransientError(new InvalidEventError('x', 'bad'))).toBe(false);
    expect(isTransientError(new Error('plain'))).toBe(false);
    expect(isTransientError(undefined)).toBe(false);
  });

  it('recognises a missing stream', () => {
    expect(isClientStreamNotFound({ type: ErrorType.STREAM_NOT_FOUND })).toBe(true);
    expect(isClientStreamNotFound({ type: ErrorType.STREAM_DELETED })).toBe(false);
  });
});

describe('resubscription backoff', () => {
  const options = { initialDelayMs: 100, maxDelayMs: 5_000 };

  it('stays within half and all of an exponentially growing, capped ceiling', () => {
    for (let attempt = 1; attempt <= 12; attempt++) {
      const ceiling = Math.min(5_000, 100 * 2 ** (attempt - 1));
      for (const r of [0, 0.25, 0.999]) {
        const d = backoffDelay(attempt, options, r);
        expect(d).toBeGreaterThanOrEqual(ceiling / 2);
        expect(d).toBeLessThanOrEqual(ceiling);
      }
    }
    expect(backoffDelay(40, options, 0.999)).toBeLessThanOrEqual(5_000);
  });

  it('never waits zero and clamps a random value outside [0, 1)', () => {
    expect(backoffDelay(1, options, 0)).toBe(50);
    expect(backoffDelay(1, options, -5)).toBe(50);
    expect(backoffDelay(1, options, 7)).toBe(100);
  });
});
