import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { chainHash, contentDigest, PostgresEventStore } from '#event-store';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../../../migrations/data-source.js';
import { cutLogTail } from '../../../../libs/event-store/src/testing/postgres-log-tampering.js';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/test-database.js';
import { AuditSealService } from './audit-seal.service.js';
import { withInclusionProofs } from './audit-proofs.js';
import { verifyExport } from './audit-verify.js';
import { AuditQueries } from './audit.queries.js';
import { FileSealSink, SealJournal } from './seal-journal.js';
import { loadSealSigner, sealKeyId, sealKeysJwks, parseSealPublicKeys, type SealSigner } from './seal-signing.js';
import { forgeSeals, rewriteStream } from './testing/forge-seals.js';

/**
 * Issue 18, "Seals a database superuser cannot rewrite": each test gets its own database, seals it as the app login,
 * then tampers as the database superuser (or with the journal's file), and expects the verifier — online through the
 * port and offline over an export — to say so.
 */
describe('signed audit seals and the seal journal against a database superuser', () => {
  let dataDir: string;
  let signer: SealSigner;
  const opened: { db: TestDatabase; store: PostgresEventStore; ds: DataSource; dir: string }[] = [];

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'registry-seal-key-'));
    signer = await loadSealSigner({ NODE_ENV: 'test', DATA_DIR: dataDir });
  });
  afterEach(async () => {
    for (const o of opened.splice(0)) {
      await o.store.close();
      await o.ds.destroy();
      await o.db.drop();
      rmSync(o.dir, { recursive: true, force: true });
    }
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  /** A fresh log with three seals over pings on two streams; the journal holds all three. */
  const sealedLog = async (withSigner: SealSigner = signer) => {
    const db = await createTestDatabase();
    // As the application runs: the app login, which cannot touch the log except through the append function.
    const store = new PostgresEventStore({ connectionString: db.eventStoreAppUrl });
    const ds = await new DataSource(dataSourceOptions(db.appUrl)).initialize();
    const dir = mkdtempSync(join(tmpdir(), 'registry-journal-'));
    opened.push({ db, store, ds, dir });
    const journal = new SealJournal(new FileSealSink(dir));
    const service = (s: SealSigner | undefined = withSigner) => new AuditSealService(store, undefined, journal, ds, s);
    // A seal covers only the settled prefix of the log (gap-safe readAll): an event stays unsettled while any older
    // transaction of the cluster is open (another test file's database). Each ping waits until it is settled.
    const ping = async (stream: string, n: number): Promise<void> => {
      const id = randomUUID();
      await store.appendToStream(stream, [{ id, type: 'Pinged', data: { n } }], { expectedRevision: 'any' });
      for (const deadline = Date.now() + 60_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 25))) {
        if ((await store.readAll({ maxCount: 10_000 })).some((e) => e.id === id)) return;
      }
      throw new Error(`ping ${id} on ${stream} was not settled within 60 s`);
    };
    const sealer = service();
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 3; i++) await ping(round === 1 ? 'ping-victim' : 'ping-other', round * 10 + i);
      expect((await sealer.seal())?.sequence).toBe(round + 1);
    }
    const exportText = async () => {
      let text = '';
      for await (const line of new AuditQueries(ds, store).exportLines({})) text += `${JSON.stringify(line)}\n`;
      return text;
    };
    const journalLines = () => readFileSync(journal.location, 'utf8').trim().split('\n');
    const offline = async () => verifyExport(await exportText(), await journal.lines(), signer.keys, journal.location);
    return { db, store, ds, journal, service, ping, exportText, journalLines, offline };
  };

  it('signs every seal with the key id, journals each one as a chained, fsynced 0600 line, and a clean log verifies online and offline', async () => {
    const log = await sealedLog();
    const seals = await log.service().seals();
    expect(seals.map((s) => s.kid)).toEqual([signer.key.kid, signer.key.kid, signer.key.kid]);
    expect(seals.every((s) => typeof s.signature === 'string' && s.signature.length > 80)).toBe(true);
    const lines = log.journalLines().map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.seal.sequence, l.seal.chain, l.seal.kid])).toEqual(seals.map((s) => [s.sequence, s.chain, signer.key.kid]));
    expect(lines[0].prev).toBe('0'.repeat(64));
    expect(lines[1].prev).not.toBe(lines[0].prev);
    expect(statSync(log.journal.location).mode & 0o777).toBe(0o600);
    // The development key sits under DATA_DIR/audit, never beside the journal or in the database.
    expect(statSync(join(dataDir, 'audit', 'seal-signing-key.pem')).mode & 0o777).toBe(0o600);
    expect(readFileSync(log.journal.location, 'utf8')).not.toContain('PRIVATE KEY');

    expect(await log.service().verify()).toMatchObject({ ok: true, sealsChecked: 3, eventsCovered: 11, journalEntries: 3, keyIds: [signer.key.kid] });
    expect(await log.offline()).toMatchObject({ ok: true, sealsChecked: 3, eventsCovered: 11, journalEntries: 3 });
    // The public keys travel as a JWKS (npm run audit:public-key) and come back as the same key set.
    expect([...parseSealPublicKeys(JSON.stringify(sealKeysJwks(signer.keys))).keys()]).toEqual([signer.key.kid]);
  });

  it('detects the newest events deleted by the superuser with the append-only trigger disabled (the tail and its seal)', async () => {
    const log = await sealedLog();
    const before = (await log.store.readAll({ maxCount: 10_000 })).at(-1)!.position.prepare;
    for (let i = 0; i < 3; i++) await log.ping('ping-tail', i);
    const seal = await log.service().seal();
    expect(seal?.sequence).toBe(4);
    expect(await cutLogTail(log.db.eventStoreUrl, before + 1n)).toBe(4); // three pings and seal 4's own event
    // The log agrees with itself again: chains hold, seals 1–3 recompute and are signed. Only the journal remembers seal 4.
    expect(await log.store.verify({})).toMatchObject({ ok: true });
    const expected = {
      ok: false,
      sealsChecked: 3,
      firstFailure: { sequence: 4, reason: 'anchored_seal_missing', expected: `seal 4 over 15 events up to position ${seal!.upToPosition}` },
    };
    expect(await log.service().verify()).toMatchObject({ ...expected, anchored: { sequence: 4 } });
    expect(await log.offline()).toMatchObject(expected);
  });

  it('detects a stream rewritten with its hash chain and its seal rows re-made without the registry key', async () => {
    const log = await sealedLog();
    await rewriteStream(log.db.eventStoreUrl, 'ping-victim', (data, revision) => (revision === 1n ? { ...data, n: 999 } : data));
    expect(await log.service().verify()).toMatchObject({ ok: false, firstFailure: { sequence: 2, reason: 'merkle_root_mismatch' } });
    // The attacker recomputes every seal row and signs with a key of their own: the log agrees with itself again.
    const attacker = generateKeyPairSync('ed25519');
    const own = { privateKey: attacker.privateKey, kid: sealKeyId(attacker.publicKey) };
    await forgeSeals(log.db.eventStoreUrl, own);
    expect(await log.store.verify({})).toMatchObject({ ok: true });
    expect(await log.service().verify()).toMatchObject({ ok: false, sealsChecked: 3, firstFailure: { sequence: 1, reason: 'unknown_key', stored: own.kid } });
    // The same, claiming the registry's key id: a forged signature.
    await forgeSeals(log.db.eventStoreUrl, { privateKey: attacker.privateKey, kid: signer.key.kid });
    expect(await log.service().verify()).toMatchObject({ ok: false, firstFailure: { sequence: 1, reason: 'signature_invalid' } });
    expect(await log.offline()).toMatchObject({ ok: false, firstFailure: { sequence: 1, reason: 'signature_invalid' } });
    // Or stripping the signatures: unsigned seals are accepted only before the first signed one, and the journal's are signed.
    await forgeSeals(log.db.eventStoreUrl);
    expect(await log.service().verify()).toMatchObject({ ok: false, firstFailure: { sequence: 2, reason: 'anchored_seal_mismatch' } });
  });

  it('detects, from the journal alone, a stream rewritten with its chain and seal rows re-signed with a stolen key', async () => {
    const log = await sealedLog();
    const original = await log.service().seals();
    await rewriteStream(log.db.eventStoreUrl, 'ping-victim', (data, revision) => (revision === 0n ? { ...data, n: -1 } : data));
    const forged = await forgeSeals(log.db.eventStoreUrl, signer.key);
    // Seal 1 did not cover the victim stream; seal 2 onwards differ. Every seal row recomputes and is validly signed.
    expect(forged[0]!.chain).toBe(original[0]!.chain);
    expect(forged[1]!.chain).not.toBe(original[1]!.chain);
    const expected = {
      ok: false,
      sealsChecked: 3,
      firstFailure: { sequence: 2, reason: 'anchored_seal_mismatch', expected: original[1]!.chain, stored: forged[1]!.chain },
    };
    expect(await log.service().verify()).toMatchObject(expected);
    expect(await log.offline()).toMatchObject(expected);
  });

  it('verifies a filtered export by its inclusion proofs against the journal, and refuses an edited line or a re-sealed rewrite', async () => {
    const log = await sealedLog();
    await log.ping('ping-victim', 50); // after the newest seal: in the tail window, so without a proof
    const provenExport = async () => {
      let text = '';
      const lines = new AuditQueries(log.ds, log.store).exportLines({ streamId: 'ping-victim' });
      for await (const line of withInclusionProofs(lines, log.store, await log.service().seals())) text += `${JSON.stringify(line)}\n`;
      return text;
    };
    const text = await provenExport();
    const lines = text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.revision, l.proof?.seal ?? null, l.proof?.treeSize ?? null])).toEqual([
      ['0', 2, 4],
      ['1', 2, 4],
      ['2', 2, 4],
      ['3', null, null],
    ]);
    const journal = await log.journal.lines();
    expect(await verifyExport(text, journal, signer.keys)).toMatchObject({ ok: true, sealsChecked: 1, eventsCovered: 3, journalEntries: 3 });

    // A line edited, with its hash and the hashes after it recomputed: the file's chain holds, the proof does not.
    const rechained = lines.map((l, i) => (i === 1 ? { ...l, data: { n: 77 } } : { ...l }));
    for (const [i, l] of rechained.entries()) {
      if (i > 0) l.previousHash = rechained[i - 1].hash;
      l.hash = chainHash(l.previousHash, l.streamId, BigInt(l.revision), contentDigest({ id: l.eventId, type: l.type, data: l.data, metadata: l.metadata }));
    }
    const withEdit = rechained.map((l) => JSON.stringify(l)).join('\n');
    expect(await verifyExport(withEdit, journal, signer.keys)).toMatchObject({ ok: false, firstFailure: { sequence: 2, reason: 'inclusion_proof_invalid' } });
    // A sealed line without its proof.
    const { proof: _dropped, ...unproven } = lines[0];
    const withoutProof = [unproven, ...lines.slice(1)].map((l) => JSON.stringify(l)).join('\n');
    expect(await verifyExport(withoutProof, journal, signer.keys)).toMatchObject({ ok: false, firstFailure: { reason: 'inclusion_proof_missing' } });

    // The superuser rewrites the stream and its chain and re-seals with the stolen key: the new proofs lead to roots the journal never signed.
    await rewriteStream(log.db.eventStoreUrl, 'ping-victim', (data, revision) => (revision === 0n ? { ...data, n: -5 } : data));
    await forgeSeals(log.db.eventStoreUrl, signer.key);
    expect(await verifyExport(await provenExport(), journal, signer.keys)).toMatchObject({
      ok: false,
      firstFailure: { sequence: 2, reason: 'inclusion_proof_invalid' },
    });
  });

  it('detects a journal with a line removed, a line edited, or its first line removed', async () => {
    const log = await sealedLog();
    const lines = log.journalLines();
    const write = (l: readonly string[]) => writeFileSync(log.journal.location, `${l.join('\n')}\n`);

    write([lines[0]!, lines[2]!]);
    expect(await log.service().verify()).toMatchObject({ ok: false, firstFailure: { sequence: 3, reason: 'journal_chain_broken' } });
    expect(await log.offline()).toMatchObject({ ok: false, firstFailure: { sequence: 3, reason: 'journal_chain_broken' } });

    const edited = JSON.parse(lines[1]!);
    edited.seal.merkleRoot = 'f'.repeat(64);
    write([lines[0]!, JSON.stringify(edited), lines[2]!]);
    expect(await log.service().verify()).toMatchObject({ ok: false, firstFailure: { sequence: 2, reason: 'journal_seal_chain_mismatch' } });

    // The newest line edited (nothing chains after it): its signature no longer holds.
    const newest = JSON.parse(lines[2]!);
    newest.seal.sealedAt = '2020-01-01T00:00:00.000Z';
    write([lines[0]!, lines[1]!, JSON.stringify(newest)]);
    expect(await log.service().verify()).toMatchObject({ ok: false, firstFailure: { sequence: 3, reason: 'journal_signature_invalid' } });

    write(lines.slice(1));
    expect(await log.offline()).toMatchObject({ ok: false, firstFailure: { sequence: 2, reason: 'journal_chain_broken' } });

    write(lines);
    expect(await log.service().verify()).toMatchObject({ ok: true, journalEntries: 3 });
  });

  it('accepts seals of a rotated-out key while it is among the verify keys, and names an unknown key otherwise', async () => {
    const log = await sealedLog();
    const nextDir = mkdtempSync(join(tmpdir(), 'registry-seal-key-'));
    try {
      const oldPublic = signer.key.publicKey.export({ type: 'spki', format: 'pem' }).toString();
      const rotated = await loadSealSigner({ NODE_ENV: 'test', DATA_DIR: nextDir, AUDIT_SEAL_VERIFY_KEYS: oldPublic });
      expect(rotated.key.kid).not.toBe(signer.key.kid);
      expect([...rotated.keys.keys()]).toEqual([rotated.key.kid, signer.key.kid]);
      await log.ping('ping-other', 100);
      expect(await log.service(rotated).seal()).toMatchObject({ sequence: 4, kid: rotated.key.kid });
      expect(await log.service(rotated).verify()).toMatchObject({ ok: true, sealsChecked: 4, journalEntries: 4 });
      const withoutOld = await loadSealSigner({ NODE_ENV: 'test', DATA_DIR: nextDir });
      expect(await log.service(withoutOld).verify()).toMatchObject({ ok: false, firstFailure: { sequence: 1, reason: 'unknown_key', stored: signer.key.kid } });
    } finally {
      rmSync(nextDir, { recursive: true, force: true });
    }
  });

  it('journals a seal another instance made, and never a seal row that does not continue the journal', async () => {
    const log = await sealedLog();
    // An instance without a journal seals 4 (or the journal write was lost in a crash): the next seal catches up.
    await log.ping('ping-other', 200);
    await new AuditSealService(log.store, undefined, undefined, undefined, signer).seal();
    expect(log.journalLines()).toHaveLength(3);
    await log.ping('ping-other', 201);
    expect((await log.service().seal())?.sequence).toBe(5);
    expect(log.journalLines().map((l) => JSON.parse(l).seal.sequence)).toEqual([1, 2, 3, 4, 5]);
    expect(await log.service().verify()).toMatchObject({ ok: true, journalEntries: 5 });

    // A seal row signed with a foreign key (an attacker's sealer) is never copied into the journal.
    const foreign = await loadSealSigner({ NODE_ENV: 'test', DATA_DIR: join(log.journal.location, '..', 'attacker') });
    await log.ping('ping-other', 202);
    expect((await new AuditSealService(log.store, undefined, undefined, undefined, foreign).seal())?.sequence).toBe(6);
    expect(await log.service().seal()).toBeNull(); // nothing new but seal 6's own event
    expect(log.journalLines()).toHaveLength(5);
    expect(await log.service().verify()).toMatchObject({ ok: false, firstFailure: { sequence: 6, reason: 'unknown_key', stored: foreign.key.kid } });
  });

  it('journals a seal only once its own event is readable in the log, so verify never finds the journal ahead of the log', async () => {
    const log = await sealedLog();
    await log.ping('ping-other', 400);
    // An older transaction still open (anywhere in the cluster) keeps the seal event out of the gap-safe read order.
    const open = new pg.Client({ connectionString: log.db.eventStoreAppUrl });
    await open.connect();
    try {
      await open.query('BEGIN');
      await open.query('SELECT pg_current_xact_id()');
      expect((await log.service().seal(new Date(), { wait: false }))?.sequence).toBe(4);
      expect(log.journalLines()).toHaveLength(3);
      expect(await log.service().verify()).toMatchObject({ ok: true, sealsChecked: 3, journalEntries: 3 });
    } finally {
      await open.query('ROLLBACK');
      await open.end();
    }
    // The next tick (nothing new to seal) journals it.
    expect(await log.service().seal(new Date(), { wait: false })).toBeNull();
    expect(log.journalLines()).toHaveLength(4);
    expect(await log.service().verify()).toMatchObject({ ok: true, sealsChecked: 4, journalEntries: 4 });
  });

  it('lets one sealer at a time seal (advisory lock): a timer tick skips while another instance seals', async () => {
    const log = await sealedLog();
    await log.ping('ping-other', 300);
    const holder = new pg.Client({ connectionString: log.db.appUrl });
    await holder.connect();
    try {
      await holder.query(`SELECT pg_advisory_lock(hashtextextended('registry:audit-sealer', 0))`);
      expect(await log.service().seal(new Date(), { wait: false })).toBeNull();
      const waiting = log.service().seal(new Date(), { wait: true });
      await new Promise((r) => setTimeout(r, 200));
      await holder.query(`SELECT pg_advisory_unlock(hashtextextended('registry:audit-sealer', 0))`);
      expect((await waiting)?.sequence).toBe(4);
    } finally {
      await holder.end();
    }
  });
});
