import { randomUUID } from 'node:crypto';
import { type Position, PostgresEventStore, type RecordedEvent, type SearchedEvent, START } from '#event-store';
import pg from 'pg';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const MUTATION = `mutation($input: RegisterTrialInput!) { registerTrial(input: $input) { id streamId version globalPosition events replayed } }`;

/** What the registry acknowledged: a receipt for one command (possibly after retries of the same commandId). */
export interface Ack {
  readonly commandId: string;
  readonly streamId: string;
  readonly events: readonly string[];
  readonly replayed: boolean;
  /** When the attempt that got this receipt was sent, and when the receipt came back (ms since epoch). */
  readonly attemptStartedAt: number;
  readonly ackedAt: number;
  readonly attempts: number;
}

export interface WriteLoadFigures {
  readonly acknowledged: number;
  readonly failedAttempts: number;
  readonly retriedCommands: number;
  /** Attempts answered with an HTTP status ≥ 500 other than 503 (the outage answer). */
  readonly http5xxOther: number;
  readonly errorCodes: Readonly<Record<string, number>>;
}

/**
 * N writers through HTTP GraphQL, each sending registerTrial commands one after another. A failed attempt
 * (connection refused, 5xx, an error body) is retried with the SAME commandId and content until it is
 * acknowledged — what a careful client does — so a write whose first answer was lost is never sent as a new one.
 */
export class WriteLoad {
  private static readonly live = new Set<WriteLoad>();
  /** Ends every load still running (a failed scenario's), so no writer outlives its test: call in afterEach. */
  static abortAll(): void {
    for (const load of WriteLoad.live) load.abort();
  }

  readonly acks: Ack[] = [];
  private failedAttempts = 0;
  private retriedCommands = 0;
  private http5xxOther = 0;
  private readonly errorCodes: Record<string, number> = {};
  /** When each failed attempt's answer (or connection error) came back. */
  private readonly failures: number[] = [];
  private running = true;
  private aborted = false;
  private readonly writers: Promise<void>[];
  private readonly run = randomUUID().slice(0, 8).toUpperCase();

  constructor(
    private readonly url: () => string,
    private readonly token: string,
    writers = 8,
  ) {
    this.writers = Array.from({ length: writers }, (_, w) => this.writer(w));
    WriteLoad.live.add(this);
  }

  /** Stops at once, leaving commands in flight unresolved (only for a scenario that already failed). */
  abort(): void {
    this.running = false;
    this.aborted = true;
    WriteLoad.live.delete(this);
  }

  private async writer(w: number): Promise<void> {
    for (let n = 0; this.running; n++) {
      const commandId = randomUUID();
      const input = {
        commandId,
        identifiers: [{ system: 'OTHER', value: `FAULT-${this.run}-${w}-${n}` }],
        title: `Fault suite trial ${w}/${n}`,
        phase: 'PHASE_II',
        sponsor: 'Fault suite',
        primaryEndpoint: 'None',
      };
      // Once sent, a command is retried until acknowledged even after stop(): its outcome must be known.
      for (let attempt = 1; !this.aborted; attempt++) {
        const attemptStartedAt = Date.now();
        const outcome = await this.send(input);
        if (outcome.ok) {
          this.acks.push({ commandId, ...outcome.receipt, attemptStartedAt, ackedAt: Date.now(), attempts: attempt });
          if (attempt > 1) this.retriedCommands++;
          break;
        }
        this.failedAttempts++;
        this.failures.push(Date.now());
        this.errorCodes[outcome.code] = (this.errorCodes[outcome.code] ?? 0) + 1;
        if (outcome.status >= 500 && outcome.status !== 503) this.http5xxOther++;
        await sleep(Math.min(25 * 2 ** Math.min(attempt, 5), 400) * (0.5 + Math.random()));
      }
    }
  }

  private async send(
    input: object,
  ): Promise<{ ok: true; receipt: Omit<Ack, 'commandId' | 'attemptStartedAt' | 'ackedAt' | 'attempts'> } | { ok: false; status: number; code: string }> {
    let res: Response;
    try {
      res = await fetch(this.url(), {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${this.token}` },
        body: JSON.stringify({ query: MUTATION, variables: { input } }),
        signal: AbortSignal.timeout(15_000),
      });
    } catch (err) {
      return { ok: false, status: 0, code: `NETWORK_${(err as { cause?: { code?: string } }).cause?.code ?? (err as Error).name}` };
    }
    const text = await res.text().catch(() => '');
    let body: { data?: { registerTrial?: { streamId: string; events: string[]; replayed: boolean } }; errors?: { extensions?: { code?: string } }[] } = {};
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      return { ok: false, status: res.status, code: `HTTP_${res.status}` };
    }
    const receipt = body.data?.registerTrial;
    if (res.ok && receipt && !body.errors?.length)
      return { ok: true, receipt: { streamId: receipt.streamId, events: receipt.events, replayed: receipt.replayed } };
    return { ok: false, status: res.status, code: body.errors?.[0]?.extensions?.code ?? `HTTP_${res.status}` };
  }

  /**
   * Waits until the service has been serving cleanly again after the fault at `faultAt`: at least `settle` writes
   * acknowledged for attempts sent after the last failed attempt, and no failure for a second. Returns the time to
   * recovery: from the fault to the first acknowledgement of an attempt sent after the last failure (the clients'
   * view; their retry backoff, at most 0.6 s, is included).
   */
  async untilRecovered(faultAt: number, timeoutMs: number, settle = 16): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const lastFailure = Math.max(faultAt, ...this.failures.filter((t) => t >= faultAt));
      const after = this.acks.filter((a) => a.attemptStartedAt >= lastFailure).sort((a, b) => a.ackedAt - b.ackedAt);
      if (after.length >= settle && Date.now() - lastFailure > 1_000) return after[0]!.ackedAt - faultAt;
      if (Date.now() > deadline) throw new Error(`not recovered within ${timeoutMs} ms of the fault; errors so far: ${JSON.stringify(this.errorCodes)}`);
      await sleep(50);
    }
  }

  async untilAcks(n: number, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.acks.length < n) {
      if (Date.now() > deadline) throw new Error(`only ${this.acks.length} of ${n} writes acknowledged; errors: ${JSON.stringify(this.errorCodes)}`);
      await sleep(50);
    }
  }

  /** Stops sending new commands and waits until every command in flight has been acknowledged. */
  async stop(): Promise<WriteLoadFigures> {
    this.running = false;
    await Promise.all(this.writers);
    WriteLoad.live.delete(this);
    return {
      acknowledged: this.acks.length,
      failedAttempts: this.failedAttempts,
      retriedCommands: this.retriedCommands,
      http5xxOther: this.http5xxOther,
      errorCodes: { ...this.errorCodes },
    };
  }
}

export interface Durability {
  /** Acknowledged commands whose events are not (all) in their stream after recovery. */
  readonly lost: number;
  /** Events appended more than once for one command (same commandId, stream and type). */
  readonly duplicates: number;
  /** Commands acknowledged as a first append (replayed: false) more than once. */
  readonly doubleFirstReceipts: number;
}

/** What one committed read of the primary found for the acknowledged commands, and which of them it lacks. */
export interface DurabilityReading {
  readonly durability: Durability;
  /** The acknowledgements whose events (all of them, in the acknowledged stream) the primary does not hold. */
  readonly missing: readonly Ack[];
}

/**
 * Reads the event log itself (on the primary, not through the API) and checks every receipt against it. The read is
 * the port's searchEvents: every event committed before each statement began — not readAll's gap-safe read, which
 * holds back every event committed after the oldest transaction still open anywhere in the cluster (the projector's
 * batch, an audit seal) and so could miss the newest acknowledged events for as long as that transaction lasts.
 * Called after the load has stopped: every acknowledgement came back before the reading began, and a commit is
 * visible to every later statement on the primary before its client hears of it, so one pass is decisive — an
 * event it does not find is not on the primary. Refuses to read a standby (it could lag).
 */
export async function readDurability(databaseUrl: string, acks: readonly Ack[]): Promise<DurabilityReading> {
  const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    const { rows: role } = await client.query<{ standby: boolean }>('SELECT pg_is_in_recovery() AS standby');
    if (role[0]!.standby) throw new Error('durability: the read must go to the primary, this is a standby');
  } finally {
    await client.end();
  }
  const store = new PostgresEventStore({ connectionString: databaseUrl, poolSize: 1 });
  try {
    const ids = new Set(acks.map((a) => a.commandId));
    const counted = new Map<string, { command: string; stream: string; type: string; n: number }>();
    for (let after: Position | undefined, page: SearchedEvent[] = []; ; after = page.at(-1)!.position) {
      page = await store.searchEvents({ after, maxCount: 5000 });
      for (const e of page) {
        const command = e.metadata['commandId'];
        if (typeof command !== 'string' || !ids.has(command)) continue;
        const key = `${command} ${e.streamId} ${e.type}`;
        const entry = counted.get(key) ?? { command, stream: e.streamId, type: e.type, n: 0 };
        entry.n++;
        counted.set(key, entry);
      }
      if (page.length < 5000) break;
    }
    const found = new Map<string, { stream: string; type: string }[]>();
    let duplicates = 0;
    for (const r of counted.values()) {
      if (r.n > 1) duplicates += r.n - 1;
      found.set(r.command, [...(found.get(r.command) ?? []), { stream: r.stream, type: r.type }]);
    }
    const missing = acks.filter((a) => {
      const inStream = (found.get(a.commandId) ?? []).filter((p) => p.stream === a.streamId);
      return !a.events.every((type) => inStream.some((p) => p.type === type));
    });
    const firsts = new Map<string, number>();
    for (const a of acks) if (!a.replayed) firsts.set(a.commandId, (firsts.get(a.commandId) ?? 0) + 1);
    const doubleFirstReceipts = [...firsts.values()].filter((n) => n > 1).length;
    return { durability: { lost: new Set(missing.map((a) => a.commandId)).size, duplicates, doubleFirstReceipts }, missing };
  } finally {
    await store.close();
  }
}

/** `readDurability`'s figures alone (lost, duplicates, double first receipts). */
export async function checkDurability(databaseUrl: string, acks: readonly Ack[]): Promise<Durability> {
  return (await readDurability(databaseUrl, acks)).durability;
}

/**
 * How many acknowledged commands one gap-safe read of the log (the port's readAll, as the projector reads) does not
 * show yet: a figure for comparing with `readDurability`, never a verdict — a transaction open anywhere in the
 * cluster holds back every event committed after it began, so this can miss events that are stored.
 */
export async function gapSafeReadMissing(databaseUrl: string, acks: readonly Ack[]): Promise<number> {
  const store = new PostgresEventStore({ connectionString: databaseUrl, poolSize: 1 });
  try {
    const seen = new Set<string>();
    for (let after = START, page: RecordedEvent[] = []; ; after = page.at(-1)!.position) {
      page = await store.readAll({ after, maxCount: 5000 });
      for (const e of page) if (typeof e.metadata['commandId'] === 'string') seen.add(`${e.metadata['commandId']} ${e.streamId}`);
      if (page.length < 5000) break;
    }
    return new Set(acks.filter((a) => !seen.has(`${a.commandId} ${a.streamId}`)).map((a) => a.commandId)).size;
  } finally {
    await store.close();
  }
}

/** One JSON line per scenario on stdout (the figures the issue asks for), also returned for the assertions. */
export function report(scenario: string, figures: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify({ scenario, ...figures })}\n`);
}
