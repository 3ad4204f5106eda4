import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { runBiostatMethod } from './biostat.dispatch.js';
import { aml } from './testing/r-datasets.js';

// The first test runs the real npm script (compile + node) as a validator would from a fresh clone; the error
// cases then reuse the script it compiled, so the file does not pay for five more compilations.
function biostat(method: string, stdin: string, viaNpm = false) {
  const [command, args] = viaNpm ? ['npm', ['run', '--silent', 'biostat', '--', method]] : [process.execPath, ['dist/libs/biostat/src/biostat.cli.js', method]];
  const r = spawnSync(command, args, { input: stdin, encoding: 'utf8', cwd: process.cwd(), timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('npm run --silent biostat -- <method>', () => {
  it('writes exactly one JSON object on stdout, equal to the in-process result', () => {
    const input = { time: aml.time, event: aml.event, group: aml.group };
    const r = biostat('logrank', JSON.stringify(input), true);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout.endsWith('}\n')).toBe(true);
    expect(JSON.parse(r.stdout)).toEqual(runBiostatMethod('logrank', input));
  });

  it.each([
    ['malformed JSON', 'km', '{"time": [1, 2'],
    ['an unknown method', 'anova', '{}'],
    ['unequal lengths', 'km', '{"time": [1, 2], "event": [1]}'],
    ['a label other than 0/1', 'roc', '{"score": [1, 2, 3, 4], "label": [0, 1, 2, 1]}'],
    ['a non-number', 'wilson', '{"x": "4", "n": 20}'],
  ])('%s: non-zero exit, nothing on stdout, one line on stderr', (_, method, stdin) => {
    const r = biostat(method, stdin);
    expect(r.status).not.toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^biostat: [A-Z_]+: [^\n]+\n$/);
  });
});
