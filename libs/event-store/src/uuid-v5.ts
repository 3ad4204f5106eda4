import { hash } from 'node:crypto';

const namespaces = new Map<string, Buffer>();

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
  // One-shot hash: no Hash object per id.
  const h = hash('sha1', input, 'buffer');
  h[6] = (h[6]! & 0x0f) | 0x50;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const hex = h.toString('hex', 0, 16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
