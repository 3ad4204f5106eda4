import { describe, expect, it } from '@jest/globals';
import { projections } from '#projections';
import { parseRebuildArguments } from './rebuild-arguments.js';

describe('projections:rebuild arguments', () => {
  const all = projections();

  it('rebuilds every projection from the start unless told otherwise', () => {
    const { chosen, resume } = parseRebuildArguments([], all);
    expect(chosen.map((p) => p.name)).toEqual(all.map((p) => p.name));
    expect(resume).toBe(false);
  });

  it('takes named projections and --resume in any order', () => {
    const { chosen, resume } = parseRebuildArguments(['subjects', '--resume', 'trials'], all);
    expect(chosen.map((p) => p.name).sort()).toEqual(['subjects', 'trials']);
    expect(resume).toBe(true);
  });

  it('refuses an unknown option or projection, naming it and what is known', () => {
    expect(() => parseRebuildArguments(['--resmue'], all)).toThrow('unknown option(s) --resmue; known: --resume');
    expect(() => parseRebuildArguments(['subject'], all)).toThrow(/unknown projection\(s\) subject; known: .*subjects/);
  });
});
