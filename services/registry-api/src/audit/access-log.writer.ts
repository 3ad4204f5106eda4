import { createHmac, hkdfSync } from 'node:crypto';
import { canonicalJson, type JsonValue } from '#event-store';
import { Kind, visit, type DocumentNode, type ValueNode } from 'graphql';

export type Query = (sql: string, params?: unknown[]) => Promise<unknown>;

export interface AccessRecord {
  readonly actorId: string;
  readonly actorRole: string;
  readonly channel: 'graphql' | 'http-export' | 'cli-export' | 'export-job' | 'http-import' | 'http-dicomweb';
  readonly operationType: string;
  readonly operationName: string | null;
  readonly rootFields: readonly string[];
  readonly trialIds: readonly string[];
  readonly programmeIds: readonly string[];
  readonly variables: unknown;
  readonly correlationId: string | null;
}

/**
 * The key of the access log's variable hashes, derived from the privacy master key. A plain SHA-256 would let
 * anyone who can read the table confirm a guess of low-entropy inputs (a year of birth and sex, a hospital
 * number) by hashing candidates; with a key only the registry can, and equal requests still hash equally.
 */
export function accessLogHashKey(masterKey: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), 'biomarker-registry access-log variables v1', 32));
}

/**
 * Keyed hash (HMAC-SHA-256) of the request's variables as the client sent them. Hostile input (1e999 parses to
 * Infinity) is not JSON that canonicalJson accepts, yet its access must still be logged, so such values fall back
 * to JSON.stringify.
 */
export function variablesHash(variables: unknown, key: Buffer): string {
  let text: string;
  try {
    text = canonicalJson((variables ?? {}) as JsonValue);
  } catch {
    text = JSON.stringify(variables ?? {}) ?? '';
  }
  return createHmac('sha256', key).update(text).digest('hex');
}

/** One row in audit.access_log, committed before it returns; awaited by callers so that an access that cannot be logged does not happen. */
export async function recordAccess(query: Query, r: AccessRecord, hashKey: Buffer): Promise<void> {
  await insertAccessRows(query, [accessRow(r, hashKey)], { waitForFlush: true });
}

/** The columns of one access, bounded so that a hostile request cannot make its own log row huge. */
function accessRow(r: AccessRecord, hashKey: Buffer): Record<string, unknown> {
  return {
    actor_id: r.actorId,
    actor_role: r.actorRole,
    channel: r.channel,
    operation_type: r.operationType,
    operation_name: r.operationName?.slice(0, 200) ?? null,
    root_fields: r.rootFields.slice(0, 50),
    trial_ids: r.trialIds.slice(0, 100),
    programme_ids: r.programmeIds.slice(0, 100),
    variables_hash: variablesHash(r.variables, hashKey),
    correlation_id: r.correlationId,
  };
}

const COLUMNS = 'actor_id, actor_role, channel, operation_type, operation_name, root_fields, trial_ids, programme_ids, variables_hash, correlation_id';

/**
 * Rows in one statement. Without `waitForFlush` the commit does not wait for the WAL flush (set_config(..., true)
 * is SET LOCAL of the statement's own implicit transaction): an OS crash can lose the last fraction of a second of
 * such rows; a PostgreSQL crash alone cannot.
 */
async function insertAccessRows(query: Query, rows: readonly Record<string, unknown>[], { waitForFlush }: { waitForFlush: boolean }): Promise<void> {
  await query(
    `INSERT INTO audit.access_log (${COLUMNS})
     SELECT ${COLUMNS} FROM json_populate_recordset(null::audit.access_log, $1::json)
     ${waitForFlush ? '' : `CROSS JOIN (SELECT set_config('synchronous_commit', 'off', true)) AS async_commit`}`,
    [JSON.stringify(rows)],
  );
}

/**
 * Rows of many concurrent operations in one statement and one round trip (the per-request transaction used to be
 * four, and the largest cost of a small query), committed without waiting for the WAL flush (insertAccessRows).
 * Every caller still waits for its own row's commit, and a failed write fails every operation of the batch, so
 * nothing runs unlogged.
 */
export class AccessLogBatcher {
  private pending: { row: Record<string, unknown>; resolve: () => void; reject: (err: unknown) => void }[] = [];

  constructor(
    private readonly query: Query,
    private readonly hashKey: Buffer,
    private readonly maxBatch = 500,
  ) {}

  record(r: AccessRecord): Promise<void> {
    const row = accessRow(r, this.hashKey);
    return new Promise<void>((resolve, reject) => {
      // Operations that arrive in the same turn of the event loop share the next statement.
      if (this.pending.push({ row, resolve, reject }) === 1) setImmediate(() => void this.flush());
      else if (this.pending.length >= this.maxBatch) void this.flush();
    });
  }

  private async flush(): Promise<void> {
    const batch = this.pending;
    if (batch.length === 0) return;
    this.pending = [];
    try {
      await insertAccessRows(
        this.query,
        batch.map((b) => b.row),
        { waitForFlush: false },
      );
      for (const b of batch) b.resolve();
    } catch (err) {
      for (const b of batch) b.reject(err);
    }
  }
}

const TRIAL_KEYS = new Set(['trialId', 'trialIds']);
const PROGRAMME_KEYS = new Set(['programmeId', 'programmeIds']);

/** The trials and programmes an operation names: in its variables, its literal arguments, or as a `trial-…`/`programme-…` stream id. */
export function scopeIdsOf(document: DocumentNode | undefined, variables: unknown): { trialIds: string[]; programmeIds: string[] } {
  const trials = new Set<string>();
  const programmes = new Set<string>();
  const add = (key: string, value: unknown): void => {
    // Most keys name no scope: leave before building anything (a batch's variables hold hundreds of items).
    if (!TRIAL_KEYS.has(key) && !PROGRAMME_KEYS.has(key) && key !== 'streamId') return;
    const values = (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === 'string').slice(0, 100);
    for (const v of values) {
      if (TRIAL_KEYS.has(key)) trials.add(v);
      else if (PROGRAMME_KEYS.has(key)) programmes.add(v);
      else if (key === 'streamId' && v.startsWith('trial-')) trials.add(v.slice(6));
      else if (key === 'streamId' && v.startsWith('programme-')) programmes.add(v.slice(10));
    }
  };
  const walk = (value: unknown, depth: number): void => {
    if (depth > 8 || value === null || typeof value !== 'object') return;
    if (Array.isArray(value)) return value.slice(0, 1000).forEach((v) => walk(v, depth + 1));
    for (const [k, v] of Object.entries(value)) {
      add(k, v);
      walk(v, depth + 1);
    }
  };
  walk(variables, 0);
  if (document) for (const [key, value] of literalArguments(document)) add(key, value);
  return { trialIds: [...trials], programmeIds: [...programmes] };
}

// Apollo hands over the same parsed document for every request with the same text: walk each one once.
const literalArgumentsOf = new WeakMap<DocumentNode, readonly (readonly [string, unknown])[]>();

/** Every argument and input field of the document written as a string literal (or a list of them), by name. */
function literalArguments(document: DocumentNode): readonly (readonly [string, unknown])[] {
  let found = literalArgumentsOf.get(document);
  if (!found) {
    const literal = (v: ValueNode): unknown => (v.kind === Kind.STRING ? v.value : v.kind === Kind.LIST ? v.values.map(literal) : undefined);
    const pairs: [string, unknown][] = [];
    visit(document, {
      Argument: (n) => void pairs.push([n.name.value, literal(n.value)]),
      ObjectField: (n) => void pairs.push([n.name.value, literal(n.value)]),
    });
    literalArgumentsOf.set(document, (found = pairs));
  }
  return found;
}
