import { generateKeyPairSync } from 'node:crypto';
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { ConfigError } from '#runtime';
import { FileSealSink, SealJournal } from './seal-journal.js';
import { checkSealSignature, checkSealSigningKey, loadSealSigner, parseSealPublicKeys, sealKeyId, sealKeysJwks, signSeal } from './seal-signing.js';
import { verifyJournal, type AnchoredSeal } from './seal-verification.js';
import { sealChain } from './merkle.js';

const pair = () => {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return { privateKey, publicKey, kid: sealKeyId(publicKey) };
};

const base = {
  sequence: 1,
  upTo: '5.5',
  upToPosition: '5',
  eventCount: 5,
  merkleRoot: 'a'.repeat(64),
  chain: 'b'.repeat(64),
  algorithm: 'rfc6962-sha256/v1' as const,
  sealedAt: '2026-12-03T18:00:00.000Z',
};

describe('seal signatures', () => {
  const key = pair();
  const keys = new Map([[key.kid, key.publicKey]]);

  it('verifies a signed seal, and refuses it once any stated field or the key id changes', () => {
    const signed = signSeal(base, key);
    expect(signed.kid).toBe(key.kid);
    expect(checkSealSignature(signed, keys)).toBe('valid');
    for (const change of [
      { sequence: 2 },
      { upTo: '5.6' },
      { upToPosition: '6' },
      { eventCount: 4 },
      { merkleRoot: 'c'.repeat(64) },
      { chain: 'd'.repeat(64) },
      { sealedAt: '2026-12-03T18:00:01.000Z' },
    ]) {
      expect(checkSealSignature({ ...signed, ...change }, keys)).toBe('bad_signature');
    }
    const other = pair();
    expect(checkSealSignature({ ...signed, kid: other.kid }, new Map([...keys, [other.kid, other.publicKey]]))).toBe('bad_signature');
    expect(checkSealSignature(signed, new Map())).toBe('unknown_key');
    expect(checkSealSignature(base, keys)).toBe('unsigned');
    expect(checkSealSignature({ ...signed, signature: 'not base64!' }, keys)).toBe('bad_signature');
  });

  it('reads public keys as SPKI PEM blocks, a private PEM, a JWK, a JWKS or an array, each under its own thumbprint', () => {
    const other = pair();
    const pem = (k: typeof key) => k.publicKey.export({ type: 'spki', format: 'pem' }).toString();
    expect([...parseSealPublicKeys(pem(key)).keys()]).toEqual([key.kid]);
    expect([...parseSealPublicKeys(`${pem(key)}\n${pem(other)}`).keys()]).toEqual([key.kid, other.kid]);
    expect([...parseSealPublicKeys(key.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()).keys()]).toEqual([key.kid]);
    const jwks = sealKeysJwks(new Map([[key.kid, key.publicKey]]));
    expect([...parseSealPublicKeys(JSON.stringify(jwks)).keys()]).toEqual([key.kid]);
    expect([...parseSealPublicKeys(JSON.stringify(jwks.keys)).keys()]).toEqual([key.kid]);
    // A JWK claiming another key's kid is indexed by its own thumbprint.
    expect([...parseSealPublicKeys(JSON.stringify({ ...jwks.keys[0], kid: other.kid })).keys()]).toEqual([key.kid]);
    expect(() => parseSealPublicKeys('nothing here')).toThrow(ConfigError);
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    expect(() => parseSealPublicKeys(ec)).toThrow(/AUDIT_SEAL_VERIFY_KEYS: must be an Ed25519 key/);
  });

  it('refuses production without AUDIT_SEAL_SIGNING_KEY and a malformed key anywhere, naming the variable and never the key', () => {
    expect(() => checkSealSigningKey({ NODE_ENV: 'production' })).toThrow(/^AUDIT_SEAL_SIGNING_KEY: is required in production/);
    expect(() => checkSealSigningKey({ NODE_ENV: 'development', AUDIT_SEAL_SIGNING_KEY: 'secret-but-not-a-key' })).toThrow(
      expect.objectContaining({ variable: 'AUDIT_SEAL_SIGNING_KEY', message: expect.not.stringContaining('secret-but-not-a-key') }),
    );
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    expect(() => checkSealSigningKey({ NODE_ENV: 'production', AUDIT_SEAL_SIGNING_KEY: ec })).toThrow(/must be an Ed25519 key/);
  });

  it('uses AUDIT_SEAL_SIGNING_KEY when set, else one development key file kept across loads', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'registry-seal-unit-'));
    try {
      const first = await loadSealSigner({ NODE_ENV: 'development', DATA_DIR: dir });
      const again = await loadSealSigner({ NODE_ENV: 'development', DATA_DIR: dir });
      expect([first.key.source, again.key.kid]).toEqual(['file', first.key.kid]);
      const configured = await loadSealSigner({
        NODE_ENV: 'production',
        DATA_DIR: dir,
        AUDIT_SEAL_SIGNING_KEY: key.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
        AUDIT_SEAL_VERIFY_KEYS: first.key.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      });
      expect([configured.key.source, configured.key.kid, [...configured.keys.keys()]]).toEqual(['environment', key.kid, [key.kid, first.key.kid]]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the seal journal file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'registry-journal-unit-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const key = pair();
  const keys = new Map([[key.kid, key.publicKey]]);
  const seal = (sequence: number, previousChain: string, eventsCovered: number): AnchoredSeal => {
    const upTo = `${sequence * 10}.${sequence * 10}`;
    const merkleRoot = String(sequence).repeat(64).slice(0, 64);
    return {
      ...signSeal(
        {
          ...base,
          sequence,
          upTo,
          upToPosition: String(sequence * 10),
          merkleRoot,
          eventCount: 2,
          chain: sealChain(previousChain, sequence, upTo, merkleRoot, 2),
        },
        key,
      ),
      eventsCovered,
    };
  };

  it('chains each line to the previous, skips a repeat, and drops a torn last line before the next append', async () => {
    const journal = new SealJournal(new FileSealSink(dir));
    const s1 = seal(1, '0'.repeat(64), 2);
    const s2 = seal(2, s1.chain, 4);
    await journal.record(s1);
    await journal.record(s1);
    await journal.record(s2);
    expect(verifyJournal(await journal.lines(), keys)).toMatchObject({ ok: true, entries: [{ sequence: 1 }, { sequence: 2 }] });
    // A crash mid-write leaves half a line without its newline: readers ignore it, the next append cuts it off.
    appendFileSync(journal.location, '{"prev":"abc","seal":{"seq');
    expect((await journal.lines()).length).toBe(2);
    expect((await journal.latest())?.sequence).toBe(2);
    await journal.record(seal(3, s2.chain, 6));
    expect(readFileSync(journal.location, 'utf8')).not.toContain('"seq"');
    expect(verifyJournal(await journal.lines(), keys)).toMatchObject({ ok: true, entries: [{ sequence: 1 }, { sequence: 2 }, { sequence: 3 }] });
  });
});
