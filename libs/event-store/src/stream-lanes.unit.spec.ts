import { describe, expect, it } from '@jest/globals';
import { StreamBusyError } from './event-store.errors.js';
import { StreamLanes } from './stream-lanes.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('StreamLanes', () => {
  it('runs the writers of one stream one after another, in arrival order, and other streams alongside', async () => {
    const lanes = new StreamLanes();
    const log: string[] = [];
    const writer = (stream: string, name: string, ms: number) =>
      lanes.run(stream, 1_000, async () => {
        log.push(`${name}+`);
        await sleep(ms);
        log.push(`${name}-`);
      });
    await Promise.all([writer('s-1', 'a', 20), writer('s-1', 'b', 1), writer('s-2', 'x', 1), writer('s-1', 'c', 1)]);
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
