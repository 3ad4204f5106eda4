// Sorting indices by a numeric key is the dominant cost of the survival methods at 100,000 subjects: a comparator
// sort of an index array is O(n log n) calls into JavaScript. An LSD radix sort over the IEEE-754 bits is O(n)
// and stable, so ties keep index order exactly as the comparator `(a, b) => v[a] - v[b] || a - b` does.

/** Below this size the comparator sort is faster than clearing the radix histograms. */
const RADIX_THRESHOLD = 512;
const DIGITS = 4;
const RADIX = 1 << 16;

/**
 * Indices 0..n−1 by ascending value, ties by ascending index. The values must be finite numbers (callers validate);
 * −0 and +0 are tied, as `a − b` treats them.
 */
export function stableOrder(values: ArrayLike<number>): Uint32Array {
  const n = values.length;
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  if (n < RADIX_THRESHOLD) return order.sort((a, b) => (values[a] as number) - (values[b] as number) || a - b);

  // Map each double to 64 unsigned bits whose order is the numeric order: flip the sign bit of positives,
  // all bits of negatives. Adding 0 turns −0 into +0 first.
  const keys = new Float64Array(n);
  for (let i = 0; i < n; i++) keys[i] = (values[i] as number) + 0;
  const words = new Uint32Array(keys.buffer);
  const little = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
  const lo = new Uint32Array(n);
  const hi = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    let h = words[little ? 2 * i + 1 : 2 * i] as number;
    let l = words[little ? 2 * i : 2 * i + 1] as number;
    if (h >>> 31) {
      h = ~h >>> 0;
      l = ~l >>> 0;
    } else h = (h | 0x80000000) >>> 0;
    hi[i] = h;
    lo[i] = l;
  }

  const counts = new Uint32Array(DIGITS * RADIX);
  for (let i = 0; i < n; i++) {
    const l = lo[i] as number;
    const h = hi[i] as number;
    counts[l & 0xffff]++;
    counts[RADIX + (l >>> 16)]++;
    counts[2 * RADIX + (h & 0xffff)]++;
    counts[3 * RADIX + (h >>> 16)]++;
  }
  let from = order;
  let to = new Uint32Array(n);
  for (let d = 0; d < DIGITS; d++) {
    const base = d * RADIX;
    // A digit shared by every key leaves the order unchanged: skip the pass (typical for the high bits).
    let single = false;
    let offset = 0;
    for (let b = 0; b < RADIX; b++) {
      const c = counts[base + b] as number;
      if (c === n) {
        single = true;
        break;
      }
      counts[base + b] = offset;
      offset += c;
    }
    if (single) continue;
    const word = d < 2 ? lo : hi;
    const shift = d % 2 === 0 ? 0 : 16;
    for (let k = 0; k < n; k++) {
      const s = from[k] as number;
      const digit = ((word[s] as number) >>> shift) & 0xffff;
      to[counts[base + digit] as number] = s;
      counts[base + digit]++;
    }
    const swap = from;
    from = to;
    to = swap;
  }
  return from;
}

/**
 * Starts of the runs of equal values along an order (plus n at the end): run g spans positions
 * [starts[g], starts[g + 1]) of `order`.
 */
export function runStarts(values: ArrayLike<number>, order: Uint32Array): Uint32Array {
  const n = order.length;
  const starts: number[] = [];
  for (let k = 0; k < n; k++) {
    if (k === 0 || values[order[k] as number] !== values[order[k - 1] as number]) starts.push(k);
  }
  starts.push(n);
  return Uint32Array.from(starts);
}
