/**
 * npm run bench:privacy — what one erasure costs now that it rotates a key-encryption key (issue 12 §1), for
 * BENCH_SUBJECTS (default 20,000) subjects with a data key, next to its baseline in the same run: the same key ring
 * with ONE bucket, i.e. "re-wrap every remaining key on every erasure". The erasures of the two alternate, so
 * machine noise hits both alike. Each erasure: delete the key, write the next ring file (fsync), re-wrap the bucket's
 * keys, commit, destroy the old file. Durable PostgreSQL settings (fsync on), as in production.
 * Prints a table on stderr and, as the last stdout line, the JSON summary.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { dataSourceOptions, runMigrations } from '../../../migrations/data-source.js';
import { ensureDatabase, startEmbeddedDatabase } from '#runtime';
import { DEFAULT_BUCKETS, KeyRing } from '../../../services/registry-api/src/privacy/key-ring.js';
import { loadMasterKey } from '../../../services/registry-api/src/privacy/master-key.js';
import { PersonalDataVault } from '../../../services/registry-api/src/privacy/personal-data-vault.js';
import { newDataKey } from '../../../services/registry-api/src/privacy/privacy-crypto.js';
import { formatRatio, formatTable, percentile, ratio, round, summaryLine } from '../bench-harness.js';

const SUBJECTS = Number(process.env['BENCH_SUBJECTS'] ?? 20_000);
const ERASURES = Number(process.env['BENCH_ERASURES'] ?? 20);

interface Variant {
  readonly name: string;
  readonly buckets: number;
  readonly ds: DataSource;
  readonly vault: PersonalDataVault;
  readonly ms: number[];
}

async function variant(adminUrl: string, dir: string, name: string, buckets: number): Promise<Variant> {
  const url = await ensureDatabase(adminUrl, name);
  await runMigrations(url);
  const ds = await new DataSource(dataSourceOptions(url, { extra: { max: 4 } })).initialize();
  const master = await loadMasterKey({ NODE_ENV: 'development', DATA_DIR: join(dir, name) });
  const ring = await KeyRing.open(ds, master, join(dir, name, 'privacy', 'keyring'), buckets);
  // Seeded in bulk with the ring's own wrapping (the command path would take minutes for nothing measured).
  const state = (await ring.state(ds.manager))!;
  for (let from = 0; from < SUBJECTS; from += 5_000) {
    const ids = Array.from({ length: Math.min(5_000, SUBJECTS - from) }, (_, i) => `bench-subject-${from + i}`);
    const rows = await ring.useRequired(state, (r) => ids.map((id) => ({ id, ...ring.wrapSubjectKey(r, id, newDataKey()) })));
    await ds.query(
      `INSERT INTO privacy.subject_keys (subject_id, wrapped_key, kek_bucket, kek_version) SELECT * FROM unnest($1::text[], $2::bytea[], $3::int[], $4::bigint[])`,
      [rows.map((r) => r.id), rows.map((r) => r.wrapped), rows.map((r) => r.bucket), rows.map((r) => r.version)],
    );
  }
  await ds.query(`VACUUM ANALYZE privacy.subject_keys`);
  return { name, buckets, ds, vault: new PersonalDataVault(ds, ring), ms: [] };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'registry-bench-erasure-'));
  chmodSync(dir, 0o777); // under root the server runs as an unprivileged user that must reach its data directory
  const server = await startEmbeddedDatabase({ dataDir: join(dir, 'data'), persistent: false });
  const variants: Variant[] = [];
  try {
    variants.push(await variant(server.url, dir, 'erasure_buckets', DEFAULT_BUCKETS));
    variants.push(await variant(server.url, dir, 'erasure_one_kek', 1));
    // One unmeasured erasure each warms plans and caches.
    for (const v of variants) await v.vault.erase(`bench-subject-${SUBJECTS - 1}`);
    for (let i = 0; i < ERASURES; i++) {
      for (const v of i % 2 === 0 ? variants : [...variants].reverse()) {
        const t0 = performance.now();
        const { keyDestroyed } = await v.vault.erase(`bench-subject-${i * 7}`);
        v.ms.push(performance.now() - t0);
        if (!keyDestroyed) throw new Error(`${v.name}: subject ${i * 7} had no key`);
      }
    }
    const stats = variants.map((v) => {
      const sorted = [...v.ms].sort((a, b) => a - b);
      return {
        name: v.name,
        buckets: v.buckets,
        rewrappedPerErasure: Math.round(SUBJECTS / v.buckets),
        p50: round(percentile(sorted, 50), 2),
        p99: round(percentile(sorted, 99), 2),
      };
    });
    const [ours, baseline] = stats as [(typeof stats)[0], (typeof stats)[0]];
    process.stderr.write(
      `${formatTable(
        [
          { header: 'variant' },
          { header: 'buckets', align: 'right' },
          { header: 'keys re-wrapped / erasure', align: 'right' },
          { header: 'p50 ms', align: 'right' },
          { header: 'p99 ms', align: 'right' },
        ],
        stats.map((s) => [s.name, String(s.buckets), String(s.rewrappedPerErasure), s.p50.toFixed(2), s.p99.toFixed(2)]),
      )}\nbaseline / ours (p50): ${formatRatio(ratio(baseline.p50, ours.p50))}\n`,
    );
    process.stdout.write(
      `${summaryLine({ bench: 'privacy-erasure', subjects: SUBJECTS, erasures: ERASURES, ours, baseline, baselineOverOursP50: round(ratio(baseline.p50, ours.p50) ?? 0, 2) })}\n`,
    );
  } finally {
    for (const v of variants) await v.ds.destroy();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
