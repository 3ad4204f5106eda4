import { randomBytes } from 'node:crypto';
import { link, mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * The text of a secret file (mode 0600, in a 0700 directory), created with `create()` on first use. Creation is
 * atomic (write aside, then hard-link into place), so parallel test workers or a CLI racing the server end up with
 * one file. Only the file's own directory is made private: a recursive mkdir would give every level it creates
 * that mode, closing DATA_DIR itself, which the embedded PostgreSQL (another user under root) must pass through.
 */
export async function readOrCreatePrivateFile(path: string, create: () => string): Promise<string> {
  const existing = await readFile(path, 'utf8').catch(() => undefined);
  if (existing !== undefined) return existing;
  const dir = dirname(path);
  await mkdir(dirname(dir), { recursive: true });
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const aside = `${path}.${process.pid}.${randomBytes(4).toString('hex')}`;
  await writeFile(aside, create(), { mode: 0o600, flag: 'wx' });
  try {
    await link(aside, path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  } finally {
    await unlink(aside);
  }
  return readFile(path, 'utf8');
}
