import { describe, expect, it } from '@jest/globals';
import { parseExportArgs, UsageError } from './snapshot-export.args.js';

describe('npm run export arguments', () => {
  it('reads the directory form and keeps the <snapshotId> <format> <outFile> form', () => {
    expect(parseExportArgs(['omop', '--trial', 'T-1', '--out', 'out'])).toEqual({
      kind: 'directory',
      format: 'omop',
      scope: { kind: 'trial', trialId: 'T-1' },
      snapshotId: null,
      out: 'out',
    });
    expect(parseExportArgs(['csv', '--programme', 'P', '--snapshot', 's-1', '--out', 'd'])).toMatchObject({
      scope: { kind: 'programme', programmeId: 'P' },
      snapshotId: 's-1',
    });
    expect(parseExportArgs(['s-1', 'sas-xport', 'f.xpt'])).toEqual({ kind: 'file', snapshotId: 's-1', format: 'SAS_XPORT', out: 'f.xpt' });
  });

  it.each([
    [['omop', '--out', 'd'], 'exactly one of --trial'],
    [['omop', '--trial', 'T', '--programme', 'P', '--out', 'd'], 'exactly one of --trial'],
    [['omop', '--trial', 'T'], '--out <dir> is required'],
    [['omop', '--trial', '--out', 'd'], '--trial needs a value'],
    [['omop', '--trial', 'T', '--out', 'd', '--zip', 'x'], 'unknown argument --zip'],
    [['sdtm', '--programme', 'P', '--out', 'd'], 'programme has no SDTM'],
    [['s-1', 'xlsx', 'f'], 'unknown format xlsx'],
    [[], 'expected <format>'],
  ])('refuses %j as a usage error (exit code 2)', (args, message) => {
    expect(() => parseExportArgs(args)).toThrow(UsageError);
    expect(() => parseExportArgs(args)).toThrow(message);
  });
});
