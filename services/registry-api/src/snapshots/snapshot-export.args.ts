import type { SnapshotScope } from '#domain';
import type { SnapshotExportFormat } from '../../../../graphql/generated/graphql.types.js';
import { DIRECTORY_FORMATS, type DirectoryFormat } from './snapshot-export.directory.js';
import { formatOfSlug } from './snapshot-export.formats.js';

/** A usage error: printed with the usage, exit code 2 (nothing was done). */
export class UsageError extends Error {}

export type ExportArgs =
  | { kind: 'file'; snapshotId: string; format: SnapshotExportFormat; out: string }
  | { kind: 'directory'; format: DirectoryFormat; scope: SnapshotScope; snapshotId: string | null; out: string };

export function parseExportArgs(args: readonly string[]): ExportArgs {
  const [first] = args;
  if (first !== undefined && (DIRECTORY_FORMATS as readonly string[]).includes(first)) {
    const flags = new Map<string, string>();
    for (let i = 1; i < args.length; i += 2) {
      const flag = args[i]!;
      const value = args[i + 1];
      if (!['--trial', '--programme', '--snapshot', '--out'].includes(flag)) throw new UsageError(`unknown argument ${flag}`);
      if (value === undefined || value.startsWith('--')) throw new UsageError(`${flag} needs a value`);
      if (flags.has(flag)) throw new UsageError(`${flag} given twice`);
      flags.set(flag, value);
    }
    const trial = flags.get('--trial');
    const programme = flags.get('--programme');
    if ((trial === undefined) === (programme === undefined)) throw new UsageError('give exactly one of --trial <id> and --programme <id>');
    const out = flags.get('--out');
    if (out === undefined) throw new UsageError('--out <dir> is required');
    if (first === 'sdtm' && programme !== undefined) throw new UsageError('sdtm describes a trial; a programme has no SDTM export');
    return {
      kind: 'directory',
      format: first as DirectoryFormat,
      scope: trial !== undefined ? { kind: 'trial', trialId: trial } : { kind: 'programme', programmeId: programme! },
      snapshotId: flags.get('--snapshot') ?? null,
      out,
    };
  }
  const [snapshotId, slug, out] = args;
  if (!snapshotId || !slug || !out || args.length !== 3)
    throw new UsageError('expected <format> (--trial|--programme) … --out <dir>, or <snapshotId> <format> <outFile>');
  const format = formatOfSlug(slug);
  if (!format) throw new UsageError(`unknown format ${slug}`);
  return { kind: 'file', snapshotId, format, out };
}
