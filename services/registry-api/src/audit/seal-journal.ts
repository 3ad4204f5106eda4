import { createHash } from 'node:crypto';
import { mkdir, open, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { formatJournalLine, journalLineHash, JOURNAL_GENESIS, parseJournalLine, type AnchoredSeal } from './seal-verification.js';

/**
 * Where journal lines are kept, beyond the reach of the database they protect. Deliberately small — append one line
 * durably, read the last one, read them all — so that an object store with a retention lock (one object per line,
 * S3 Object Lock in compliance mode) or a transparency log can stand in for the file later.
 */
export interface SealSink {
  /** Human-readable location, for reports and logs (never a secret). */
  readonly location: string;
  /** Appends one line (no newline in it); resolves once it is durable (fsynced). */
  append(line: string): Promise<void>;
  /** The newest complete line, or undefined before the first. */
  lastLine(): Promise<string | undefined>;
  /** Every complete line, oldest first. */
  lines(): Promise<string[]>;
}

/** Bytes read from the end of the file to find the newest line; a line is well under 1 KB. */
const TAIL_BYTES = 64 * 1024;

/**
 * The journal file of one database: named after where the log lives (host, port, database), not after anything in
 * it, so emptying the log does not make it "another log" with no journal.
 */
export function journalFileName(databaseUrl: string): string {
  const u = new URL(databaseUrl);
  const database = decodeURIComponent(u.pathname.replace(/^\//, '')) || 'postgres';
  const id = createHash('sha256')
    .update(`${u.hostname}:${u.port || '5432'}/${database}`)
    .digest('hex')
    .slice(0, 16);
  return `seal-journal-${database.replace(/[^A-Za-z0-9_-]/g, '_')}-${id}.ndjson`;
}

/**
 * An append-only NDJSON file (mode 0600 in a 0700 directory), each line fsynced before it counts. A line torn by a
 * crash mid-write (no newline yet) was never acknowledged: it is ignored by readers and cut off before the next
 * append, so it cannot glue itself to the next line. Under root the embedded PostgreSQL runs as another OS user,
 * which cannot write here; point AUDIT_ANCHOR_DIR at storage the database host cannot reach.
 */
export class FileSealSink implements SealSink {
  readonly location: string;

  constructor(
    private readonly dir: string,
    fileName = 'seal-journal.ndjson',
  ) {
    this.location = join(dir, fileName);
  }

  async append(line: string): Promise<void> {
    if (line.includes('\n')) throw new TypeError('a journal line cannot hold a newline');
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const file = await open(this.location, 'a+', 0o600);
    try {
      const { size } = await file.stat();
      if (size > 0) {
        const last = Buffer.alloc(1);
        await file.read(last, 0, 1, size - 1);
        if (last[0] !== 0x0a) await file.truncate(await this.completeLength());
      }
      await file.appendFile(`${line}\n`);
      await file.sync();
    } finally {
      await file.close();
    }
  }

  async lastLine(): Promise<string | undefined> {
    const size = await this.size();
    if (size === 0) return undefined;
    const file = await open(this.location, 'r');
    try {
      const length = Math.min(size, TAIL_BYTES);
      const buffer = Buffer.alloc(length);
      await file.read(buffer, 0, length, size - length);
      const text = buffer.toString('utf8');
      const complete = text.slice(0, text.lastIndexOf('\n'));
      const last = complete.slice(complete.lastIndexOf('\n') + 1);
      return last === '' ? undefined : last;
    } finally {
      await file.close();
    }
  }

  async lines(): Promise<string[]> {
    const text = await readFile(this.location, 'utf8').catch((err: NodeJS.ErrnoException) => (err.code === 'ENOENT' ? '' : Promise.reject(err)));
    // Only complete lines: the text after the last newline is a torn write.
    return text
      .slice(0, text.lastIndexOf('\n') + 1)
      .split('\n')
      .slice(0, -1);
  }

  private async size(): Promise<number> {
    return stat(this.location).then(
      (s) => s.size,
      (err: NodeJS.ErrnoException) => (err.code === 'ENOENT' ? 0 : Promise.reject(err)),
    );
  }

  /** Length of the file up to and including its last newline. */
  private async completeLength(): Promise<number> {
    const text = await readFile(this.location, 'utf8');
    return Buffer.byteLength(text.slice(0, text.lastIndexOf('\n') + 1));
  }
}

/**
 * The seal journal: one line per seal, `{"prev": SHA-256 of the previous line, "seal": the signed seal}`, so that a
 * line removed from the middle, or edited, breaks the chain of the line after it. Appends are serialised within the
 * process; across instances they happen only under the sealer's advisory lock (AuditSealService).
 */
export class SealJournal {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(readonly sink: SealSink) {}

  get location(): string {
    return this.sink.location;
  }

  /** Appends the seal unless the journal already holds it or a later one. */
  record(seal: AnchoredSeal): Promise<void> {
    const run = this.queue.then(async () => {
      const last = await this.sink.lastLine();
      const previous = last === undefined ? undefined : parseJournalLine(last);
      if (previous && previous.seal.sequence >= seal.sequence) return;
      await this.sink.append(formatJournalLine(last === undefined ? JOURNAL_GENESIS : journalLineHash(last), seal));
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** The newest seal recorded, or undefined before the first (or when the last line does not parse). */
  async latest(): Promise<AnchoredSeal | undefined> {
    const last = await this.sink.lastLine();
    return last === undefined ? undefined : parseJournalLine(last)?.seal;
  }

  lines(): Promise<string[]> {
    return this.sink.lines();
  }
}

export const SEAL_JOURNAL = Symbol('SEAL_JOURNAL');
