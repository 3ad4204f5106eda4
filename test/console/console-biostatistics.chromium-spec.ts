import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import AxeBuilder from '@axe-core/playwright';
import { chromium, type Browser } from 'playwright-core';
import pg from 'pg';
import { startRegistry, type RunningRegistry } from '../../services/registry-api/src/bootstrap.js';
import { issueLocalToken } from '../../services/registry-api/src/auth/local-signing-key.js';
import { type AppConfig, loadConfig } from '#runtime';
import { fillAnalytics, fillIds } from '../bench/analytics/analytics-fill.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { postGraphql } from '../support/graphql-client.js';

/**
 * The Biostatistics page's four plots in a real browser: ROC and KM as before, the Bland–Altman plot of the index
 * test against a second reader and the forest plot of the multivariable Cox model once a covariate is chosen. The
 * cohort is the analytics fixture written with SQL (test/bench/analytics/analytics-fill.ts: AI readings for every
 * subject, a reader's for odd ones, deaths whose hazard falls with the value), plus a second biomarker as covariate.
 */
const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SHOTS = join(ROOT, 'artefacts', 'console');
const ids = fillIds('BIO');
const COVARIATE = 'BIO-GRIP';

describe('the Biostatistics page in headless Chromium', () => {
  let db: TestDatabase;
  let dataDir: string;
  let config: AppConfig;
  let registry: RunningRegistry;
  let browser: Browser;
  let origin: string;
  let sql: pg.Client;

  beforeAll(async () => {
    if (!existsSync(join(ROOT, 'dist', 'console', 'index.html')))
      throw new Error('dist/console is missing: run `npm run test:console` (it builds the console)');
    await mkdir(SHOTS, { recursive: true });
    db = await createTestDatabase();
    dataDir = await mkdtemp(join(tmpdir(), 'registry-console-biostat-'));
    config = loadConfig({
      ...db.appEnv,
      PORT: '0',
      LOG_LEVEL: 'silent',
      DATA_DIR: dataDir,
      PROJECTOR: 'embedded',
      RATE_LIMIT_PER_MINUTE: '100000',
      AUDIT_SEAL_INTERVAL_SECONDS: '0',
    });
    registry = await startRegistry(config);
    origin = registry.url.replace(/\/graphql$/, '');
    const admin = await issueLocalToken(config, { sub: 'adele-admin', role: 'admin' });
    for (const [biomarkerId, name] of [
      [ids.biomarkerId, 'Skeletal muscle index'],
      [COVARIATE, 'Grip strength'],
    ] as const) {
      const res = await postGraphql(registry.url, admin, `mutation($input: DefineBiomarkerInput!) { defineBiomarker(input: $input) { id } }`, {
        input: {
          commandId: randomUUID(),
          biomarkerId,
          code: biomarkerId.replace(/-/g, '_'),
          name,
          modality: 'CT',
          valueType: { kind: 'QUANTITATIVE', unit: 'cm2', plausibleRange: { min: 0, max: 1000 } },
        },
      });
      if (res.errors) throw new Error(`defineBiomarker: ${JSON.stringify(res.errors)}`);
    }
    sql = new pg.Client({ connectionString: db.url });
    await sql.connect();
    // Each projection truncates its tables when it first starts (no checkpoint yet): write the fixture after that,
    // and after the two biomarkers are in the catalogue the page lists.
    for (let i = 0; ; i++) {
      const status = await postGraphql(registry.url, admin, `{ registryStatus { projections { name } } biomarkers(first: 10) { nodes { id } } }`);
      const names: string[] = (status.data?.registryStatus.projections ?? []).map((p: { name: string }) => p.name);
      const { rows } = await sql.query(`SELECT count(DISTINCT name)::int AS n FROM read_model.projection_checkpoints WHERE name = ANY($1)`, [names]);
      if (names.includes('subjects') && rows[0].n === names.length && status.data?.biomarkers.nodes.length === 2) break;
      if (i > 400) throw new Error(`projections did not start: ${JSON.stringify(status)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    await fillAnalytics((text, params) => sql.query(text, params as unknown[]), { prefix: 'BIO', subjects: 120, readings: 200 });
    // The covariate: a second biomarker measured on the same scans by the same AI version (so the index test's
    // reading selects it), independent of the first.
    const columns =
      'measurement_id, version, position, subject_id, trial_id, programme_id, biomarker_id, biomarker_version, value_kind, value, unit, original_value, original_unit, study_instance_uid, time_point, method, algorithm_version_id, reader_id, occurred_at, recorded_at, version_recorded_at, superseded_at, correction_count, retracted, arm_code, subject_site_id';
    await sql.query(
      `INSERT INTO read_model.measurements (${columns})
         SELECT measurement_id || '-G', version, position + 100000, subject_id, trial_id, programme_id, $2, biomarker_version, value_kind, 20 + ((hashtext(subject_id) % 1000 + 1000) % 1000) / 50.0, unit, 20 + ((hashtext(subject_id) % 1000 + 1000) % 1000) / 50.0, original_unit, study_instance_uid, time_point, method, algorithm_version_id, reader_id, occurred_at, recorded_at, version_recorded_at, superseded_at, correction_count, retracted, arm_code, subject_site_id
           FROM read_model.measurements WHERE biomarker_id = $1 AND algorithm_version_id IS NOT NULL`,
      [ids.biomarkerId, COVARIATE],
    );
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-dev-shm-usage'],
    });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await sql?.end();
    await registry?.stop();
    await db?.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('a biostatistician sees the ROC, KM, Bland–Altman and forest plots load as SVG, and the page passes axe', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, baseURL: origin });
    const page = await context.newPage();
    await page.goto('/console/');
    await page.locator('#role').selectOption('biostatistician');
    await page.locator('#sub').fill('bea-biostat');
    await page.locator('#trials').fill(ids.trialId);
    await page.locator('#programmes').fill('*');
    await page.locator('#sites').fill('*');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByTestId('who').waitFor();
    await page.getByRole('link', { name: 'Validation study' }).click();
    await page.locator('#vs-biomarker').selectOption(ids.biomarkerId);
    await page.locator('#vs-timepoint').fill('baseline');
    await page.locator('#vs-reading').selectOption('ALGORITHM');
    await page.locator('#vs-algorithm').selectOption(ids.algorithmV2);
    await page.locator('#vs-trial').fill(ids.trialId);
    await page.locator('#vs-covariate-biomarker').selectOption(COVARIATE);
    await page.locator('#vs-second').selectOption('READER');
    await page.locator('#vs-second-reader').fill('reader-1');
    const plots = new Map<string, { status: number; type: string }>();
    page.on('response', (r) => {
      const m = /\/plots\/([a-z-]+)\?/.exec(r.url());
      if (m) plots.set(m[1]!, { status: r.status(), type: r.headers()['content-type'] ?? '' });
    });
    await page.getByRole('button', { name: 'Compute' }).click();
    await page.getByTestId('validation-result').waitFor();
    for (const alt of ['ROC curve', 'Kaplan–Meier curves', 'Bland–Altman plot', 'Forest plot']) {
      // Decoded by the browser: an SVG that failed to parse would have no natural size.
      await page.waitForFunction(`(() => { const i = document.querySelector('img[alt^="${alt}"]'); return !!i && i.complete && i.naturalWidth > 0; })()`);
    }
    for (const kind of ['roc', 'kaplan-meier', 'bland-altman', 'forest']) {
      expect([kind, plots.get(kind)]).toEqual([kind, { status: 200, type: expect.stringMatching(/^image\/svg\+xml/) }]);
    }
    // What each <img> shows, read back from its blob URL: the API's SVG documents.
    const shown = (alt: string) => page.evaluate(`fetch(document.querySelector('img[alt^="${alt}"]').src).then((r) => r.text())`) as Promise<string>;
    for (const alt of ['ROC curve', 'Kaplan–Meier curves', 'Bland–Altman plot', 'Forest plot']) expect(await shown(alt)).toMatch(/^<svg [^>]*role="img"/);
    // The forest plot has the biomarker and the covariate; the page says how many subjects the model used.
    const forest = await shown('Forest plot');
    expect(forest).toContain('>biomarker<');
    expect(forest).toContain(`>${COVARIATE}<`);
    expect(await page.getByTestId('forest').textContent()).toMatch(/\d+ of \d+ evaluable subjects have every covariate/);
    expect(await page.getByTestId('agreement').textContent()).toMatch(/\d+ pairs · bias/);
    await page.screenshot({ path: join(SHOTS, 'biostatistics-plots.png'), fullPage: true });
    const result = await new AxeBuilder({ page }).analyze();
    const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.help} (${v.nodes.length})`);
    expect(bad).toEqual([]);
    await context.close();
  });
});
