import { describe, expect, it } from '@jest/globals';
import { InMemoryEventStore, type EventStore } from '#event-store';
import { BackupFileError, RestoreTargetError, readEventLogBackup, restoreEventLogBackup, writeEventLogBackup } from './event-log-backup.js';

/** A small registry-shaped log: interleaved streams, multi-event appends. */
async function seed(store: EventStore): Promise<void> {
  let n = 0;
  const id = () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`;
  await store.appendToStream('trial-t1', [{ id: id(), type: 'TrialRegistered', data: { trialId: 't1', title: 'T1' }, metadata: { actorId: 'a' } }], {
    expectedRevision: 'no_stream',
  });
  for (let s = 0; s < 3; s++) {
    await store.appendToStream(`subject-s${s}`, [{ id: id(), type: 'SubjectEnrolled', data: { subjectId: `s${s}`, trialId: 't1' } }], {
      expectedRevision: 'no_stream',
    });
    await store.appendToStream('trial-t1', [{ id: id(), type: 'Noted', data: { s } }], { expectedRevision: 'any' });
  }
  await store.appendToStream(
    'subject-s0',
    [
      { id: id(), type: 'MeasurementRecorded', data: { value: 42.5, unit: 'mm' } },
      { id: id(), type: 'MeasurementCorrected', data: { value: 41 }, metadata: { reason: 'wrong slice' } },
    ],
    { expectedRevision: 0n },
  );
}

async function backupLines(store: EventStore): Promise<string[]> {
  const out: string[] = [];
  await writeEventLogBackup(store, (line) => void out.push(line.replace(/\n$/, '')), { source: 'test' });
  return out;
}

const lines = (list: readonly string[]) =>
  async function* () {
    yield* list;
  };

const snapshot = async (store: EventStore) =>
  (await store.readAll()).map((e) => ({ id: e.id, stream: e.streamId, revision: e.revision, hash: e.hash, data: e.data, metadata: e.metadata }));

describe('event-log backup and restore', () => {
  it('restores into an empty store the same log: order, ids, revisions, content and hashes', async () => {
    const source = new InMemoryEventStore();
    await seed(source);
    const file = await backupLines(source);
    expect(JSON.parse(file.at(-1)!)).toMatchObject({ end: true, events: 9, streams: 4 });
    const target = new InMemoryEventStore();
    const result = await restoreEventLogBackup(target, lines(file));
    expect(result).toMatchObject({ events: 9, streams: 4, appended: 9, stopped: false });
    expect(await snapshot(target)).toEqual(await snapshot(source));
    expect((await target.verify()).ok).toBe(true);
  });

  it('refuses a file whose content no longer matches its hashes, before writing anything', async () => {
    const source = new InMemoryEventStore();
    await seed(source);
    const file = await backupLines(source);
    const tampered = file.map((l) => l.replace('"value":42.5', '"value":4.25'));
    expect(tampered).not.toEqual(file);
    const target = new InMemoryEventStore();
    await expect(restoreEventLogBackup(target, lines(tampered))).rejects.toThrow(/hash does not match/);
    expect(await target.readAll()).toEqual([]);
  });

  it('refuses a backup that was cut short, a missing event and a changed digest', async () => {
    const source = new InMemoryEventStore();
    await seed(source);
    const file = await backupLines(source);
    const target = new InMemoryEventStore();
    await expect(restoreEventLogBackup(target, lines(file.slice(0, -1)))).rejects.toThrow(/trailer is missing/);
    // Dropping the last event of a stream keeps every chain valid: only the trailer's counts notice.
    const lastEvent = file.length - 2;
    await expect(restoreEventLogBackup(target, lines(file.filter((_, i) => i !== lastEvent)))).rejects.toThrow(BackupFileError);
    const otherDigest = [...file.slice(0, -1), file.at(-1)!.replace(/"sha256":"[0-9a-f]{4}/, '"sha256":"ffff')];
    await expect(restoreEventLogBackup(target, lines(otherDigest))).rejects.toThrow(/digest/);
    await expect(restoreEventLogBackup(target, lines(['{"format":"something-else"}']))).rejects.toThrow(/header/);
    expect(await target.readAll()).toEqual([]);
  });

  it('refuses a target store that already holds events', async () => {
    const source = new InMemoryEventStore();
    await seed(source);
    const file = await backupLines(source);
    const target = new InMemoryEventStore();
    await target.appendToStream('trial-other', [{ id: '10000000-0000-4000-8000-000000000001', type: 'TrialRegistered', data: {} }], {
      expectedRevision: 'no_stream',
    });
    await expect(restoreEventLogBackup(target, lines(file))).rejects.toThrow(RestoreTargetError);
  });

  it('stops between appends and, resumed, completes without applying any event twice', async () => {
    const source = new InMemoryEventStore();
    await seed(source);
    const file = await backupLines(source);
    const target = new InMemoryEventStore();
    let appends = 0;
    const first = await restoreEventLogBackup(target, lines(file), { shouldStop: () => ++appends >= 3 });
    expect(first.stopped).toBe(true);
    expect(first.appended).toBeLessThan(9);
    expect((await target.readAll()).length).toBe(first.appended);
    const second = await restoreEventLogBackup(target, lines(file), { resume: true });
    expect(second.stopped).toBe(false);
    expect(await snapshot(target)).toEqual(await snapshot(source));
  });

  it('verifies a file without a store (what restore checks first)', async () => {
    const source = new InMemoryEventStore();
    await seed(source);
    const reader = readEventLogBackup(lines(await backupLines(source))());
    let n = 0;
    for (;;) {
      const next = await reader.next();
      if (next.done) {
        expect(next.value).toMatchObject({ events: 9, streams: 4 });
        break;
      }
      n++;
    }
    expect(n).toBe(9);
  });
});
