import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import semver from 'semver';

// The README's stated Node.js minimum, package.json's engines and every locked dependency's engines must agree:
// a newcomer who installs the stated minimum must not get EBADENGINE warnings from `npm ci`.
const read = (file: string) => readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8');
const pkg = JSON.parse(read('package.json')) as { engines: { node: string } };
const lock = JSON.parse(read('package-lock.json')) as { packages: Record<string, { engines?: { node?: string } | string[]; dev?: boolean }> };
const minimum = semver.minVersion(pkg.engines.node)!;

describe('Node.js version: README, package.json and the dependency tree agree', () => {
  it('states in the README the minimum that package.json declares', () => {
    const stated = /Node\.js (\d+\.\d+)\+/.exec(read('README.md'))?.[1];
    expect(stated).toBeDefined();
    expect(semver.coerce(stated)!.version).toBe(minimum.version);
  });

  it('installs no locked package whose engines exclude that minimum', () => {
    const refusing = Object.entries(lock.packages)
      .filter(([path]) => path !== '')
      .flatMap(([path, entry]) => {
        const range = Array.isArray(entry.engines) ? undefined : entry.engines?.node;
        return range && semver.validRange(range) && !semver.satisfies(minimum, range) ? [`${path.replace(/^.*node_modules\//, '')} needs ${range}`] : [];
      });
    expect(refusing).toEqual([]);
  });
});
