import { createHash } from 'node:crypto';
import { mkdir, open, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** What is kept of a seal outside the database: enough to tell whether the log still holds it, unchanged. */
export interface AnchoredSeal {
  readonly sequence: number;
  /** The seal's position (`commit.prepare`) and its prepare part, as in SealData. */
  readonly upTo: string;
  readonly upToPosition: string;
  /** Events this seal covers (since the previous seal) and all events up to it. */
  readonly eventCount: number;
  readonly eventsCovered: number;
  readonly merkleRoot: string;
  readonly chain: string;
  readonly sealedAt: string;
}

/**
 * Where seals are kept beyond the reach of the database they protect. A superuser who deletes the newest events and
 * the seals over them leaves a log that agrees with itself; the anchor still remembers the newest seal. The file
 * anchor is the default; issue 18's signed, off-site anchors implement the same two methods.
 */
export interface SealAnchor {
  /** Human-readable location, for reports and logs (never a secret). */
  readonly location: string;
  record(seal: AnchoredSeal): Promise<void>;
  /** The newest seal recorded (the highest sequence), or undefined before the first. */
  latest(): Promise<AnchoredSeal | undefined>;
}

export const SEAL_ANCHOR = Symbol('SEAL_ANCHOR');

/** Bytes read from the end of the file to find the newest line; a line is a few hundred bytes. */
const TAIL_BYTES = 64 * 1024;

/**
 * The anchor file of one database: named after where the log lives (host, port, database), not after anything in
 * it, so emptying the log does not make it "another log" with no anchor.
 */
export function anchorFileName(databaseUrl: string): string {
  const u = new URL(databaseUrl);
  const database = decodeURIComponent(u.pathname.replace(/^\//, '')) || 'postgres';
  const id = createHash('sha256')
    .update(`${u.hostname}:${u.port || '5432'}/${database}`)
    .digest('hex')
    .slice(0, 16);
  return `seals-${database.replace(/[^A-Za-z0-9_-]/g, '_')}-${id}.ndjson`;
}

/**
 * An append-only NDJSON file (one per database, mode 0600 in a 0700 directory): one line per seal, flushed to disk
 * before the seal counts as anchored. Under root the embedded PostgreSQL runs as another OS user, which cannot write
 * here; point AUDIT_ANCHOR_DIR at storage the database host cannot reach (a shared volume for several API instances).
 */
export class FileSealAnchor implements SealAnchor {
  readonly location: string;

  constructor(
    private readonly dir: string,
    fileName = 'seals.ndjson',
  ) {
    this.location = join(dir, fileName);
  }

  async record(seal: AnchoredSeal): Promise<void> {
    const latest = await this.latest();
    if (latest && latest.sequence >= seal.sequence) return;
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const file = await open(this.location, 'a', 0o600);
    try {
      await file.appendFile(`${JSON.stringify(seal)}\n`);
      await file.sync();
    } finally {
      await file.close();
    }
  }

  async latest(): Promise<AnchoredSeal | undefined> {
    const size = await stat(this.location).then(
      (s) => s.size,
      (err: NodeJS.ErrnoException) => (err.code === 'ENOENT' ? 0 : Promise.reject(err)),
    );
    if (size === 0) return undefined;
    const file = await open(this.location, 'r');
    try {
      const length = Math.min(size, TAIL_BYTES);
      const buffer = Buffer.alloc(length);
      await file.read(buffer, 0, length, size - length);
      // The first line may be cut by the window, the last one by a crash mid-write: skip what does not parse.
      let newest: AnchoredSeal | undefined;
      for (const line of buffer.toString('utf8').split('\n')) {
        const seal = parse(line);
        if (seal && (!newest || seal.sequence > newest.sequence)) newest = seal;
      }
      return newest;
    } finally {
      await file.close();
    }
  }
}

function parse(line: string): AnchoredSeal | undefined {
  try {
    const v = JSON.parse(line) as Partial<AnchoredSeal>;
    return typeof v.sequence === 'number' && typeof v.chain === 'string' && typeof v.upToPosition === 'string' ? (v as AnchoredSeal) : undefined;
  } catch {
    return undefined;
  }
}
