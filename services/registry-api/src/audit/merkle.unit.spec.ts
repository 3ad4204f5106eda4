import { createHash } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { inclusionPath, MerkleAccumulator, rootFromInclusionPath } from './merkle.js';

const leaf = (i: number) => createHash('sha256').update(`leaf ${i}`).digest();

describe('RFC 6962 inclusion proofs', () => {
  it('lead every leaf of trees of 1 to 40 leaves to the streaming root, and nothing else does', () => {
    for (let n = 1; n <= 40; n++) {
      const leaves = Array.from({ length: n }, (_, i) => leaf(i));
      const acc = new MerkleAccumulator();
      leaves.forEach((l) => acc.add(l));
      const root = acc.root();
      for (let i = 0; i < n; i++) {
        const path = inclusionPath(leaves, i);
        expect(path.length).toBeLessThanOrEqual(Math.ceil(Math.log2(n)));
        expect(rootFromInclusionPath(leaves[i]!, i, n, path)).toBe(root);
        // Another leaf, another index or a changed sibling never leads to the same root.
        expect(rootFromInclusionPath(leaf(1000), i, n, path)).not.toBe(root);
        if (n > 1) expect(rootFromInclusionPath(leaves[i]!, (i + 1) % n, n, path)).not.toBe(root);
        if (path.length > 0) expect(rootFromInclusionPath(leaves[i]!, i, n, ['00'.repeat(32), ...path.slice(1)])).not.toBe(root);
      }
    }
  });

  it('refuses an index outside the tree and a path too long for it', () => {
    expect(rootFromInclusionPath(leaf(0), 1, 1, [])).toBeUndefined();
    expect(rootFromInclusionPath(leaf(0), -1, 4, [])).toBeUndefined();
    expect(rootFromInclusionPath(leaf(0), 0, 1, ['00'.repeat(32)])).toBeUndefined();
  });
});
