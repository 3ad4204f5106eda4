import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/**
 * The key ring's files: one per generation, `ring-<ringId>-<generation>.json` (mode 0600, directory 0700). A file is
 * written once, durably and atomically, before anything in the database refers to it, and destroyed (overwritten,
 * flushed, unlinked) once no committed row can need it. These files are the erasure boundary: whoever holds the file
 * of a generation can open every copy of privacy.subject_keys written under it.
 */
export const RING_FORMAT = 'biomarker-registry/privacy-key-ring/v1';

export interface RingFile {
  readonly format: typeof RING_FORMAT;
  readonly ringId: string;
  readonly generation: number;
  /** Per bucket: the generation at which its KEK was created (its version). */
  readonly versions: readonly number[];
  /** Per bucket: its KEK wrapped by the master key (base64url of privacy-crypto's wrapKey output). */
  readonly keks: readonly string[];
}

export const ringFileName = (ringId: string, generation: number) => `ring-${ringId}-${generation}.json`;
const NAME = /^ring-([0-9a-f-]{36})-(\d+)\.json$/;

/**
 * DATA_DIR/privacy/keyring and its parent are private (0700); DATA_DIR itself is left as it is, because the
 * embedded PostgreSQL (another user under root) must pass through it (see config/private-file.ts).
 */
export async function ensureRingDirectory(dir: string): Promise<void> {
  await mkdir(dirname(dirname(dir)), { recursive: true });
  await mkdir(dirname(dir), { recursive: true, mode: 0o700 });
  await mkdir(dir, { recursive: true, mode: 0o700 });
}

async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Written aside, flushed, renamed into place, directory flushed: after it returns the file survives a crash, and
 * no reader ever sees half a file. Replaces an orphan of the same name left by a rotation that never committed.
 */
export async function writeRingFile(dir: string, ring: RingFile): Promise<void> {
  const path = join(dir, ringFileName(ring.ringId, ring.generation));
  const aside = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const handle = await open(aside, 'wx', 0o600);
  try {
    await handle.writeFile(`${JSON.stringify(ring)}\n`, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(aside, path);
  } catch (err) {
    await unlink(aside).catch(() => undefined);
    throw err;
  }
  await syncDirectory(dir);
}

/** The file of that generation, or undefined when there is none (never written, or destroyed after a rotation). */
export async function readRingFile(dir: string, ringId: string, generation: number): Promise<RingFile | undefined> {
  const path = join(dir, ringFileName(ringId, generation));
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  const parsed = JSON.parse(text) as Partial<RingFile>;
  if (
    parsed.format !== RING_FORMAT ||
    parsed.ringId !== ringId ||
    parsed.generation !== generation ||
    !Array.isArray(parsed.versions) ||
    !Array.isArray(parsed.keks) ||
    parsed.versions.length !== parsed.keks.length
  ) {
    throw new Error(`${path} is not a key ring file of generation ${generation} of ring ${ringId}`);
  }
  return parsed as RingFile;
}

/** Generations of this ring that have a file in `dir`, ascending. */
export async function ringGenerations(dir: string, ringId: string): Promise<number[]> {
  const names = await readdir(dir).catch((err: NodeJS.ErrnoException) => (err.code === 'ENOENT' ? [] : Promise.reject(err)));
  return names
    .map((n) => NAME.exec(n))
    .filter((m): m is RegExpExecArray => m !== null && m[1] === ringId)
    .map((m) => Number(m[2]))
    .sort((a, b) => a - b);
}

/**
 * Half-written files of this ring left by a crash inside writeRingFile. Such a file holds the then-current KEKs of
 * every other bucket, so it must not outlive their next rotation: destroyed under the exclusive ring lock (no writer
 * runs then) at start and before each rotation.
 */
export async function destroyRingTemporaries(dir: string, ringId: string): Promise<void> {
  const names = await readdir(dir).catch((err: NodeJS.ErrnoException) => (err.code === 'ENOENT' ? [] : Promise.reject(err)));
  for (const name of names) if (name.startsWith(`ring-${ringId}-`) && name.endsWith('.tmp')) await destroyFile(dir, name);
}

/**
 * Overwrites the file with random bytes and flushes before unlinking, so the old KEKs do not stay readable in the
 * freed blocks of an ordinary filesystem. Copy-on-write filesystems, snapshots and SSD wear levelling may still keep
 * old blocks; README "Key ring" says what an operator does about them. Idempotent.
 */
export async function destroyRingFile(dir: string, ringId: string, generation: number): Promise<void> {
  await destroyFile(dir, ringFileName(ringId, generation));
}

async function destroyFile(dir: string, name: string): Promise<void> {
  const path = join(dir, name);
  let handle;
  try {
    handle = await open(path, 'r+');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  try {
    const { size } = await handle.stat();
    await handle.write(randomBytes(Math.max(size, 1)), 0, Math.max(size, 1), 0);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await unlink(path).catch((err: NodeJS.ErrnoException) => (err.code === 'ENOENT' ? undefined : Promise.reject(err)));
  await syncDirectory(dir);
}
