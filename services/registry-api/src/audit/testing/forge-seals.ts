import { chainHash, contentDigest, GENESIS_HASH, parsePosition, PostgresEventStore, START, type JsonObject, type Position } from '#event-store';
import { rewriteStoredEvent } from '../../../../../libs/event-store/src/testing/postgres-log-tampering.js';
import { SEAL_CATEGORY, SEAL_EVENT } from '../audit-seal.service.js';
import { leafHash, MerkleAccumulator, sealChain } from '../merkle.js';
import { signSeal, type SealSigningKey } from '../seal-signing.js';
import { GENESIS_CHAIN, type SealData } from '../seal-verification.js';

/**
 * What a database superuser does after rewriting a stream and its hash chain, so that the log agrees with its own
 * seals again: recompute every seal row in order (each seal's event lies inside the next seal's range, so it is
 * rewritten before the next root is taken), and sign it with whatever key the attacker has — their own, or the
 * registry's if they stole it (`kid` lets a test claim the registry's key id with another key: a forged signature).
 * Unsigned when no key is given. Works on the PostgreSQL adapter as the owner (`ownerUrl`).
 */
export async function forgeSeals(ownerUrl: string, key?: Pick<SealSigningKey, 'privateKey' | 'kid'>): Promise<SealData[]> {
  const store = new PostgresEventStore({ connectionString: ownerUrl, poolSize: 1 });
  try {
    const sealEvents = (await store.readAll({ maxCount: 100_000, filter: { streamCategories: [SEAL_CATEGORY], eventTypes: [SEAL_EVENT] } })).sort(
      (a, b) => (a.data['sequence'] as number) - (b.data['sequence'] as number),
    );
    const forged: SealData[] = [];
    let chain = GENESIS_CHAIN;
    let after: Position = START;
    for (const sealEvent of sealEvents) {
      const old = sealEvent.data as unknown as SealData;
      const upTo = parsePosition(old.upTo);
      const acc = new MerkleAccumulator();
      for (const e of await store.readAll({ after, maxCount: 100_000 })) {
        if (e.position.commit > upTo.commit || (e.position.commit === upTo.commit && e.position.prepare > upTo.prepare)) break;
        acc.add(leafHash(e));
      }
      const merkleRoot = acc.root();
      const unsigned: SealData = {
        sequence: old.sequence,
        upTo: old.upTo,
        upToPosition: old.upToPosition,
        eventCount: acc.count,
        merkleRoot,
        chain: sealChain(chain, old.sequence, old.upTo, merkleRoot, acc.count),
        algorithm: old.algorithm,
        sealedAt: old.sealedAt,
      };
      const seal: SealData = key ? signSeal(unsigned, key) : unsigned;
      const data = { ...seal } as unknown as JsonObject;
      await rewriteStoredEvent(
        ownerUrl,
        sealEvent.id,
        data,
        chainHash(GENESIS_HASH, sealEvent.streamId, 0n, contentDigest({ id: sealEvent.id, type: sealEvent.type, data, metadata: sealEvent.metadata })),
      );
      forged.push(seal);
      chain = seal.chain;
      after = upTo;
    }
    return forged;
  } finally {
    await store.close();
  }
}

/** Changes one field of a stream's event and recomputes that stream's hash chain, as the owner (triggers off). */
export async function rewriteStream(ownerUrl: string, streamId: string, change: (data: JsonObject, revision: bigint) => JsonObject): Promise<void> {
  const store = new PostgresEventStore({ connectionString: ownerUrl, poolSize: 1 });
  try {
    let previous = GENESIS_HASH;
    for (const e of await store.readStream(streamId)) {
      const data = change(e.data, e.revision);
      const hash = chainHash(previous, streamId, e.revision, contentDigest({ id: e.id, type: e.type, data, metadata: e.metadata }));
      await rewriteStoredEvent(ownerUrl, e.id, data, hash);
      previous = hash;
    }
  } finally {
    await store.close();
  }
}
