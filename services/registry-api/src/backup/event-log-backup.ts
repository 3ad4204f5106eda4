import { createHash } from 'node:crypto';
import {
  GENESIS_HASH,
  START,
  chainHash,
  contentDigest,
  formatPosition,
  type EventStore,
  type JsonObject,
  type Position,
  type RecordedEvent,
} from '#event-store';

/**
 * A backup of the registry is its event log: every event, in global order, with its hash. The read models are
 * derived and rebuilt after a restore; nothing else is needed to reconstruct the registry, and because it goes
 * through the EventStore port it also moves a registry between adapters (PostgreSQL ↔ EventStoreDB).
 *
 * File format (JSON lines, gzip when the file name ends in .gz):
 *   1. header  {"format":"biomarker-registry-event-log","version":1,"createdAt":…,"source":…}
 *   2. events  {"streamId","revision","id","type","data","metadata","hash","recordedAt","position"} in global order
 *   3. trailer {"end":true,"events":n,"streams":m,"sha256":<SHA-256 of every line before it, newline-terminated>}
 * A file without its trailer (a backup cut short) or whose digest differs is refused before anything is written.
 */
export const BACKUP_FORMAT = 'biomarker-registry-event-log';
export const BACKUP_VERSION = 1;

export interface BackupHeader {
  readonly format: typeof BACKUP_FORMAT;
  readonly version: number;
  readonly createdAt: string;
  /** Where it came from (a redacted URL or adapter name), for the operator. */
  readonly source: string;
}

export interface BackupEventLine {
  readonly streamId: string;
  readonly revision: string;
  readonly id: string;
  readonly type: string;
  readonly data: JsonObject;
  readonly metadata: JsonObject;
  readonly hash: string;
  readonly recordedAt: string;
  readonly position: string;
}

export interface BackupTrailer {
  readonly end: true;
  readonly events: number;
  readonly streams: number;
  readonly sha256: string;
}

export interface BackupProgress {
  readonly phase: 'backup' | 'verify' | 'restore' | 'compare';
  readonly done: number;
}

export interface BackupSummary {
  readonly events: number;
  readonly streams: number;
  readonly sha256: string;
}

/** A backup file that cannot be restored as it is; `line` is 1-based. */
export class BackupFileError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(`backup line ${line}: ${message}`);
    this.name = 'BackupFileError';
  }
}

/** The target is not in a state a restore may write into. */
export class RestoreTargetError extends Error {
  override name = 'RestoreTargetError';
}

const PAGE = 2_000;

export function toBackupLine(e: RecordedEvent): BackupEventLine {
  return {
    streamId: e.streamId,
    revision: e.revision.toString(),
    id: e.id,
    type: e.type,
    data: e.data,
    metadata: e.metadata,
    hash: e.hash,
    recordedAt: e.recordedAt.toISOString(),
    position: formatPosition(e.position),
  };
}

/** Every event of the store, page by page, in global order. */
async function* readWholeLog(store: EventStore, after: Position = START): AsyncGenerator<RecordedEvent> {
  let from = after;
  for (;;) {
    const page = await store.readAll({ after: from, maxCount: PAGE });
    yield* page;
    if (page.length < PAGE) return;
    from = page[page.length - 1]!.position;
  }
}

/** Writes a backup of the whole log as lines (newline-terminated); `write` may wait for back-pressure. */
export async function writeEventLogBackup(
  store: EventStore,
  write: (line: string) => Promise<void> | void,
  options: { source: string; now?: Date; onProgress?: (p: BackupProgress) => void } = { source: 'unknown' },
): Promise<BackupSummary> {
  const digest = createHash('sha256');
  const emit = async (value: unknown): Promise<void> => {
    const line = `${JSON.stringify(value)}\n`;
    digest.update(line);
    await write(line);
  };
  const header: BackupHeader = { format: BACKUP_FORMAT, version: BACKUP_VERSION, createdAt: (options.now ?? new Date()).toISOString(), source: options.source };
  await emit(header);
  const streams = new Set<string>();
  let events = 0;
  for await (const e of readWholeLog(store)) {
    await emit(toBackupLine(e));
    streams.add(e.streamId);
    if (++events % PAGE === 0) options.onProgress?.({ phase: 'backup', done: events });
  }
  const sha256 = digest.digest('hex');
  const trailer: BackupTrailer = { end: true, events, streams: streams.size, sha256 };
  await write(`${JSON.stringify(trailer)}\n`);
  options.onProgress?.({ phase: 'backup', done: events });
  return { events, streams: streams.size, sha256 };
}

function parseLine(text: string, line: number): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new BackupFileError(line, 'is not JSON');
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function asEventLine(v: unknown, line: number): BackupEventLine {
  if (!isObject(v)) throw new BackupFileError(line, 'is not an event');
  for (const key of ['streamId', 'revision', 'id', 'type', 'hash', 'recordedAt', 'position'] as const) {
    if (typeof v[key] !== 'string') throw new BackupFileError(line, `${key} is missing or not a string`);
  }
  if (!isObject(v['data']) || !isObject(v['metadata'])) throw new BackupFileError(line, 'data and metadata must be objects');
  if (!/^\d+$/.test(v['revision'] as string)) throw new BackupFileError(line, 'revision is not a non-negative integer');
  return v as unknown as BackupEventLine;
}

/**
 * Reads a backup once, checking everything a restore relies on without writing: the header, every stream's
 * revisions (0, 1, 2, … without gaps) and hash chain recomputed from the content, and the trailer's counts and
 * digest. Yields the events in file order; the caller consumes them only after this generator has finished
 * cleanly (see `restoreEventLogBackup`, which reads the file twice).
 */
export async function* readEventLogBackup(
  lines: AsyncIterable<string>,
  onProgress?: (p: BackupProgress) => void,
): AsyncGenerator<BackupEventLine, BackupSummary> {
  const digest = createHash('sha256');
  const chains = new Map<string, { revision: bigint; hash: string }>();
  let n = 0;
  let events = 0;
  let trailer: BackupTrailer | undefined;
  for await (const text of lines) {
    n++;
    if (trailer) throw new BackupFileError(n, 'follows the trailer');
    const value = parseLine(text, n);
    if (n === 1) {
      if (!isObject(value) || value['format'] !== BACKUP_FORMAT) throw new BackupFileError(1, `is not a ${BACKUP_FORMAT} header`);
      if (value['version'] !== BACKUP_VERSION)
        throw new BackupFileError(1, `format version ${String(value['version'])} is not supported (this build reads ${BACKUP_VERSION})`);
      digest.update(`${text}\n`);
      continue;
    }
    if (isObject(value) && value['end'] === true) {
      trailer = value as unknown as BackupTrailer;
      continue;
    }
    digest.update(`${text}\n`);
    const e = asEventLine(value, n);
    const revision = BigInt(e.revision);
    const previous = chains.get(e.streamId) ?? { revision: -1n, hash: GENESIS_HASH };
    if (revision !== previous.revision + 1n) throw new BackupFileError(n, `${e.streamId} revision ${revision} follows revision ${previous.revision}`);
    const expected = chainHash(previous.hash, e.streamId, revision, contentDigest(e));
    if (expected !== e.hash) throw new BackupFileError(n, `${e.streamId}@${revision}: hash does not match the content (tampered or damaged)`);
    chains.set(e.streamId, { revision, hash: e.hash });
    events++;
    if (events % PAGE === 0) onProgress?.({ phase: 'verify', done: events });
    yield e;
  }
  if (n === 0) throw new BackupFileError(1, 'the file is empty');
  if (!trailer) throw new BackupFileError(n, 'the trailer is missing: the backup was cut short');
  const sha256 = digest.digest('hex');
  if (trailer.events !== events || trailer.streams !== chains.size) {
    throw new BackupFileError(n, `the trailer counts ${trailer.events} events in ${trailer.streams} streams, the file holds ${events} in ${chains.size}`);
  }
  if (trailer.sha256 !== sha256) throw new BackupFileError(n, 'the digest in the trailer does not match the file');
  return { events, streams: chains.size, sha256 };
}

async function drain(backup: AsyncGenerator<BackupEventLine, BackupSummary>): Promise<BackupSummary> {
  for (;;) {
    const next = await backup.next();
    if (next.done) return next.value;
  }
}

export interface RestoreOptions {
  /** Go on after an interrupted restore: the store must hold a prefix of the backup (checked event by event). */
  readonly resume?: boolean;
  readonly onProgress?: (p: BackupProgress) => void;
  /** Asked between appends; true stops cleanly (what is restored so far is a prefix of the backup). */
  readonly shouldStop?: () => boolean;
}

export interface RestoreResult extends BackupSummary {
  readonly appended: number;
  readonly stopped: boolean;
}

/**
 * Restores a backup into an empty store (or, with `resume`, one that holds a prefix of it): first a full
 * verification pass (nothing is written from a damaged or truncated file), then the events in their original
 * global order, consecutive events of one stream in one atomic append at their exact revisions, and finally a
 * comparison pass: the store's log must equal the backup event for event, ids and hashes alike. Re-running an
 * interrupted restore with `resume` appends only what is missing: an event already there is an idempotent repeat
 * of the same id and content, so nothing is ever applied twice.
 */
export async function restoreEventLogBackup(store: EventStore, open: () => AsyncIterable<string>, options: RestoreOptions = {}): Promise<RestoreResult> {
  const summary = await drain(readEventLogBackup(open(), options.onProgress));
  if (!options.resume) {
    const [first] = await store.readAll({ maxCount: 1 });
    if (first)
      throw new RestoreTargetError(
        `the target event store is not empty (it holds ${first.streamId}); restore into a new database, or pass --resume to finish an interrupted restore`,
      );
  }
  let appended = 0;
  let batch: BackupEventLine[] = [];
  const flush = async (): Promise<void> => {
    if (batch.length === 0) return;
    const first = BigInt(batch[0]!.revision);
    await store.appendToStream(
      batch[0]!.streamId,
      batch.map((e) => ({ id: e.id, type: e.type, data: e.data, metadata: e.metadata })),
      { expectedRevision: first === 0n ? 'no_stream' : first - 1n },
    );
    appended += batch.length;
    batch = [];
  };
  let stopped = false;
  for await (const e of readEventLogBackup(open())) {
    if (batch.length > 0 && (batch[0]!.streamId !== e.streamId || batch.length >= 500)) {
      await flush();
      options.onProgress?.({ phase: 'restore', done: appended });
      if (options.shouldStop?.()) {
        stopped = true;
        break;
      }
    }
    batch.push(e);
  }
  if (!stopped) await flush();
  options.onProgress?.({ phase: 'restore', done: appended });
  if (stopped) return { ...summary, appended, stopped };
  await compareWithBackup(store, open, options.onProgress);
  return { ...summary, appended, stopped };
}

/** The store's whole log must be the backup's events, in order, with the same ids and hashes. */
async function compareWithBackup(store: EventStore, open: () => AsyncIterable<string>, onProgress?: (p: BackupProgress) => void): Promise<void> {
  const stored = readWholeLog(store);
  let n = 0;
  for await (const e of readEventLogBackup(open())) {
    const next = await stored.next();
    if (next.done) throw new RestoreTargetError(`the store ends after ${n} events; the backup has more (${e.streamId}@${e.revision})`);
    const s = next.value;
    if (s.id !== e.id || s.hash !== e.hash || s.streamId !== e.streamId || s.revision.toString() !== e.revision) {
      throw new RestoreTargetError(`event ${n + 1} differs: store has ${s.streamId}@${s.revision} (${s.hash}), backup ${e.streamId}@${e.revision} (${e.hash})`);
    }
    if (++n % PAGE === 0) onProgress?.({ phase: 'compare', done: n });
  }
  const extra = await stored.next();
  if (!extra.done) throw new RestoreTargetError(`the store holds events the backup does not (first: ${extra.value.streamId}@${extra.value.revision})`);
}
