import type { Position, RecordedEvent } from '../event-store.js';

/** A page as one `readAll` returned it: the events right after `after`, contiguous in `readAll` order. */
interface Page {
  readonly after: Position;
  readonly events: readonly RecordedEvent[];
}

/** What one subscription's read got: `fresh` when this call read the database itself (only then may it wait for appends). */
export interface SharedRead {
  readonly events: RecordedEvent[];
  readonly fresh: boolean;
}

const keyOf = (p: Position): string => `${p.commit}:${p.prepare}`;
const before = (a: Position, b: Position): boolean => a.commit < b.commit || (a.commit === b.commit && a.prepare < b.prepare);

/**
 * Catch-up pages shared by the subscriptions of one store that use the same filter: the projector runs one
 * subscription per projection, and without sharing each of them read (and parsed, and kept in memory) every event of
 * the log once more. A read after position X is served from the pages already read when X is one of their events
 * (or the position a page was read after), else from the database, and the page read is kept for the others.
 *
 * Why this hands out the same events as a read of its own: a `readAll` page is a prefix of the log after its
 * `after` (only transactions older than every running one are read, so anything committing later sorts after the
 * page), so the events after any of its members are, in that page, the log's next events. A served part may be
 * shorter than a fresh read would be; the subscription then reads again at once instead of waiting for an append.
 *
 * Memory: a page is dropped once every open subscription of its filter has passed it, and the oldest pages go when
 * more than `retainEvents` are kept (a subscription far behind the others then reads for itself).
 */
export class SharedPages {
  private readonly pages = new Set<Page>();
  private readonly startingAfter = new Map<string, Page>();
  private readonly eventAt = new Map<string, { readonly page: Page; readonly index: number }>();
  private readonly inFlight = new Map<string, Promise<RecordedEvent[]>>();
  private retained = 0;
  /** Where each open subscription reads next. */
  private readonly readers = new Map<object, Position>();

  constructor(
    private readonly readPage: (after: Position, maxCount: number) => Promise<RecordedEvent[]>,
    private readonly retainEvents: number,
  ) {}

  open(reader: object, at: Position): void {
    this.readers.set(reader, at);
  }

  close(reader: object): void {
    this.readers.delete(reader);
    this.prune();
  }

  /** The next events after `after` (at most `maxCount`), for `reader`, which then stands at the last of them. */
  async read(reader: object, after: Position, maxCount: number): Promise<SharedRead> {
    const served = this.serve(after, maxCount);
    let result: SharedRead;
    if (served.length > 0) result = { events: served, fresh: false };
    else {
      const key = keyOf(after);
      const running = this.inFlight.get(key);
      if (running) result = { events: (await running).slice(0, maxCount), fresh: false };
      else {
        const reading = this.readPage(after, maxCount);
        this.inFlight.set(key, reading);
        try {
          const events = await reading;
          this.keep({ after, events });
          result = { events, fresh: true };
        } finally {
          this.inFlight.delete(key);
        }
      }
    }
    if (this.readers.has(reader)) this.readers.set(reader, result.events.at(-1)?.position ?? after);
    this.prune();
    return result;
  }

  private serve(after: Position, maxCount: number): RecordedEvent[] {
    const out: RecordedEvent[] = [];
    let at = after;
    while (out.length < maxCount) {
      let page = this.startingAfter.get(keyOf(at));
      let from = 0;
      if (!page) {
        const member = this.eventAt.get(keyOf(at));
        if (!member || member.index + 1 >= member.page.events.length) break;
        page = member.page;
        from = member.index + 1;
      }
      const part = page.events.slice(from, from + maxCount - out.length);
      if (part.length === 0) break;
      out.push(...part);
      at = part.at(-1)!.position;
    }
    return out;
  }

  private keep(page: Page): void {
    if (page.events.length === 0 || this.startingAfter.has(keyOf(page.after))) return;
    this.pages.add(page);
    this.startingAfter.set(keyOf(page.after), page);
    page.events.forEach((e, index) => {
      // A position already in a kept page stays where it is: either page serves the same next events.
      if (!this.eventAt.has(keyOf(e.position))) this.eventAt.set(keyOf(e.position), { page, index });
    });
    this.retained += page.events.length;
  }

  private drop(page: Page): void {
    this.pages.delete(page);
    if (this.startingAfter.get(keyOf(page.after)) === page) this.startingAfter.delete(keyOf(page.after));
    for (const e of page.events) if (this.eventAt.get(keyOf(e.position))?.page === page) this.eventAt.delete(keyOf(e.position));
    this.retained -= page.events.length;
  }

  private prune(): void {
    let slowest: Position | undefined;
    for (const p of this.readers.values()) if (!slowest || before(p, slowest)) slowest = p;
    for (const page of this.pages) {
      // Passed by every reader: none of them will ask for anything in it (a new one starting there reads for itself).
      if (!slowest || !before(slowest, page.events.at(-1)!.position)) this.drop(page);
    }
    while (this.retained > this.retainEvents) {
      let oldest: Page | undefined;
      for (const page of this.pages) if (!oldest || before(page.events[0]!.position, oldest.events[0]!.position)) oldest = page;
      this.drop(oldest!);
    }
  }
}
