import { createReadStream, createWriteStream, renameSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { createGunzip, createGzip } from 'node:zlib';

/** The lines of a backup file (gunzipped when its name ends in .gz). */
export function readBackupLines(path: string): AsyncIterable<string> {
  const file = createReadStream(path);
  const input = path.endsWith('.gz') ? file.pipe(createGunzip()) : file;
  return createInterface({ input, crlfDelay: Infinity });
}

/**
 * A backup file being written: lines go to `<path>.partial`, which is renamed to `path` only when the whole log
 * and its trailer are in, so a backup cut short never lies where a finished one is expected.
 */
export function openBackupFile(path: string): { write(line: string): Promise<void>; finish(): Promise<void> } {
  const partial = `${path}.partial`;
  const file = createWriteStream(partial, { mode: 0o600 });
  const gzip = path.endsWith('.gz') ? createGzip() : undefined;
  if (gzip) gzip.pipe(file);
  const out = gzip ?? file;
  return {
    async write(line) {
      if (!out.write(line)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
    },
    async finish() {
      await new Promise<void>((resolve, reject) => {
        file.once('error', reject);
        file.once('close', () => resolve());
        out.end();
      });
      renameSync(partial, path);
    },
  };
}

/** A progress line on stderr, redrawn at most five times a second (a restore reports after every append). */
export function progressLine(): { report(p: { phase: string; done: number }): void; end(): void } {
  let last = 0;
  let pending: { phase: string; done: number } | undefined;
  const draw = (p: { phase: string; done: number }) => process.stderr.write(`\r${p.phase}: ${p.done} events   `);
  return {
    report(p) {
      pending = p;
      const now = performance.now();
      if (now - last < 200) return;
      last = now;
      draw(p);
      pending = undefined;
    },
    end() {
      if (pending) draw(pending);
      process.stderr.write('\n');
    },
  };
}
