import { hash } from 'node:crypto';

const namespaces = new Map<string, Buffer>();

/** A hex digit (by char code) with its top two bits set to the RFC 9562 variant 10: 0-3 → 8-b, 4-7 → 8-b, … */
const VARIANT_DIGIT: readonly string[] = (() => {
  const digits: string[] = [];
  for (let v = 0; v < 16; v++) digits[v.toString(16).charCodeAt(0)] = ((v & 0x3) | 0x8).toString(16);
  return digits;
})();

function namespaceBytes(namespace: string): Buffer {
  let bytes = namespaces.get(namespace);
  if (!bytes) {
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(namespace)) throw new TypeError(`not a UUID: ${namespace}`);
    bytes = Buffer.from(namespace.replace(/-/g, ''), 'hex');
    namespaces.set(namespace, bytes);
  }
  return bytes;
}

/**
 * RFC 9562 UUIDv5 (SHA-1 of namespace and UTF-8 name), the same ids as `uuid`'s v5, which derives every event id of a
 * command: that package rebuilds the namespace's bytes and copies the name byte by byte on each call, and a batch of
 * hundreds of items derives several ids per item.
 */
export function uuidV5(name: string, namespace: string): string {
  const ns = namespaceBytes(namespace);
  const input = Buffer.allocUnsafe(16 + Buffer.byteLength(name, 'utf8'));
  ns.copy(input);
  input.write(name, 16, 'utf8');
  // One-shot hash straight to hex: no Hash object, no digest buffer to patch and format per id.
  const h = hash('sha1', input, 'hex');
  // Version 5 in the 13th digit; the variant (10xx) in the top bits of the 17th.
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${VARIANT_DIGIT[h.charCodeAt(16)]}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
