import pg from 'pg';
import { Counter, Gauge, type Registry } from 'prom-client';
import type { DataSource, EntityManager } from 'typeorm';

/** What leadership needs from a projection and its runner (structural, so the runner stays unaware of locks). */
export interface LedProjection {
  readonly name: string;
  readonly version: number;
}
export interface LedRunner {
  start(): void;
  stop(): Promise<void>;
}
export type RunnerFactory<P extends LedProjection> = (projection: P, dataSource: DataSource) => LedRunner;

export type Role = 'leader' | 'standby' | 'disconnected';

export interface LeadershipLogger {
  log(message: string, context?: Record<string, unknown>): void;
  error(message: string, context?: Record<string, unknown>): void;
}

export interface LeadershipOptions {
  readonly connectionString: string;
  /** How often a standby retries the lock (and everyone pings the lock connection). */
  readonly pollIntervalMs: number;
  readonly logger: LeadershipLogger;
  readonly registry?: Registry;
}

/** Thrown inside a projection's transaction when this process no longer holds the projection's lock. */
export class LeadershipLostError extends Error {
  constructor(projection: string) {
    super(`projection ${projection}: this process no longer holds its advisory lock; the batch is not applied`);
    this.name = 'LeadershipLostError';
  }
}

/**
 * Lock and fence names per projection (not per version: during a rolling deploy an old and a new replica must
 * not both write the same projection); hashed to 64-bit keys by PostgreSQL (hashtextextended).
 */
export const lockName = (p: LedProjection): string => `registry-projector:${p.name}`;
const fenceName = (p: LedProjection): string => `registry-projector-fence:${p.name}`;

interface Term {
  fenced: boolean;
  runner?: LedRunner;
}

/**
 * One active projector per projection across all replicas, by a PostgreSQL session-level advisory lock per
 * projection version held on a dedicated connection (not a pooled one: a pool would hand the session, and the
 * lock, to whatever query comes next).
 *
 * - A standby retries `pg_try_advisory_lock` every pollIntervalMs; PostgreSQL releases the lock the moment the
 *   leader's session ends (process killed, connection cut), so failover takes at most one poll interval.
 * - When the lock connection fails, every runner is fenced at once (its DataSource refuses further writes) and
 *   stopped; the process then reconnects and competes again as a standby.
 * - Fencing for a leader that has not noticed yet: every projection transaction first takes a transaction-level
 *   fence lock and checks in pg_locks that this process's lock session still holds the projection's lock; a new
 *   leader takes the same fence lock before it reads the checkpoint, so it waits for a former leader's batch in
 *   flight and then sees that batch's checkpoint. Together with checkpoint and batch committing in one
 *   transaction, no event is applied twice.
 */
export class ProjectionLeadership<P extends LedProjection = LedProjection> {
  private client: pg.Client | undefined;
  private holderPid: number | undefined;
  private readonly terms = new Map<string, Term>();
  private projections: readonly P[] = [];
  private stopped = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private readonly leaderGauge?: Gauge<'projection'>;
  private readonly changes?: Counter<'projection' | 'change'>;

  constructor(
    private readonly dataSource: DataSource,
    private readonly options: LeadershipOptions,
  ) {
    const registry = options.registry;
    if (registry) {
      this.leaderGauge = new Gauge({
        name: 'registry_projector_leader',
        help: '1 while this process holds the projection lock and applies it, 0 while it is a standby',
        labelNames: ['projection'],
        registers: [registry],
      });
      this.changes = new Counter({
        name: 'registry_projector_leadership_changes_total',
        help: 'Projection locks acquired and lost by this process',
        labelNames: ['projection', 'change'],
        registers: [registry],
      });
    }
  }

  /** Competes for every projection's lock and runs a projection while it holds the lock. */
  start(projections: readonly P[], runnerFor: RunnerFactory<P>): void {
    this.projections = projections;
    for (const p of projections) this.leaderGauge?.set({ projection: p.name }, 0);
    this.loop ??= this.run(runnerFor);
  }

  role(projection: LedProjection): Role {
    if (!this.client) return 'disconnected';
    return this.terms.has(lockName(projection)) ? 'leader' : 'standby';
  }

  status(): { name: string; version: number; role: Role }[] {
    return this.projections.map((p) => ({ name: p.name, version: p.version, role: this.role(p) }));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.loop;
    await this.resign('shutdown');
  }

  private async run(runnerFor: RunnerFactory<P>): Promise<void> {
    while (!this.stopped) {
      try {
        if (!this.client) await this.connect();
        const client = this.client!;
        await client.query('SELECT 1'); // notices a silently dead lock connection even when every lock is held
        for (const p of this.projections) {
          if (this.stopped || this.client !== client) break;
          if (this.terms.has(lockName(p))) continue;
          const { rows } = await client.query<{ locked: boolean }>(`SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS locked`, [lockName(p)]);
          if (rows[0]!.locked) await this.lead(p, runnerFor);
        }
      } catch (err) {
        if (!this.stopped) this.options.logger.error('projector leadership: lock connection failed; standing down', { error: String(err) });
        await this.resign('connection lost');
      }
      if (this.stopped) break;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.options.pollIntervalMs);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.options.connectionString, keepAlive: true, application_name: 'registry-projector-leadership' });
    // The lock lives and dies with this session: any error or end means every lock it held is gone.
    client.on('error', (err) => {
      if (this.client === client) {
        this.options.logger.error('projector leadership: lock connection lost', { error: err.message });
        void this.resign('connection lost');
      }
    });
    client.on('end', () => {
      if (this.client === client && !this.stopped) void this.resign('connection ended');
    });
    await client.connect();
    const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    this.holderPid = rows[0]!.pid;
    this.client = client;
  }

  private async lead(p: P, runnerFor: RunnerFactory<P>): Promise<void> {
    const key = lockName(p);
    const term: Term = { fenced: false };
    this.terms.set(key, term);
    // Wait out a former leader's batch in flight (it holds the fence lock until it commits).
    await this.dataSource.transaction(async (m) => {
      await m.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [fenceName(p)]);
    });
    if (term.fenced) return;
    this.options.logger.log(`projector leadership: acquired ${p.name} v${p.version}; applying it`);
    this.leaderGauge?.set({ projection: p.name }, 1);
    this.changes?.inc({ projection: p.name, change: 'acquired' });
    term.runner = runnerFor(p, this.fenced(p, term));
    term.runner.start();
  }

  /** Stops every runner immediately and drops the lock session (which releases any lock still held). */
  private async resign(reason: string): Promise<void> {
    const client = this.client;
    this.client = undefined;
    this.holderPid = undefined;
    const terms = [...this.terms.entries()];
    this.terms.clear();
    for (const [, term] of terms) term.fenced = true; // synchronously: no write of this process goes through any more
    for (const p of this.projections) {
      if (!terms.some(([k]) => k === lockName(p))) continue;
      this.leaderGauge?.set({ projection: p.name }, 0);
      this.changes?.inc({ projection: p.name, change: 'lost' });
      this.options.logger.log(`projector leadership: released ${p.name} v${p.version} (${reason})`);
    }
    await Promise.all(terms.map(([, t]) => t.runner?.stop().catch(() => undefined)));
    await client?.end().catch(() => undefined);
  }

  /** The DataSource a leader's runner gets: writes only while this term holds the lock (see the class comment). */
  private fenced(p: P, term: Term): DataSource {
    const check = async (m: EntityManager): Promise<void> => {
      const pid = this.holderPid;
      const rows = (await m.query(
        `SELECT pg_advisory_xact_lock(hashtextextended($1, 0)),
                EXISTS (SELECT 1 FROM pg_locks l, (SELECT hashtextextended($2, 0) AS k) key
                         WHERE l.locktype = 'advisory' AND l.granted AND l.pid = $3 AND l.objsubid = 1
                           AND l.classid = ((key.k >> 32) & 4294967295)::oid AND l.objid = (key.k & 4294967295)::oid) AS held`,
        [fenceName(p), lockName(p), pid ?? -1],
      )) as { held: boolean }[];
      if (!rows[0]?.held || term.fenced) {
        term.fenced = true;
        void this.resign('lock not held at commit');
        throw new LeadershipLostError(p.name);
      }
    };
    const ds = this.dataSource;
    return new Proxy(ds, {
      get(target, prop) {
        if (prop === 'transaction') {
          return (...args: unknown[]) => {
            const fn = args.at(-1) as (m: EntityManager) => Promise<unknown>;
            const guarded = async (m: EntityManager) => {
              if (term.fenced) throw new LeadershipLostError(p.name);
              await check(m);
              return fn(m);
            };
            return args.length > 1 ? target.transaction(args[0] as never, guarded) : target.transaction(guarded);
          };
        }
        if (prop === 'query') {
          return (...args: Parameters<DataSource['query']>) => (term.fenced ? Promise.reject(new LeadershipLostError(p.name)) : target.query(...args));
        }
        const value = Reflect.get(target, prop, target) as unknown;
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
  }
}
