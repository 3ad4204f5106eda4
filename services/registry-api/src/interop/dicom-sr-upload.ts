import { open, readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * The work of `npm run import:dicom-sr`: every file named, and every DICOM Part 10 file under the folders named
 * (recursively), posted one by one to a running registry's POST /dicomweb/studies as application/dicom. One file per
 * request keeps each request small and each answer about one report; a report is stored or refused as a whole, and
 * the same file again is stored again without a new event, so a stopped run is simply started again.
 */
export interface UploadOptions {
  /** The registry's base URL (http://host:port). */
  readonly url: string;
  readonly token: string;
  /** One line per file, as it is answered. */
  readonly progress?: (line: string) => void;
}

export interface FileOutcome {
  readonly file: string;
  readonly outcome: 'stored' | 'failed' | 'skipped';
  readonly status: number | null;
  readonly sopInstanceUid: string | null;
  /** Why it failed: the STOW-RS failure's problems, or the request's error. */
  readonly problems: readonly { readonly code: string; readonly path: string; readonly message: string }[];
}

export interface UploadSummary {
  readonly files: number;
  readonly stored: number;
  readonly failed: number;
  /** Files found in folders that are not DICOM Part 10 (no DICM preamble): not sent. */
  readonly skipped: number;
  readonly outcomes: readonly FileOutcome[];
}

/** A Part 10 file has "DICM" at byte 128 (PS3.10 §7.1). */
async function isPart10(file: string): Promise<boolean> {
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.alloc(4);
    const { bytesRead } = await handle.read(buffer, 0, 4, 128);
    return bytesRead === 4 && buffer.toString('latin1') === 'DICM';
  } finally {
    await handle.close();
  }
}

/** Named files as they are (the registry says what is wrong with them); folders: their Part 10 files, in name order. */
export async function collectFiles(paths: readonly string[]): Promise<{ readonly send: string[]; readonly skipped: string[] }> {
  const send: string[] = [];
  const skipped: string[] = [];
  for (const path of paths) {
    if (!(await stat(path)).isDirectory()) {
      send.push(path);
      continue;
    }
    const entries = (await readdir(path, { recursive: true, withFileTypes: true })).filter((e) => e.isFile());
    const files = entries.map((e) => join(e.parentPath, e.name)).sort();
    for (const file of files) ((await isPart10(file)) ? send : skipped).push(file);
  }
  return { send, skipped };
}

type DicomJson = Record<string, { Value?: unknown[] }> & { errors?: { message: string; extensions: { code: string; field?: string } }[] };

export async function uploadDicomSrFiles(paths: readonly string[], options: UploadOptions): Promise<UploadSummary> {
  const { send, skipped } = await collectFiles(paths);
  const base = options.url.replace(/\/(graphql|dicomweb(\/studies)?)\/?$/, '').replace(/\/$/, '');
  const outcomes: FileOutcome[] = skipped.map((file) => ({
    file,
    outcome: 'skipped',
    status: null,
    sopInstanceUid: null,
    problems: [{ code: 'NOT_DICOM', path: '', message: 'not a DICOM Part 10 file (no DICM preamble): not sent' }],
  }));
  for (const file of skipped) options.progress?.(`skipped ${file}: not a DICOM Part 10 file`);
  let done = 0;
  for (const file of send) {
    const res = await fetch(`${base}/dicomweb/studies`, {
      method: 'POST',
      headers: { 'content-type': 'application/dicom', accept: 'application/dicom+json', authorization: `Bearer ${options.token}` },
      body: await readFile(file),
    });
    const body = (await res.json().catch(() => ({}))) as DicomJson;
    const outcome = outcomeOf(file, res.status, body);
    outcomes.push(outcome);
    done += 1;
    const why = outcome.problems.map((p) => `${p.code}${p.path ? `@${p.path}` : ''}`).join(', ');
    options.progress?.(
      `[${done}/${send.length}] ${outcome.outcome} ${file}${outcome.sopInstanceUid ? ` (${outcome.sopInstanceUid})` : ''}${why ? `: ${why}` : ''}`,
    );
    // A refused token or role refuses every file the same way: stop instead of sending the rest.
    if (res.status === 401 || res.status === 403) break;
  }
  const count = (o: FileOutcome['outcome']) => outcomes.filter((x) => x.outcome === o).length;
  return { files: send.length + skipped.length, stored: count('stored'), failed: count('failed'), skipped: count('skipped'), outcomes };
}

function outcomeOf(file: string, status: number, body: DicomJson): FileOutcome {
  const first = (tag: string) => ((body[tag]?.Value ?? []) as Record<string, { Value?: unknown[] }>[])[0];
  const stored = first('00081199');
  if (status === 200 && stored) return { file, outcome: 'stored', status, sopInstanceUid: String(stored['00081155']?.Value?.[0] ?? '') || null, problems: [] };
  const failed = first('00081198');
  if (failed) {
    let problems: FileOutcome['problems'] = [];
    try {
      problems = JSON.parse(String(failed['00091001']?.Value?.[0] ?? '[]')) as FileOutcome['problems'];
    } catch {
      problems = [{ code: 'FAILED', path: '', message: `failure reason ${String(failed['00081197']?.Value?.[0])}` }];
    }
    return { file, outcome: 'failed', status, sopInstanceUid: (failed['00081155']?.Value?.[0] as string | undefined) ?? null, problems };
  }
  const errors = body.errors ?? [{ message: `HTTP ${status}`, extensions: { code: 'HTTP_ERROR' } }];
  return {
    file,
    outcome: 'failed',
    status,
    sopInstanceUid: null,
    problems: errors.map((e) => ({ code: e.extensions.code, path: e.extensions.field ?? '', message: e.message })),
  };
}
