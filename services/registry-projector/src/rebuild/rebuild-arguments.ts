import type { Projection } from '#projections';

/** `[--resume] [name…]` of `npm run projections:rebuild`: the projections to rebuild (all when none is named). */
export function parseRebuildArguments(argv: readonly string[], all: readonly Projection[]): { chosen: Projection[]; resume: boolean } {
  const flags = argv.filter((a) => a.startsWith('-'));
  const badFlags = flags.filter((f) => f !== '--resume');
  if (badFlags.length > 0) throw new Error(`unknown option(s) ${badFlags.join(', ')}; known: --resume`);
  const wanted = argv.filter((a) => !a.startsWith('-'));
  const unknown = wanted.filter((n) => !all.some((p) => p.name === n));
  if (unknown.length > 0) throw new Error(`unknown projection(s) ${unknown.join(', ')}; known: ${all.map((p) => p.name).join(', ')}`);
  return { chosen: wanted.length > 0 ? all.filter((p) => wanted.includes(p.name)) : [...all], resume: flags.includes('--resume') };
}
