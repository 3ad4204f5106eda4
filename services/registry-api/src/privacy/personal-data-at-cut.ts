import { isPersonalDataEnvelope, subjectStreamId, type PersonalDataEnvelope } from '#domain';
import type { EventStore, Position } from '#event-store';
import { asPersonalData, type PersonalData } from './personal-data.js';
import type { PersonalDataVault } from './personal-data-vault.js';

/** Events whose `personal` envelope holds the subject's personal fields; the latest one wins. */
const PERSONAL_EVENTS = ['SubjectEnrolled', 'ParticipantInvited', 'PersonalDataRecorded'];
const AT_CUT_STREAMS = 500;
const AT_CUT_PAGE = 1000;

/**
 * The personal fields of a frozen snapshot's subjects as recorded up to its cut (the latest sealed envelope at or
 * before `upTo`), opened for an export of that snapshot: `'erased'` for a crypto-shredded subject (its key is gone,
 * whenever the erasure came), absent when none was recorded by the cut. Read from the log, not from a copy: the
 * envelopes stay where they are (events), so an erasure after freezing makes them unreadable in every later export,
 * and nothing of them enters the snapshot's rows or hash. The caller has checked the snapshot's scope and role.
 * A plain function of the event store and the vault, so `npm run export` can use it without the Nest context.
 * One search per 500 subjects, then one key unwrap per subject that has fields, a few at a time.
 */
export async function openPersonalAtCut(
  store: EventStore,
  vault: PersonalDataVault,
  subjectIds: readonly string[],
  upTo: Position,
): Promise<Map<string, PersonalData | 'erased'>> {
  const latest = new Map<string, PersonalDataEnvelope>();
  const ids = [...new Set(subjectIds)];
  for (let i = 0; i < ids.length; i += AT_CUT_STREAMS) {
    const streamIds = ids.slice(i, i + AT_CUT_STREAMS).map(subjectStreamId);
    for (let after: Position | undefined; ;) {
      const page = await store.searchEvents({
        streamIds,
        eventTypes: [...PERSONAL_EVENTS],
        upTo,
        maxCount: AT_CUT_PAGE,
        ...(after ? { after } : {}),
      });
      for (const e of page) {
        const subjectId = e.data['subjectId'];
        // readAll order: a later envelope of the subject replaces the earlier one (latest wins, as everywhere).
        if (typeof subjectId === 'string' && isPersonalDataEnvelope(e.data['personal']))
          latest.set(subjectId, e.data['personal'] as unknown as PersonalDataEnvelope);
      }
      if (page.length < AT_CUT_PAGE) break;
      after = page.at(-1)!.position;
    }
  }
  const out = new Map<string, PersonalData | 'erased'>();
  const queue = [...latest.entries()];
  await Promise.all(
    Array.from({ length: Math.min(4, queue.length) }, async () => {
      for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
        const value = await vault.decrypt(next[1]);
        const erased = typeof value === 'object' && value !== null && (value as { erased?: unknown }).erased === true;
        out.set(next[0], erased ? 'erased' : asPersonalData(value));
      }
    }),
  );
  return out;
}
