import { v5 as uuidv5 } from 'uuid';

/** Namespace of every id the seed derives, so a second run with the same --seed replays instead of duplicating. */
const SEED_NAMESPACE = '5a0c4f5e-61c9-4b0b-9d0e-7f3f2c9b1a10';

/** A deterministic id for a seed path (e.g. `7:subject:12:measurement:W6:SMA`). */
export function seedId(...parts: (string | number)[]): string {
  return uuidv5(parts.join(':'), SEED_NAMESPACE);
}

/**
 * Small, fast PRNG (mulberry32) with the draws the seed needs. Every subject gets its own stream derived from
 * (seed, kind, index), so the data do not depend on the order in which concurrent workers run.
 */
export class SeedRandom {
  private state: number;

  constructor(...key: (string | number)[]) {
    // FNV-1a over the key: stable across runs and platforms.
    let h = 0x811c9dc5;
    for (const ch of key.join('|')) {
      h ^= ch.charCodeAt(0);
      h = Math.imul(h, 0x01000193);
    }
    this.state = h >>> 0;
  }

  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }

  /** Normal draw (Box–Muller). */
  normal(mean: number, sd: number): number {
    const u = Math.max(this.next(), 1e-12);
    const v = this.next();
    return mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
}

export function addDays(isoDate: string, days: number): string {
  const d = new Date(`${isoDate}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

export function round1(x: number): number {
  return Math.round(x * 10) / 10;
}
