import { randomBytes } from 'node:crypto';
import { open, readFile, rename, unlink } from 'node:fs/promises';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../../../migrations/data-source.js';
import type { AppConfig } from '#runtime';
import { exportKeys, importKeys, KeyBackupError, parseKeyBackup, type KeyImportResult } from '../privacy/key-backup.js';
import { KeyRing, keyRingDirectory } from '../privacy/key-ring.js';
import { loadMasterKey } from '../privacy/master-key.js';
import { readEventLogBackup } from './event-log-backup.js';

/** The key ring and master key of the registry a command-line tool works on (the same ones `npm start` uses). */
async function openPrivacy<T>(
  config: AppConfig,
  url: string,
  use: (ds: DataSource, ring: KeyRing, master: Awaited<ReturnType<typeof loadMasterKey>>) => Promise<T>,
): Promise<T> {
  const ds = await new DataSource(dataSourceOptions(url, { extra: { max: 2 } })).initialize();
  try {
    const master = await loadMasterKey(config);
    const ring = await KeyRing.open(ds, master, keyRingDirectory(config.DATA_DIR));
    return await use(ds, ring, master);
  } finally {
    await ds.destroy();
  }
}

/** Writes the key backup aside (mode 0600) and renames it into place, so a cut-short file never looks finished. */
export async function writeKeyBackupFile(
  config: AppConfig,
  url: string,
  path: string,
): Promise<{ subjectKeys: number; pseudonymKeys: number; erased: number }> {
  const backup = await openPrivacy(config, url, (ds, ring, master) => exportKeys(ds, ring, master));
  const aside = `${path}.${randomBytes(4).toString('hex')}.partial`;
  const handle = await open(aside, 'wx', 0o600);
  try {
    await handle.writeFile(`${JSON.stringify(backup)}\n`, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(aside, path).catch(async (err: unknown) => {
    await unlink(aside).catch(() => undefined);
    throw err;
  });
  return { subjectKeys: backup.subjectKeys.length, pseudonymKeys: backup.pseudonymKeys.length, erased: backup.erasedSubjects.length };
}

/** Subjects a `SubjectErased` event in the (already verified) event-log backup names. */
export async function erasedSubjectsIn(lines: AsyncIterable<string>): Promise<Set<string>> {
  const erased = new Set<string>();
  for await (const e of readEventLogBackup(lines)) {
    const subjectId = e.data['subjectId'];
    if (e.type === 'SubjectErased' && typeof subjectId === 'string') erased.add(subjectId);
  }
  return erased;
}

/** Reads, checks and imports a key backup into the restored registry (privacy/key-backup.ts importKeys). */
export async function restoreKeyBackupFile(config: AppConfig, url: string, path: string, erasedInLog: ReadonlySet<string>): Promise<KeyImportResult> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(path, 'utf8')) as unknown;
  } catch (err) {
    throw new KeyBackupError(`${path} is not a readable JSON file (${err instanceof Error ? err.message : String(err)})`);
  }
  const backup = parseKeyBackup(parsed);
  return openPrivacy(config, url, (ds, ring, master) => importKeys(ds, ring, master, backup, erasedInLog));
}
