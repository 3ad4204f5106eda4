import { describe, expect, it } from '@jest/globals';
import { parsePostmasterPid } from './postmaster-pid.js';

describe('parsePostmasterPid', () => {
  it('reads pid, data directory, port and status from PostgreSQL 17’s lock file', () => {
    const text = '4242\n/var/lib/registry/postgres\n1764480000\n55480\n/tmp\nlocalhost\n  5480001  32768\nready   \n';
    expect(parsePostmasterPid(text)).toEqual({ pid: 4242, dataDir: '/var/lib/registry/postgres', port: 55480, status: 'ready' });
  });

  it('keeps a lock file written before the server reached its status line (starting up)', () => {
    expect(parsePostmasterPid('77\n/data\n1764480000\n5432\n')).toEqual({ pid: 77, dataDir: '/data', port: 5432, status: undefined });
  });

  it('reads a single-user backend’s negative pid as its process id', () => {
    expect(parsePostmasterPid('-99\n/data\n')).toMatchObject({ pid: 99, dataDir: '/data' });
  });

  it('rejects an empty or garbled file (treated as stale by the caller)', () => {
    expect(parsePostmasterPid('')).toBeUndefined();
    expect(parsePostmasterPid('not-a-pid\n/data\n')).toBeUndefined();
    expect(parsePostmasterPid('123\n')).toBeUndefined();
  });
});
