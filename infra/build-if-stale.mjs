// `npm start`, `npm run token` and the other run scripts compile TypeScript only when a source changed since the
// last build. A full `tsc` takes 12–35 s here and even `tsc -b`'s up-to-date check loads the compiler (about 1 s
// of CPU); comparing modification times of the build's inputs with a stamp written after the last good build
// takes milliseconds. Any doubt (no stamp, a newer input, a tsconfig or package.json change) means: build.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const stamp = join(root, 'dist', '.build-stamp');
const SOURCE_DIRS = ['services', 'libs', 'migrations', 'graphql'];
const CONFIG_FILES = ['tsconfig.json', 'tsconfig.build.json', 'package.json', 'package-lock.json'];
// What tsconfig.build.json compiles: TypeScript outside tests (`*.spec.ts`, `*-spec.ts`) and `testing/` folders,
// and outside the web console (built by Vite, below).
const CONSOLE = join('services', 'registry-console');
const isInput = (name, dir) =>
  name.endsWith('.ts') && !/[.-]spec\.ts$/.test(name) && !name.endsWith('.d.ts') && !/(^|[\\/])testing([\\/]|$)/.test(dir) && !dir.startsWith(CONSOLE);

function mtime(path) {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return undefined;
  }
}

function newestInput() {
  let newest = 0;
  for (const file of CONFIG_FILES) newest = Math.max(newest, mtime(join(root, file)) ?? 0);
  for (const dir of SOURCE_DIRS) {
    for (const entry of readdirSync(join(root, dir), { recursive: true, withFileTypes: true })) {
      if (!entry.isFile() || !isInput(entry.name, relative(root, entry.parentPath ?? entry.path))) continue;
      newest = Math.max(newest, mtime(join(entry.parentPath ?? entry.path, entry.name)) ?? 0);
    }
  }
  return newest;
}

function newestConsoleInput() {
  let newest = Math.max(...['package.json', 'package-lock.json'].map((f) => mtime(join(root, f)) ?? 0));
  for (const entry of readdirSync(join(root, CONSOLE), { recursive: true, withFileTypes: true })) {
    const dir = entry.parentPath ?? entry.path;
    if (!entry.isFile() || /(^|[\\/])node_modules([\\/]|$)/.test(relative(root, dir))) continue;
    newest = Math.max(newest, mtime(join(dir, entry.name)) ?? 0);
  }
  return newest;
}

const built = mtime(stamp);
if (built === undefined || newestInput() >= built) {
  const startedAt = Date.now();
  const tsc = spawnSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(root, 'tsconfig.build.json')], {
    stdio: 'inherit',
  });
  if (tsc.status !== 0) process.exit(tsc.status ?? 1);
  // The stamp's time is when the build started, so a source saved during the build triggers the next one.
  writeFileSync(stamp, `${new Date(startedAt).toISOString()}\n`);
  utimesSync(stamp, startedAt / 1000, startedAt / 1000);
}

// The web console (services/registry-console): Vite writes dist/console, which registry-api serves at /console.
// Vite empties that folder first, so its stamp is written after the build, dated when the build started.
const consoleStamp = join(root, 'dist', 'console', '.build-stamp');
const consoleBuilt = mtime(consoleStamp);
if (consoleBuilt === undefined || newestConsoleInput() >= consoleBuilt) {
  const startedAt = Date.now();
  const vite = spawnSync(
    process.execPath,
    [join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', join(root, CONSOLE, 'vite.config.ts'), '--logLevel', 'warn'],
    {
      stdio: 'inherit',
    },
  );
  if (vite.status !== 0) process.exit(vite.status ?? 1);
  writeFileSync(consoleStamp, `${new Date(startedAt).toISOString()}\n`);
  utimesSync(consoleStamp, startedAt / 1000, startedAt / 1000);
}
