import { describe, expect, it } from '@jest/globals';
import { StreamBusyError } from './event-store.errors.js';
import { StreamLanes } from './stream-lanes.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('StreamLanes', () => {
  it('runs the writers of one stream one after another, in arrival order, and other streams alongside', async () => {
    const lanes = new StreamLanes();
    const log: string[] = [];
    // 'a' holds stream s-1 until the writer of s-2 has finished (or 2 s pass): if other streams waited behind s-1,
    // 'x' would end after 'a'. An event, not a timer race, so a loaded machine cannot reorder them.
    let xDone!: () => void;
    const xFinished = new Promise<void>((r) => (xDone = r));
    const writer = (stream: string, name: string, hold: () => Promise<unknown>) =>
      lanes.run(stream, 5_000, async () => {
        log.push(`${name}+`);
        await hold();
        log.push(`${name}-`);
        if (name === 'x') xDone();
      });
    const brief = () => sleep(1);
    await Promise.all([
      writer('s-1', 'a', () => Promise.race([xFinished, sleep(2_000)])),
      writer('s-1', 'b', brief),
      writer('s-2', 'x', brief),
      writer('s-1', 'c', brief),
    ]);
    expect(log.filter((l) => !l.startsWith('x'))).toEqual(['a+', 'a-', 'b+', 'b-', 'c+', 'c-']);
    expect(log.indexOf('x-')).toBeLessThan(log.indexOf('a-'));
    expect(lanes.size).toBe(0);
  });

  it('gives up waiting with BUSY after its budget without running, and keeps the order of the rest', async () => {
    const lanes = new StreamLanes();
    const ran: string[] = [];
    const slow = lanes.run('s-1', 1_000, async () => {
      await sleep(60);
      ran.push('slow');
    });
    const impatient = lanes.run('s-1', 10, async () => void ran.push('impatient')).catch((e: unknown) => e);
    const patient = lanes.run('s-1', 1_000, async () => void ran.push('patient'));
    expect(await impatient).toBeInstanceOf(StreamBusyError);
    await Promise.all([slow, patient]);
    expect(ran).toEqual(['slow', 'patient']);
  });

  it('lets the next writer go when one fails', async () => {
    const lanes = new StreamLanes();
    await expect(lanes.run('s-1', 100, async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(lanes.run('s-1', 100, async () => 'next')).resolves.toBe('next');
  });
});
