import { describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { digestSnapshot, rowKeyOf, SnapshotDigester, type SnapshotTable } from './canonical-snapshot.js';

const trials: SnapshotTable = { table: 'trials', rows: [{ key: '["T1"]', row: { trial_id: 'T1', title: 'A', position: '3' } }] };
const measurements: SnapshotTable = {
  table: 'measurements',
  rows: [
    { key: '["m1",0]', row: { measurement_id: 'm1', version: 0, value: 12.5, superseded_at: null } },
    { key: '["m2",0]', row: { measurement_id: 'm2', version: 0, value: 7, superseded_at: null } },
  ],
};

describe('canonical snapshot hashing', () => {
  it('is the SHA-256 of the documented lines, tables in name order, then the row counts', () => {
    const expected = createHash('sha256')
      .update('measurements\t["m1",0]\t{"measurement_id":"m1","superseded_at":null,"value":12.5,"version":0}\n')
      .update('measurements\t["m2",0]\t{"measurement_id":"m2","superseded_at":null,"value":7,"version":0}\n')
      .update('trials\t["T1"]\t{"position":"3","title":"A","trial_id":"T1"}\n')
      .update('measurements\t2\ntrials\t1')
      .digest('hex');
    const digest = digestSnapshot([trials, measurements]);
    expect(digest.contentHash).toBe(expected);
    expect(digest.tables.map((t) => [t.table, t.rows])).toEqual([
      ['measurements', 2],
      ['trials', 1],
    ]);
  });

  it('does not depend on the order of a row’s columns or of the tables given', () => {
    const reordered: SnapshotTable = { table: 'trials', rows: [{ key: '["T1"]', row: { position: '3', trial_id: 'T1', title: 'A' } }] };
    expect(digestSnapshot([measurements, reordered])).toEqual(digestSnapshot([trials, measurements]));
  });

  it('changes with any value, with a lost row and with an emptied table, and names the table that changed', () => {
    const base = digestSnapshot([trials, measurements]);
    const corrected = digestSnapshot([
      trials,
      { ...measurements, rows: [measurements.rows[0]!, { ...measurements.rows[1]!, row: { ...measurements.rows[1]!.row, value: 7.1 } }] },
    ]);
    expect(corrected.contentHash).not.toBe(base.contentHash);
    expect(corrected.tables.filter((t, i) => t.hash !== base.tables[i]!.hash).map((t) => t.table)).toEqual(['measurements']);
    expect(digestSnapshot([trials, { ...measurements, rows: measurements.rows.slice(0, 1) }]).contentHash).not.toBe(base.contentHash);
    expect(digestSnapshot([trials, { table: 'measurements', rows: [] }]).contentHash).not.toBe(digestSnapshot([trials]).contentHash);
  });

  it('refuses a row key or a table twice', () => {
    expect(() => digestSnapshot([{ table: 'trials', rows: [trials.rows[0]!, trials.rows[0]!] }])).toThrow(/twice/);
    expect(() => digestSnapshot([trials, trials])).toThrow(/twice/);
  });

  it('keys a row by its primary-key values in key order', () => {
    expect(rowKeyOf({ version: 2, measurement_id: 'm1', value: 1 }, ['measurement_id', 'version'])).toBe('["m1",2]');
  });

  it('streams to the same digest row by row, and refuses tables out of name order', () => {
    const d = new SnapshotDigester();
    d.startTable('measurements');
    d.startTable('trials');
    for (const r of trials.rows) d.row(r.key, r.row);
    expect(d.finish()).toEqual(digestSnapshot([trials, { table: 'measurements', rows: [] }]));
    const wrong = new SnapshotDigester();
    wrong.startTable('trials');
    expect(() => wrong.startTable('measurements')).toThrow(/name order/);
  });
});
