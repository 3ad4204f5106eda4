import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, readlink, realpath, rm } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { promisify } from 'node:util';

/**
 * The lines of PostgreSQL's `postmaster.pid` we rely on (src/include/utils/pidfile.h): the postmaster's pid, its
 * data directory, start time, port, socket directory, listen address, shared memory key and status.
 */
export interface PostmasterPidFile {
  readonly pid: number;
  readonly dataDir: string;
  readonly port: number | undefined;
  readonly status: string | undefined;
}

export function parsePostmasterPid(text: string): PostmasterPidFile | undefined {
  const lines = text.split('\n');
  const pid = Number(lines[0]);
  const dataDir = lines[1]?.trim();
  // A negative pid is a single-user backend (postgres --single); we never start one, but it is a live owner too.
  if (!Number.isSafeInteger(pid) || pid === 0 || !dataDir) return undefined;
  const port = Number(lines[3]);
  return {
    pid: Math.abs(pid),
    dataDir,
    port: Number.isSafeInteger(port) && port > 0 ? port : undefined,
    status: lines[7]?.trim() || undefined,
  };
}

/** What a process id is, as far as the embedded server of one data directory is concerned. */
export type ProcessIdentity =
  | { readonly kind: 'gone' }
  /** A postgres postmaster whose data directory is this one; `parentPid` tells an orphan from an owned server. */
  | { readonly kind: 'postmaster-of-this-dir'; readonly parentPid: number | undefined; readonly parentCommand: string | undefined }
  /** Alive, but not a postgres of this directory (the pid was reused by another process, or another cluster). */
  | { readonly kind: 'other'; readonly command: string }
  /** Alive, and we cannot tell what it is (no /proc and no `ps`): never touched. */
  | { readonly kind: 'unknown'; readonly reason: string };

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to another user (the postgres OS user when we are not root).
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function samePath(a: string, b: string): Promise<boolean> {
  const [ra, rb] = await Promise.all([realpath(a).catch(() => resolve(a)), realpath(b).catch(() => resolve(b))]);
  return ra === rb;
}

/** `-D <dir>` (or `-D<dir>`, `--pgdata=<dir>`) from a postgres argument vector. */
function dataDirArgument(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '-D') return argv[i + 1];
    if (a.startsWith('-D')) return a.slice(2);
    if (a.startsWith('--pgdata=')) return a.slice('--pgdata='.length);
  }
  return undefined;
}

async function procCommand(pid: number): Promise<{ exe: string; argv: string[]; cwd: string | undefined; ppid: number | undefined } | undefined> {
  if (!existsSync('/proc/self/stat')) return undefined;
  try {
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8');
    const argv = cmdline.split('\0').filter((s) => s.length > 0);
    const exe = await readlink(`/proc/${pid}/exe`).catch(() => argv[0] ?? '');
    const cwd = await readlink(`/proc/${pid}/cwd`).catch(() => undefined);
    // Field 4 of /proc/<pid>/stat, after the parenthesised command name (which may itself hold spaces or parens).
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    return { exe, argv, cwd, ppid: Number.isSafeInteger(ppid) ? ppid : undefined };
  } catch {
    return undefined;
  }
}

async function psCommand(pid: number): Promise<{ argv: string[]; ppid: number | undefined } | undefined> {
  try {
    const { stdout } = await promisify(execFile)('ps', ['-o', 'ppid=', '-o', 'command=', '-p', String(pid)]);
    const m = /^\s*(\d+)\s+(.*)$/.exec(stdout.trim());
    if (!m) return undefined;
    return { ppid: Number(m[1]), argv: m[2]!.split(/\s+/) };
  } catch {
    return undefined;
  }
}

async function parentCommand(ppid: number | undefined): Promise<string | undefined> {
  if (ppid === undefined || ppid <= 1) return undefined;
  const proc = await procCommand(ppid);
  if (proc) return basename(proc.exe);
  return (await psCommand(ppid))?.argv[0];
}

/**
 * Is `pid` the postmaster of `dataDir`? On Linux from /proc (executable named postgres, and its working directory
 * — the postmaster changes into its data directory — or its `-D` argument is this directory); elsewhere from `ps`.
 */
export async function identifyProcess(pid: number, dataDir: string): Promise<ProcessIdentity> {
  if (!isAlive(pid)) return { kind: 'gone' };
  const proc = await procCommand(pid);
  if (proc) {
    const isPostgres = basename(proc.exe).replace(/ \(deleted\)$/, '') === 'postgres' || basename(proc.argv[0] ?? '') === 'postgres';
    const dir = dataDirArgument(proc.argv);
    const ours = isPostgres && ((proc.cwd !== undefined && (await samePath(proc.cwd, dataDir))) || (dir !== undefined && (await samePath(dir, dataDir))));
    if (ours) return { kind: 'postmaster-of-this-dir', parentPid: proc.ppid, parentCommand: await parentCommand(proc.ppid) };
    return { kind: 'other', command: proc.argv.join(' ') || proc.exe };
  }
  if (!isAlive(pid)) return { kind: 'gone' };
  const ps = await psCommand(pid);
  if (!ps) return { kind: 'unknown', reason: 'neither /proc nor ps can describe it' };
  const dir = dataDirArgument(ps.argv);
  if (basename(ps.argv[0] ?? '') === 'postgres' && dir !== undefined && (await samePath(dir, dataDir))) {
    return { kind: 'postmaster-of-this-dir', parentPid: ps.ppid, parentCommand: await parentCommand(ps.ppid) };
  }
  return { kind: 'other', command: ps.argv.join(' ') };
}

/** The state of one data directory's lock file before we start a server on it. */
export type PostmasterState =
  | { readonly kind: 'none' }
  /** A lock file whose process is gone, or whose pid now belongs to something else: safe to remove. */
  | { readonly kind: 'stale'; readonly pidFile: PostmasterPidFile | undefined; readonly reason: string }
  /** This directory's server, left running by a parent that died (kill -9 of the API): stop it, then start ours. */
  | { readonly kind: 'orphan'; readonly pidFile: PostmasterPidFile }
  /** This directory's server, still owned by a live process (another registry on the same DATA_DIR): refuse. */
  | { readonly kind: 'owned'; readonly pidFile: PostmasterPidFile; readonly ownerPid: number; readonly ownerCommand: string }
  /** Alive and not identifiable: leave it, PostgreSQL itself refuses to start over a live lock file. */
  | { readonly kind: 'unknown'; readonly pidFile: PostmasterPidFile; readonly reason: string };

/** Parent commands that mean "a registry process owns this server" rather than an init or a subreaper. */
const OWNER_COMMANDS = new Set(['node', 'nodejs']);

export async function inspectPostmaster(dataDir: string): Promise<PostmasterState> {
  let text: string;
  try {
    text = await readFile(join(dataDir, 'postmaster.pid'), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'none' };
    throw err;
  }
  const pidFile = parsePostmasterPid(text);
  if (!pidFile) return { kind: 'stale', pidFile: undefined, reason: 'unreadable lock file' };
  const identity = await identifyProcess(pidFile.pid, dataDir);
  switch (identity.kind) {
    case 'gone':
      return { kind: 'stale', pidFile, reason: `process ${pidFile.pid} is gone` };
    case 'other':
      return { kind: 'stale', pidFile, reason: `process ${pidFile.pid} is not this directory's postgres (${identity.command.slice(0, 120)})` };
    case 'unknown':
      return { kind: 'unknown', pidFile, reason: identity.reason };
    case 'postmaster-of-this-dir': {
      const { parentPid, parentCommand } = identity;
      if (parentPid !== undefined && parentPid > 1 && parentCommand !== undefined && OWNER_COMMANDS.has(parentCommand)) {
        return { kind: 'owned', pidFile, ownerPid: parentPid, ownerCommand: parentCommand };
      }
      return { kind: 'orphan', pidFile };
    }
  }
}

/** Removes a stale lock file (only after inspectPostmaster said so). */
export async function removeStalePidFile(dataDir: string): Promise<void> {
  await rm(join(dataDir, 'postmaster.pid'), { force: true });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits until `pid` has exited; false on timeout. */
export async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isAlive(pid)) {
    if (Date.now() > deadline) return false;
    await sleep(50);
  }
  return true;
}

/**
 * Stops an orphaned postmaster of this directory: fast shutdown (SIGINT: active transactions roll back, a
 * checkpoint is written), and only if it does not finish, immediate shutdown (SIGQUIT: crash recovery at the next
 * start, still nothing committed lost). Re-identifies the process before each signal so a reused pid is never hit.
 */
export async function stopOrphan(
  pidFile: PostmasterPidFile,
  dataDir: string,
  options: { fastTimeoutMs?: number; immediateTimeoutMs?: number } = {},
): Promise<void> {
  const steps: [NodeJS.Signals, number][] = [
    ['SIGINT', options.fastTimeoutMs ?? 60_000],
    ['SIGQUIT', options.immediateTimeoutMs ?? 15_000],
  ];
  for (const [signal, timeoutMs] of steps) {
    if ((await identifyProcess(pidFile.pid, dataDir)).kind !== 'postmaster-of-this-dir') return;
    try {
      process.kill(pidFile.pid, signal);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ESRCH') return;
      throw err;
    }
    if (await waitForExit(pidFile.pid, timeoutMs)) return;
  }
  throw new Error(`the orphaned PostgreSQL of ${dataDir} (pid ${pidFile.pid}) did not stop`);
}
