import { describe, expect, it } from '@jest/globals';
import { decideExportStart, effectiveExportJobState, EXPORT_JOB_STALE_MS } from './export-job.decider.js';

describe('export job start decision', () => {
  const now = new Date('2026-12-04T02:00:00Z');
  const fresh = new Date(now.getTime() - 1000);
  const stale = new Date(now.getTime() - EXPORT_JOB_STALE_MS - 1);

  it('creates a new job, answers a repeat, restarts a failed one and refuses other input', () => {
    expect(decideExportStart(undefined, 'a', now).kind).toBe('create');
    expect(decideExportStart({ state: 'EXPORTING', fingerprint: 'a', heartbeatAt: fresh }, 'a', now).kind).toBe('answer');
    expect(decideExportStart({ state: 'SUCCEEDED', fingerprint: 'a', heartbeatAt: stale }, 'a', now).kind).toBe('answer');
    expect(decideExportStart({ state: 'FAILED', fingerprint: 'a', heartbeatAt: fresh }, 'a', now).kind).toBe('restart');
    expect(decideExportStart({ state: 'SUCCEEDED', fingerprint: 'a', heartbeatAt: fresh }, 'b', now).kind).toBe('conflict');
  });

  it('shows a running job that stopped beating as failed (interrupted), and restarts it', () => {
    expect(effectiveExportJobState({ state: 'FREEZING', heartbeatAt: stale }, now)).toEqual({ state: 'FAILED', interrupted: true });
    expect(effectiveExportJobState({ state: 'FREEZING', heartbeatAt: fresh }, now)).toEqual({ state: 'FREEZING', interrupted: false });
    expect(decideExportStart({ state: 'EXPORTING', fingerprint: 'a', heartbeatAt: stale }, 'a', now).kind).toBe('restart');
  });
});
