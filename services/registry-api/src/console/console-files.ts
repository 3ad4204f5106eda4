import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Where the console's built files are: CONSOLE_DIR, else `dist/console` of this checkout. The API runs from
 * `dist/services/registry-api/…` (npm start) or from its TypeScript sources (tests), so the folder is found by
 * walking up from this module to the first ancestor that has `dist/console/index.html`.
 */
export function consoleDirectory(configured: string | undefined): string | null {
  if (configured) return existsSync(join(configured, 'index.html')) ? resolve(configured) : null;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'dist', 'console');
    if (existsSync(join(candidate, 'index.html'))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}
