import { describe, expect, it } from '@jest/globals';
import { ibmDouble, writeXport } from './sas-xport.writer.js';

describe('SAS XPORT v5 writer', () => {
  it('writes IBM System/370 doubles (the textbook values) and SAS missing', () => {
    expect(ibmDouble(1).toString('hex')).toBe('4110000000000000');
    expect(ibmDouble(-118.625).toString('hex')).toBe('c276a00000000000');
    expect(ibmDouble(0.1).toString('hex')).toBe('401999999999999a');
    expect(ibmDouble(0).toString('hex')).toBe('0000000000000000');
    expect(ibmDouble(null).toString('hex')).toBe('2e00000000000000');
  });

  it('lays out 80-byte records: library, member, NAMESTR and observation headers', () => {
    const file = writeXport(
      [
        {
          name: 'DM',
          label: 'Demographics',
          variables: [
            { name: 'USUBJID', label: 'Unique Subject Identifier', type: 'char' },
            { name: 'AGE', label: 'Age', type: 'numeric' },
          ],
          rows: [
            ['S-1', 61],
            ['S-22', null],
          ],
        },
      ],
      { createdAt: new Date('2026-12-03T18:30:05Z') },
    );
    expect(file.length % 80).toBe(0);
    const rec = (n: number) => file.subarray(n * 80, n * 80 + 80).toString('latin1');
    expect(rec(0)).toBe('HEADER RECORD*******LIBRARY HEADER RECORD!!!!!!!000000000000000000000000000000  ');
    expect(rec(1).endsWith('03DEC26:18:30:05')).toBe(true);
    expect(rec(3)).toBe('HEADER RECORD*******MEMBER  HEADER RECORD!!!!!!!000000000000000001600000000140  ');
    expect(rec(7)).toBe('HEADER RECORD*******NAMESTR HEADER RECORD!!!!!!!000000000200000000000000000000  ');
    // Two NAMESTRs (280 bytes) fill 4 records; then the OBS header and two observations of 4 + 8 bytes.
    expect(rec(12)).toBe('HEADER RECORD*******OBS     HEADER RECORD!!!!!!!000000000000000000000000000000  ');
    const obs = file.subarray(13 * 80);
    expect(obs.subarray(0, 4).toString('latin1')).toBe('S-1 ');
    expect(obs.subarray(4, 12).toString('hex')).toBe(ibmDouble(61).toString('hex'));
    expect(obs.subarray(12, 16).toString('latin1')).toBe('S-22');
    expect(obs.subarray(16, 24).toString('hex')).toBe('2e00000000000000');
    expect(() => writeXport([{ name: 'TOOLONGNAME', label: '', variables: [], rows: [] }], { createdAt: new Date(0) })).toThrow(/member name/);
  });
});
