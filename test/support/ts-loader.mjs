// Runs the TypeScript sources in a plain `node` child process, the way Jest does (same @swc settings):
// `node --import ./test/support/ts-loader.mjs <file>.ts`. Tests that SIGKILL real processes (projector failover,
// projector crash safety) use it so they need no `npm run build`; the production image runs the compiled dist/.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath, URL } from 'node:url';
import { isMainThread } from 'node:worker_threads';

const root = new URL('../../', import.meta.url);
const LIBS = /^#(event-store|domain|read-model|biostat|runtime|projections|interop)$/;

if (isMainThread) {
  const { register } = await import('node:module');
  register(import.meta.url);
}

export async function resolve(specifier, context, next) {
  const lib = LIBS.exec(specifier);
  if (lib) return { url: new URL(`libs/${lib[1]}/src/index.ts`, root).href, shortCircuit: true };
  if (context.parentURL?.endsWith('.ts') && specifier.startsWith('.') && specifier.endsWith('.js')) {
    const candidate = new URL(specifier.replace(/\.js$/, '.ts'), context.parentURL);
    if (existsSync(fileURLToPath(candidate))) return { url: candidate.href, shortCircuit: true };
  }
  return next(specifier, context);
}

export async function load(url, context, next) {
  if (!url.endsWith('.ts')) return next(url, context);
  const { transformSync } = await import('@swc/core');
  const filename = fileURLToPath(url);
  const { code } = transformSync(readFileSync(filename, 'utf8'), {
    filename,
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
      target: 'es2022',
    },
    module: { type: 'es6' },
    sourceMaps: 'inline',
  });
  return { format: 'module', source: code, shortCircuit: true };
}
