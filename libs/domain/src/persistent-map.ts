/**
 * An immutable string-keyed map whose `set` shares all but a few nodes with the map it came from (a hash array
 * mapped trie with path copying), so folding n events that each add or change one entry costs O(n log₃₂ n) instead
 * of the O(n²) of copying a plain record per event. Deciders keep their states in it where a stream can grow long
 * (a subject's measurements): every state a fold produced stays valid and unchanged, so a state handed to `decide`
 * or kept in a cache is never altered by a later fold (architecture.md §3: pure deciders).
 *
 * Iteration follows first insertion (a replaced value keeps its place), like a plain record with non-numeric keys.
 */
const BITS = 5;
const WIDTH = 1 << BITS;
const MASK = WIDTH - 1;
/** A 32-bit hash gives six full levels of five bits and two bits more; deeper keys share a collision bucket. */
const MAX_DEPTH = 7;

interface Leaf<V> {
  readonly kind: 'leaf';
  readonly hash: number;
  readonly key: string;
  readonly value: V;
  /** Insertion number, for iteration in insertion order. */
  readonly order: number;
}

interface Bucket<V> {
  readonly kind: 'bucket';
  readonly leaves: readonly Leaf<V>[];
}

interface Branch<V> {
  readonly kind: 'branch';
  readonly slots: readonly (Slot<V> | undefined)[];
}

type Slot<V> = Leaf<V> | Bucket<V> | Branch<V>;

const EMPTY_BRANCH: Branch<never> = Object.freeze({ kind: 'branch', slots: Object.freeze(new Array<undefined>(WIDTH).fill(undefined)) });

/** FNV-1a over UTF-16 code units: fast, well spread for ids. */
function hashOf(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

const indexAt = (hash: number, depth: number): number => (hash >>> (depth * BITS)) & MASK;

function withSlot<V>(branch: Branch<V>, index: number, slot: Slot<V>): Branch<V> {
  const slots = branch.slots.slice();
  slots[index] = slot;
  return { kind: 'branch', slots };
}

/** A branch (or bucket at the bottom) holding two leaves whose hashes agree on every level above `depth`. */
function split<V>(a: Leaf<V>, b: Leaf<V>, depth: number): Slot<V> {
  if (depth >= MAX_DEPTH) return { kind: 'bucket', leaves: [a, b] };
  const ia = indexAt(a.hash, depth);
  const ib = indexAt(b.hash, depth);
  if (ia === ib) return withSlot(EMPTY_BRANCH as Branch<V>, ia, split(a, b, depth + 1));
  return withSlot(withSlot(EMPTY_BRANCH as Branch<V>, ia, a), ib, b);
}

/** The slot with `leaf` put in; `replaced` tells the caller whether the key was there before. */
function insert<V>(slot: Slot<V> | undefined, leaf: Leaf<V>, depth: number, out: { replaced?: Leaf<V> }): Slot<V> {
  if (slot === undefined) return leaf;
  switch (slot.kind) {
    case 'leaf':
      if (slot.key === leaf.key) {
        out.replaced = slot;
        return { ...leaf, order: slot.order };
      }
      return split(slot, leaf, depth);
    case 'bucket': {
      const at = slot.leaves.findIndex((l) => l.key === leaf.key);
      if (at < 0) return { kind: 'bucket', leaves: [...slot.leaves, leaf] };
      out.replaced = slot.leaves[at]!;
      const leaves = slot.leaves.slice();
      leaves[at] = { ...leaf, order: slot.leaves[at]!.order };
      return { kind: 'bucket', leaves };
    }
    case 'branch': {
      const index = indexAt(leaf.hash, depth);
      return withSlot(slot, index, insert(slot.slots[index], leaf, depth + 1, out));
    }
    default: {
      const never: never = slot;
      return never;
    }
  }
}

function find<V>(root: Branch<V>, hash: number, key: string): Leaf<V> | undefined {
  let slot: Slot<V> | undefined = root;
  for (let depth = 0; slot !== undefined; depth++) {
    switch (slot.kind) {
      case 'leaf':
        return slot.key === key ? slot : undefined;
      case 'bucket':
        return slot.leaves.find((l) => l.key === key);
      case 'branch':
        slot = slot.slots[indexAt(hash, depth)];
        break;
      default: {
        const never: never = slot;
        return never;
      }
    }
  }
  return undefined;
}

function collect<V>(slot: Slot<V> | undefined, into: Leaf<V>[]): void {
  if (slot === undefined) return;
  switch (slot.kind) {
    case 'leaf':
      into.push(slot);
      return;
    case 'bucket':
      into.push(...slot.leaves);
      return;
    case 'branch':
      for (const s of slot.slots) collect(s, into);
      return;
    default: {
      const never: never = slot;
      return never;
    }
  }
}

export class PersistentMap<V> implements Iterable<readonly [string, V]> {
  private static readonly EMPTY = new PersistentMap<never>(EMPTY_BRANCH, 0, 0);

  private constructor(
    private readonly root: Branch<V>,
    /** Number of keys. */
    readonly size: number,
    private readonly nextOrder: number,
  ) {
    Object.freeze(this);
  }

  static empty<V>(): PersistentMap<V> {
    return PersistentMap.EMPTY as PersistentMap<V>;
  }

  static of<V>(entries: Iterable<readonly [string, V]>): PersistentMap<V> {
    let map = PersistentMap.empty<V>();
    for (const [key, value] of entries) map = map.set(key, value);
    return map;
  }

  get(key: string): V | undefined {
    return find(this.root, hashOf(key), key)?.value;
  }

  has(key: string): boolean {
    return find(this.root, hashOf(key), key) !== undefined;
  }

  /** A new map with `key` set; this one is unchanged. */
  set(key: string, value: V): PersistentMap<V> {
    const out: { replaced?: Leaf<V> } = {};
    const root = insert(this.root, { kind: 'leaf', hash: hashOf(key), key, value, order: this.nextOrder }, 0, out) as Branch<V>;
    return out.replaced ? new PersistentMap(root, this.size, this.nextOrder) : new PersistentMap(root, this.size + 1, this.nextOrder + 1);
  }

  /** A new map with `key` changed by `change` when present; this same map when absent. */
  update(key: string, change: (value: V) => V): PersistentMap<V> {
    const leaf = find(this.root, hashOf(key), key);
    return leaf ? this.set(key, change(leaf.value)) : this;
  }

  /** Entries in insertion order. O(n log n): for decisions that must look at every entry, not for lookups. */
  entries(): (readonly [string, V])[] {
    const leaves: Leaf<V>[] = [];
    collect(this.root, leaves);
    return leaves.sort((a, b) => a.order - b.order).map((l) => [l.key, l.value] as const);
  }

  values(): V[] {
    return this.entries().map(([, v]) => v);
  }

  keys(): string[] {
    return this.entries().map(([k]) => k);
  }

  [Symbol.iterator](): Iterator<readonly [string, V]> {
    return this.entries()[Symbol.iterator]();
  }

  /** A plain record of the entries (for read models, tests and logs). */
  toRecord(): Record<string, V> {
    const out: Record<string, V> = {};
    for (const [k, v] of this.entries()) Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
    return out;
  }

  /** Deep equality in tests compares content, not trie shape. */
  toJSON(): Record<string, V> {
    return this.toRecord();
  }
}
