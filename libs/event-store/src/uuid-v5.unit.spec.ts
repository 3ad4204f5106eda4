import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { v5 } from 'uuid';
import { uuidV5 } from './uuid-v5.js';

describe('uuidV5', () => {
  it('derives the same ids as the uuid package (stored event ids must not change)', () => {
    const names = ['', 'a', 'subject-1:0', `${randomUUID()}:subject-${randomUUID()}`, 'Ünïcödé ✓ 測試', 'x'.repeat(1000)];
    for (let i = 0; i < 200; i++) names.push(`${randomUUID()}:${i}`);
    for (const ns of ['3f0c1c6e-5d43-4a8e-9a43-2b6f1f1f0b7e', '8D1F5A3E-2C6B-4F0A-9E7D-5B4C3A2F1E0D', randomUUID()]) {
      for (const name of names) expect(uuidV5(name, ns)).toBe(v5(name, ns));
    }
  });

  it('refuses a namespace that is not a UUID', () => {
    expect(() => uuidV5('a', 'not-a-uuid')).toThrow('not a UUID');
  });
});
