// Runs the TypeScript sources in a plain `node` child process with the same @swc settings as Jest:
// `node --import ./services/registry-projector/src/testing/ts-loader.mjs <file>.ts`. The crash-safety test uses
// it to run and SIGKILL a real projector process without a build step.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath, URL } from 'node:url';
import { isMainThread } from 'node:worker_threads';

const root = new URL('../../../../', import.meta.url);
const LIBS = /^#(event-store|domain|read-model|biostat)$/;

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
  });
  return { format: 'module', source: code, shortCircuit: true };
}
