import { spawn } from 'node:child_process';
import pg from 'pg';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface ClusterConnection {
  readonly DATABASE_URL: string;
  readonly READ_DATABASE_URL: string;
  readonly dir: string;
  readonly ttl: number;
  readonly loopWait: number;
  readonly retryTimeout: number;
  readonly nodes: readonly { name: string; pgPort: number; restPort: number }[];
  readonly leader: string;
  readonly syncStandby: string;
}

export interface Member {
  readonly name: string;
  readonly role: 'leader' | 'sync_standby' | 'replica' | string;
  readonly state: string;
  readonly timeline?: number;
}

/** `node infra/ha/ha.mjs <command>` with the suite's environment; resolves with its last stdout line. */
export function ha(command: 'up' | 'down', env: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['infra/ha/ha.mjs', command], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.once('exit', (code) =>
      code === 0 ? resolve(out.trim().split('\n').at(-1) ?? '') : reject(new Error(`ha ${command} failed (${code}): ${err || out}`)),
    );
  });
}

/** The HA tools this suite needs; a list of what is missing (empty: all there). */
export async function missingTools(): Promise<string[]> {
  const missing: string[] = [];
  for (const bin of ['etcd', 'patroni', 'haproxy']) {
    const found = await new Promise<boolean>((r) => spawn('sh', ['-c', `command -v ${bin}`], { stdio: 'ignore' }).once('exit', (c) => r(c === 0)));
    if (!found) missing.push(bin);
  }
  return missing;
}

/** Patroni's member list, from the first REST API that answers. */
export async function members(c: ClusterConnection): Promise<Member[]> {
  for (const n of c.nodes) {
    try {
      const res = await fetch(`http://127.0.0.1:${n.restPort}/cluster`, { signal: AbortSignal.timeout(1_000) });
      const body = (await res.json()) as { members?: Member[] };
      if (body.members) return body.members;
    } catch {
      // the next member
    }
  }
  return [];
}

export async function leaderOf(c: ClusterConnection): Promise<Member | undefined> {
  return (await members(c)).find((m) => m.role === 'leader' && m.state === 'running');
}

/** Waits until a leader other than `not` runs (the failover happened); returns it and when Patroni first showed it. */
export async function untilNewLeader(c: ClusterConnection, not: string, timeoutMs: number): Promise<{ leader: Member; at: number }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const leader = await leaderOf(c);
    if (leader && leader.name !== not) return { leader, at: Date.now() };
    if (Date.now() > deadline) throw new Error(`no new leader within ${timeoutMs} ms: ${JSON.stringify(await members(c))}`);
    await sleep(100);
  }
}

/** Waits until the cluster has a running leader and a streaming synchronous standby again. */
export async function untilHealthy(c: ClusterConnection, timeoutMs: number): Promise<Member[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const m = await members(c);
    if (m.some((x) => x.role === 'leader' && x.state === 'running') && m.some((x) => x.role === 'sync_standby' && ['running', 'streaming'].includes(x.state)))
      return m;
    if (Date.now() > deadline) throw new Error(`cluster not healthy within ${timeoutMs} ms: ${JSON.stringify(m)}`);
    await sleep(250);
  }
}

export const postmasterPid = (c: ClusterConnection, node: string): number =>
  Number(readFileSync(join(c.dir, node, 'data', 'postmaster.pid'), 'utf8').split('\n')[0]);
export const patroniPid = (c: ClusterConnection, node: string): number => Number(readFileSync(join(c.dir, 'pids', `patroni-${node}.pid`), 'utf8').trim());

/** A node's own connection string (not through HAProxy), as the cluster's superuser. */
export function nodeUrl(c: ClusterConnection, node: string, database = 'registry'): string {
  const n = c.nodes.find((x) => x.name === node)!;
  const u = new URL(c.DATABASE_URL);
  u.port = String(n.pgPort);
  u.pathname = `/${database}`;
  return u.toString();
}

/**
 * Patroni's maintenance mode (`patronictl pause`): Patroni leaves PostgreSQL alone — on PostgreSQL 14+ it would
 * otherwise resume a paused WAL replay within one loop_wait. Resolves once every member has taken it up.
 */
export async function setMaintenance(c: ClusterConnection, pause: boolean, timeoutMs = 30_000): Promise<void> {
  const rest = (n: { restPort: number }, path: string) => `http://127.0.0.1:${n.restPort}${path}`;
  const res = await fetch(rest(c.nodes[0]!, '/config'), { method: 'PATCH', body: JSON.stringify({ pause }), headers: { 'content-type': 'application/json' } });
  if (!res.ok) throw new Error(`PATCH /config pause=${pause}: ${res.status} ${await res.text()}`);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const states = await Promise.all(
      c.nodes.map((n) =>
        fetch(rest(n, '/patroni'), { signal: AbortSignal.timeout(1_000) })
          .then((r) => r.json() as Promise<{ pause?: boolean }>)
          .then((b) => b.pause === true)
          .catch(() => !pause),
      ),
    );
    if (states.every((s) => s === pause)) return;
    if (Date.now() > deadline) throw new Error(`maintenance mode ${pause} not taken up within ${timeoutMs} ms`);
    await sleep(200);
  }
}

/** One change of Patroni's view of the cluster, as the suite saw it (ms since epoch). */
export interface TimelineEntry {
  readonly at: number;
  readonly leader: string | null;
  readonly syncStandby: string | null;
  readonly timeline: number | null;
  readonly members: string;
}

/**
 * Polls Patroni's member list every `everyMs` while a scenario runs and keeps each change (leader, synchronous
 * standby, timeline, member states): the failover's timeline, to tell which node was the primary when a given
 * write was acknowledged.
 */
export class ClusterTimeline {
  readonly entries: TimelineEntry[] = [];
  private running = true;
  private readonly loop: Promise<void>;

  constructor(
    private readonly c: ClusterConnection,
    everyMs = 200,
  ) {
    this.loop = (async () => {
      while (this.running) {
        const m = await members(this.c);
        const leader = m.find((x) => x.role === 'leader' && x.state === 'running');
        const entry = {
          at: Date.now(),
          leader: leader?.name ?? null,
          syncStandby: m.find((x) => x.role === 'sync_standby')?.name ?? null,
          timeline: leader?.timeline ?? null,
          members: m.map((x) => `${x.name}:${x.role}/${x.state}`).join(' '),
        };
        const last = this.entries.at(-1);
        if (
          !last ||
          last.leader !== entry.leader ||
          last.syncStandby !== entry.syncStandby ||
          last.timeline !== entry.timeline ||
          last.members !== entry.members
        )
          this.entries.push(entry);
        await sleep(everyMs);
      }
    })();
  }

  async stop(): Promise<TimelineEntry[]> {
    this.running = false;
    await this.loop;
    return this.entries;
  }

  /** The leader Patroni showed last at or before `at` (null: none running then). */
  leaderAt(at: number): string | null {
    return this.entries.filter((e) => e.at <= at).at(-1)?.leader ?? null;
  }
}

/** Waits until `name` is listed among Patroni's members again (a restarted node registers within a loop_wait or so). */
export async function untilMember(c: ClusterConnection, name: string, timeoutMs: number): Promise<Member[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const m = await members(c);
    if (m.some((x) => x.name === name)) return m;
    if (Date.now() > deadline) throw new Error(`${name} not back among the members within ${timeoutMs} ms: ${JSON.stringify(m)}`);
    await sleep(250);
  }
}

export const etcdPid = (c: ClusterConnection, member: number): number => Number(readFileSync(join(c.dir, 'pids', `etcd${member}.pid`), 'utf8').trim());

type WriterState = 'no' | 'synchronous' | 'alone';

/** One sample of every node: which of them could acknowledge a write at that moment. */
export interface WriterSample {
  readonly at: number;
  readonly writers: readonly string[];
  /** Of those, the ones committing without any synchronous standby (synchronous_mode_strict off): one copy only. */
  readonly alone: readonly string[];
}

/**
 * Samples every node directly (not through HAProxy) every `everyMs`: a node can acknowledge a write when it is
 * not in recovery and either has no synchronous standby configured (it commits alone) or has one streaming in
 * sync state. Split brain would be two such nodes in one sample; a demotion shows as a sample with none.
 */
export class WriterSampler {
  readonly samples: WriterSample[] = [];
  private running = true;
  private readonly loop: Promise<void>;

  constructor(
    private readonly c: ClusterConnection,
    everyMs = 200,
  ) {
    this.loop = (async () => {
      while (this.running) {
        const at = Date.now();
        const states = await Promise.all(this.c.nodes.map((n) => this.canAcknowledge(n.name)));
        const named = (want: (s: WriterState) => boolean) => this.c.nodes.filter((_, i) => want(states[i]!)).map((n) => n.name);
        this.samples.push({ at, writers: named((x) => x !== 'no'), alone: named((x) => x === 'alone') });
        await sleep(everyMs);
      }
    })();
  }

  private async canAcknowledge(node: string): Promise<WriterState> {
    const client = new pg.Client({ connectionString: nodeUrl(this.c, node, 'postgres'), connectionTimeoutMillis: 500, statement_timeout: 500 });
    // A node that dies or demotes mid-query ends the session with an error event: nothing to report but 'no'.
    client.on('error', () => undefined);
    try {
      await client.connect();
      const { rows } = await client.query<{ standby: boolean; names: string; sync: number }>(
        `SELECT pg_is_in_recovery() AS standby, current_setting('synchronous_standby_names') AS names,
                (SELECT count(*)::int FROM pg_stat_replication WHERE sync_state IN ('sync', 'quorum') AND state = 'streaming') AS sync`,
      );
      const r = rows[0]!;
      return r.standby ? 'no' : r.names === '' ? 'alone' : r.sync > 0 ? 'synchronous' : 'no';
    } catch {
      return 'no'; // unreachable, starting, stopping: it acknowledges nothing
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  async stop(): Promise<WriterSample[]> {
    this.running = false;
    await this.loop;
    return this.samples;
  }

  /**
   * Split brain: two or more nodes able to acknowledge writes in two samples in a row. One sample alone is not
   * counted: the nodes of a sample are read a few milliseconds apart, and a handover's instant falls between them.
   */
  splitBrain(): WriterSample[] {
    return this.samples.filter((x, i) => x.writers.length > 1 && (this.samples[i + 1]?.writers.length ?? 0) > 1);
  }
}

/** Waits until some leader runs (whichever node); returns it and when Patroni first showed it. */
export async function untilLeader(c: ClusterConnection, timeoutMs: number): Promise<{ leader: Member; at: number }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const leader = await leaderOf(c);
    if (leader) return { leader, at: Date.now() };
    if (Date.now() > deadline) throw new Error(`no leader within ${timeoutMs} ms: ${JSON.stringify(await members(c))}`);
    await sleep(100);
  }
}
