import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import AxeBuilder from '@axe-core/playwright';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startRegistry, type RunningRegistry } from '../../services/registry-api/src/bootstrap.js';
import { issueLocalToken } from '../../services/registry-api/src/auth/local-signing-key.js';
import { setLocalSigningPassword } from '../../services/registry-api/src/auth/local-signing-password.js';
import { type AppConfig, loadConfig } from '#runtime';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { postGraphql } from '../support/graphql-client.js';

/**
 * `npm run test:console`, the governance screens: role grants on the audit page (admin grants, a refusal on its
 * input, a regulator only reads), electronic signatures (wrong password, no printed name and a stale login each on
 * their input; log in again; VALID, then INVALIDATED after a correction) and the lock workflow on the trial page, data
 * queries (the site answers, the data manager closes), analysis snapshots (freeze, verify, download with SHA-256) and
 * the validation study's reading choice. Scope-denied cases, axe-core on every screen, screenshots in artefacts/console.
 */
const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SHOTS = join(ROOT, 'artefacts', 'console');

const T = 'gov-trial-01';
const SITE = 'site-gov';
const STUDY = '1.2.826.0.1.3680043.8.498.82001';
const BIOMARKER = 'gov-lesion-ld';
const PASSWORD = 'correct horse battery staple';
const CORA = { sub: 'cora-coord', name: 'Cora Coordinator' };

describe('the console governance screens in headless Chromium', () => {
  let db: TestDatabase;
  let dataDir: string;
  let config: AppConfig;
  let registry: RunningRegistry;
  let browser: Browser;
  let origin: string;
  let admin = '';
  let coordinator = '';
  let subjectId = '';
  let measurementId = '';

  const mutate = async (token: string, name: string, input: Record<string, unknown>) => {
    const inputType = `${name[0]!.toUpperCase()}${name.slice(1)}Input`;
    const res = await postGraphql(registry.url, token, `mutation($input: ${inputType}!) { ${name}(input: $input) { id createdIds globalPosition } }`, {
      input: { commandId: randomUUID(), ...input },
    });
    if (res.errors) throw new Error(`${name}: ${JSON.stringify(res.errors)}`);
    return res.data[name] as { id: string; createdIds: string[]; globalPosition: string };
  };

  beforeAll(async () => {
    if (!existsSync(join(ROOT, 'dist', 'console', 'index.html')))
      throw new Error('dist/console is missing: run `npm run test:console` (it builds the console)');
    await mkdir(SHOTS, { recursive: true });
    db = await createTestDatabase();
    dataDir = await mkdtemp(join(tmpdir(), 'registry-console-governance-'));
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
    admin = await issueLocalToken(config, { sub: 'adele-admin', role: 'admin' });
    coordinator = await issueLocalToken(config, { sub: CORA.sub, role: 'coordinator', trials: [T], sites: ['*'], name: CORA.name });
    const dataManager = await issueLocalToken(config, { sub: 'seed-dm', role: 'data_manager', trials: [T] });
    // A cheap scrypt cost for the test (the default N = 2^17 takes a while per signature).
    for (const sub of [CORA.sub, 'nina-noname']) await setLocalSigningPassword(dataDir, sub, PASSWORD, { cost: 2 ** 12 });

    await mutate(admin, 'defineBiomarker', {
      biomarkerId: BIOMARKER,
      code: 'GOV_LESION_LD',
      name: 'Lesion longest diameter',
      modality: 'CT',
      valueType: { kind: 'QUANTITATIVE', unit: 'mm', plausibleRange: { min: 0, max: 500 } },
    });
    await mutate(coordinator, 'registerTrial', {
      trialId: T,
      identifiers: [{ system: 'NCT', value: 'NCT07000021' }],
      title: 'Governance trial',
      phase: 'PHASE_II',
      sponsor: 'Acme Pharma',
      primaryEndpoint: 'PFS',
    });
    await mutate(coordinator, 'addTrialArm', { trialId: T, armCode: 'A', name: 'Drug X', armType: 'EXPERIMENTAL', plannedSize: 10 });
    await mutate(coordinator, 'activateTrialSite', { trialId: T, siteId: SITE, name: 'Governance site', country: 'NL' });
    await mutate(coordinator, 'defineVisitSchedule', {
      trialId: T,
      timePoints: [{ code: 'BASELINE', label: 'Baseline', targetDay: 1, windowBeforeDays: 28, windowAfterDays: 0 }],
    });
    await mutate(coordinator, 'openEnrolment', { trialId: T });
    subjectId = (
      await mutate(coordinator, 'enrolSubject', { trialId: T, siteId: SITE, pseudonym: 'GOV-0001', consentVersion: 'v1', consentDate: '2025-01-10' })
    ).id;
    await mutate(coordinator, 'registerImagingStudy', {
      studyInstanceUid: STUDY,
      subjectId,
      modality: 'CT',
      acquisitionDateTime: '2025-01-20',
      siteId: SITE,
      scanner: { manufacturer: 'Siemens', model: 'Somatom' },
    });
    measurementId = (
      await mutate(coordinator, 'recordMeasurement', {
        subjectId,
        biomarkerId: BIOMARKER,
        biomarkerVersion: 1,
        value: { value: 250, unit: 'mm' },
        studyInstanceUid: STUDY,
        timePoint: 'BASELINE',
        method: 'MANUAL',
        readerId: 'rene-reader',
      })
    ).createdIds[0]!;
    // 250 mm breaks this rule: the data-quality monitor opens one data query for the measurement.
    await mutate(dataManager, 'defineDataQualityRule', { trialId: T, name: 'Diameter at most 200 mm', kind: 'RANGE', biomarkerId: BIOMARKER, max: 200 });
    for (let i = 0; ; i++) {
      const res = await postGraphql(registry.url, dataManager, `{ dataQueries(filter: { trialId: "${T}" }) { totalCount } }`);
      if (res.data?.dataQueries?.totalCount === 1) break;
      if (i > 200) throw new Error(`no data query opened: ${JSON.stringify(res)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-dev-shm-usage'],
    });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await registry?.stop();
    await db?.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  async function signIn(role: string, who: { sub: string; name?: string; trials?: string; sites?: string }) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, baseURL: origin, acceptDownloads: true });
    const page = await context.newPage();
    await page.goto('/console/');
    await page.locator('#role').selectOption(role);
    await page.locator('#sub').fill(who.sub);
    await page.locator('#name').fill(who.name ?? '');
    await page.locator('#trials').fill(who.trials ?? '*');
    await page.locator('#programmes').fill('*');
    await page.locator('#sites').fill(who.sites ?? '*');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByTestId('who').waitFor();
    expect(await page.getByTestId('who').textContent()).toBe(`${who.sub} · ${role}`);
    return { context, page };
  }

  /** axe-core over the whole page (no serious or critical violation) and a screenshot artefact. */
  async function checkScreen(page: Page, name: string) {
    await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
    const result = await new AxeBuilder({ page }).analyze();
    const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.help} (${v.nodes.length})`);
    expect([name, bad]).toEqual([name, []]);
    expect(await page.getByTestId('log-position').first().textContent()).toMatch(/^\d+$/);
  }

  const text = async (page: Page, testId: string) => (await page.getByTestId(testId).first().textContent()) ?? '';

  it('an admin grants a role with a reason on the audit page (no reason: refused on its input); a regulator reads grants only', async () => {
    const { context, page } = await signIn('admin', { sub: 'adele-admin' });
    await page.getByRole('link', { name: 'Audit' }).click();
    await page.locator('#grants-actor').fill('newbie-coord');
    await page.getByRole('button', { name: 'Show grants' }).click();
    await page.getByTestId('grants-none').waitFor();
    const grant = page.getByTestId('grant-form');
    await grant.locator('#grant-role').selectOption('coordinator');
    await grant.locator('#grant-trials').fill(T);
    await grant.locator('#grant-sites').fill(SITE);
    await grant.getByRole('button', { name: 'Grant' }).click();
    await grant.locator('#grant-reason-error').waitFor();
    expect(await grant.locator('#grant-reason-error').textContent()).toMatch(/^FIELD_REQUIRED: /);
    await grant.locator('#grant-reason').fill('Joins the Amsterdam site team');
    await grant.getByRole('button', { name: 'Grant' }).click();
    await grant.getByTestId('receipt').waitFor();
    await page.getByTestId('grants').waitFor();
    const row = await page.getByTestId('grants').locator('tbody tr').first().textContent();
    expect(row).toContain('coordinator');
    expect(row).toContain(T);
    expect(row).toContain('adele-admin');
    expect(row).toContain('Joins the Amsterdam site team');
    await checkScreen(page, 'gov-audit-grants');
    await context.close();

    const regulator = await signIn('regulator', { sub: 'rita-regulator' });
    await regulator.page.goto('/console/audit');
    await regulator.page.locator('#grants-actor').fill('newbie-coord');
    await regulator.page.getByRole('button', { name: 'Show grants' }).click();
    await regulator.page.getByTestId('grants').waitFor();
    expect(await regulator.page.getByTestId('grant-form').count()).toBe(0);
    await regulator.context.close();
  });

  it('a coordinator signs the trial (wrong password refused on the password), soft-locks it, signs the lock and lifts it with a signed unlock', async () => {
    const { context, page } = await signIn('coordinator', { sub: CORA.sub, name: CORA.name, trials: T });
    await page.goto(`/console/trials/${T}`);
    await page.locator('summary', { hasText: 'Sign the trial record' }).click();
    await page.locator('summary', { hasText: 'Lock or unlock' }).click();
    const sign = page.getByTestId('sign-trial-form');
    await sign.waitFor();
    expect(await text(page, 'sign-trial-name')).toBe(CORA.name);
    await sign.locator('#sign-trial-meaning').selectOption('APPROVAL');
    await sign.locator('#sign-trial-statement').fill('I approve the set-up of this trial');
    await sign.locator('#sign-trial-password').fill('not my signing password');
    await sign.getByRole('button', { name: 'Sign' }).click();
    await sign.locator('#sign-trial-password-error').waitFor();
    expect(await sign.locator('#sign-trial-password-error').textContent()).toContain('SIGNING_REAUTHENTICATION_REQUIRED');
    await sign.locator('#sign-trial-password').fill(PASSWORD);
    await sign.getByRole('button', { name: 'Sign' }).click();
    await sign.getByTestId('receipt').waitFor();
    await page.getByTestId('signatures').getByText(CORA.name).waitFor();
    expect(await page.getByTestId('signatures').getByTestId('signature-status').first().textContent()).toBe('VALID');

    const lock = page.getByTestId('lock-form');
    await lock.locator('#lock-level').selectOption('SOFT');
    await lock.locator('#lock-reason').fill('Database lock review');
    await lock.getByRole('button', { name: 'Lock' }).click();
    await page.getByTestId('lock-level').waitFor();
    expect(await text(page, 'lock-level')).toBe('SOFT');
    // The trial facts read the lock state again once the panel has read its write back.
    await page.waitForFunction(`document.querySelector('[data-testid="lock-state"]')?.textContent?.startsWith('Locked')`);
    await page.getByRole('button', { name: 'Sign this lock' }).click();
    const signLock = page.getByTestId('sign-lock-form');
    await signLock.locator('#sign-lock-meaning').selectOption('APPROVAL');
    await signLock.locator('#sign-lock-statement').fill('Casebooks reviewed; ready for the hard lock');
    await signLock.locator('#sign-lock-password').fill(PASSWORD);
    await signLock.getByRole('button', { name: 'Sign' }).click();
    await page.getByTestId('lock-row').getByTestId('signature-status').waitFor();
    expect(await page.getByTestId('lock-row').getByTestId('signature-status').textContent()).toBe('VALID');
    await checkScreen(page, 'gov-trial-locked');

    const unlock = page.getByTestId('unlock-form');
    await unlock.locator('#unlock-reason').fill('A late query must be answered');
    await unlock.locator('#unlock-sig-statement').fill('I take responsibility for reopening data entry');
    await unlock.locator('#unlock-sig-password').fill(PASSWORD);
    await unlock.getByRole('button', { name: 'Unlock' }).click();
    await page.getByTestId('locks-none').waitFor();
    await page.waitForFunction(`document.querySelector('[data-testid="lock-state"]')?.textContent === 'Not locked'`);
    await context.close();
  });

  it('a stale login is refused on "authentication", logging in again signs the casebook; a correction then shows it INVALIDATED', async () => {
    const { context, page } = await signIn('coordinator', { sub: CORA.sub, name: CORA.name, trials: T });
    // The same person, logged in 10 minutes ago: too long for the 5-minute signing window.
    const stale = await issueLocalToken(
      config,
      { sub: CORA.sub, role: 'coordinator', trials: [T], programmes: ['*'], sites: ['*'], name: CORA.name },
      { authTime: Math.floor(Date.now() / 1000) - 600 },
    );
    await page.evaluate(`sessionStorage.setItem('registry-console.token', ${JSON.stringify(stale)})`);
    await page.goto(`/console/subjects/${subjectId}`);
    const sign = page.getByTestId('sign-subject-form');
    await sign.waitFor();
    await sign.locator('#sign-subject-statement').fill('I approve this casebook as complete and correct');
    await sign.locator('#sign-subject-password').fill(PASSWORD);
    await sign.getByRole('button', { name: 'Sign' }).click();
    await sign.locator('#sign-subject-auth-error').waitFor();
    expect(await sign.locator('#sign-subject-auth-error').textContent()).toContain('SIGNING_REAUTHENTICATION_REQUIRED');
    await sign.getByRole('button', { name: 'Log in again' }).click();
    await sign.getByTestId('sign-subject-reauth').filter({ hasText: 'Logged in again' }).waitFor();
    await sign.getByRole('button', { name: 'Sign' }).click();
    await sign.getByTestId('receipt').waitFor();
    await page.getByTestId('signatures').getByTestId('signature-status').waitFor();
    expect(await page.getByTestId('signatures').getByTestId('signature-status').textContent()).toBe('VALID');

    await mutate(coordinator, 'correctMeasurement', { subjectId, measurementId, value: { value: 240, unit: 'mm' }, reason: 'Measured on the wrong slice' });
    await page.reload();
    await page.getByTestId('signatures').getByTestId('signature-status').filter({ hasText: 'INVALIDATED' }).waitFor();
    await checkScreen(page, 'gov-subject-signatures');
    await context.close();
  });

  it('on the Signatures screen a coordinator without a printed name is told so on the name; one with a name signs a measurement by id', async () => {
    const { context, page } = await signIn('coordinator', { sub: 'nina-noname', trials: T });
    await page.getByRole('link', { name: 'Signatures' }).click();
    await page.locator('#sig-kind').selectOption('measurement');
    await page.locator('#sig-subjectId').fill(subjectId);
    await page.locator('#sig-measurementId').fill(measurementId);
    await page.getByRole('button', { name: 'Open', exact: true }).click();
    await page.waitForFunction(`document.querySelector('[data-testid="signatures-empty"], [role="alert"]') !== null`);
    expect(await page.locator('main').textContent()).toContain('No signatures of this record yet.');
    const sign = page.getByTestId('sign-form');
    await sign.locator('#sign-meaning').selectOption('VERIFICATION');
    await sign.locator('#sign-statement').fill('Source data verified');
    await sign.locator('#sign-password').fill(PASSWORD);
    await sign.getByRole('button', { name: 'Sign' }).click();
    await sign.locator('#sign-name-error').waitFor();
    expect(await sign.locator('#sign-name-error').textContent()).toContain('SIGNER_NAME_REQUIRED');
    await checkScreen(page, 'gov-signatures');
    await context.close();

    // The same measurement signed by a coordinator who has a printed name.
    const cora = await signIn('coordinator', { sub: CORA.sub, name: CORA.name, trials: T });
    await cora.page.goto('/console/signatures');
    await cora.page.locator('#sig-kind').selectOption('measurement');
    await cora.page.locator('#sig-subjectId').fill(subjectId);
    await cora.page.locator('#sig-measurementId').fill(measurementId);
    await cora.page.getByRole('button', { name: 'Open', exact: true }).click();
    const signed = cora.page.getByTestId('sign-form');
    await signed.locator('#sign-meaning').selectOption('VERIFICATION');
    await signed.locator('#sign-statement').fill('Source data verified');
    await signed.locator('#sign-password').fill(PASSWORD);
    await signed.getByRole('button', { name: 'Sign' }).click();
    await cora.page.getByTestId('signatures').getByTestId('signature-status').waitFor();
    expect(await cora.page.getByTestId('signatures').textContent()).toContain(`VALID${CORA.name} (${CORA.sub}, coordinator)VERIFICATIONSource data verified`);
    await cora.context.close();
  });

  it('the site answers a data query with a reason; the data manager closes it and sees the rules and the quality report', async () => {
    const site = await signIn('coordinator', { sub: CORA.sub, name: CORA.name, trials: T });
    await site.page.getByRole('link', { name: 'Data queries' }).click();
    await site.page.locator('#dq-id').fill(T);
    await site.page.getByRole('button', { name: 'Show' }).click();
    await site.page.getByTestId('dq-row').waitFor();
    expect(await text(site.page, 'dq-status')).toBe('OPEN');
    expect(await site.page.getByTestId('dq-counts').textContent()).toContain(SITE);
    await site.page.getByTestId('dq-row').getByRole('button').click();
    const answer = site.page.getByTestId('dq-answer-form');
    await answer.getByRole('button', { name: 'Answer' }).click();
    await answer.locator('#dq-answer-reason-error').waitFor();
    await answer.locator('#dq-answer-reason').fill('Confirmed on the source images: a bulky lesion');
    await answer.getByRole('button', { name: 'Answer' }).click();
    await answer.getByTestId('receipt').waitFor();
    await site.page.waitForFunction(`document.querySelector('[data-testid="dq-status"]')?.textContent === 'ANSWERED'`);
    // The quality report is for data managers, biostatisticians, regulators and admins.
    await site.page.getByText('The quality report is not released to your role.').waitFor();
    await site.context.close();

    const { context, page } = await signIn('data_manager', { sub: 'dora-dm', trials: T });
    await page.getByRole('link', { name: 'Data queries' }).click();
    await page.locator('#dq-id').fill(T);
    await page.getByRole('button', { name: 'Show' }).click();
    await page.getByTestId('dq-row').waitFor();
    expect(await page.getByTestId('dq-row').textContent()).toContain('Confirmed on the source images');
    await page.getByTestId('dq-row').getByRole('button').click();
    const close = page.getByTestId('dq-close-form');
    await close.locator('#dq-close-reason').fill('Answer accepted');
    await close.getByRole('button', { name: 'Close' }).click();
    await close.getByTestId('receipt').waitFor();
    // Closed queries are not in the default filter (open and answered): tick CLOSED as well.
    await page.getByRole('checkbox', { name: 'CLOSED' }).check();
    await page.getByRole('button', { name: 'Show' }).click();
    await page.waitForFunction(`document.querySelector('[data-testid="dq-status"]')?.textContent === 'CLOSED'`);
    expect(await page.getByTestId('dq-rules').textContent()).toContain('Diameter at most 200 mm');
    await page.getByTestId('dq-report').waitFor();
    expect(await page.getByTestId('dq-report').textContent()).toContain('Subjects1');
    await checkScreen(page, 'gov-data-queries');
    await context.close();
  });

  it('a biostatistician freezes a snapshot, verifies it and downloads one export whose SHA-256 matches; a coordinator is denied', async () => {
    const { context, page } = await signIn('biostatistician', { sub: 'bea-biostat', trials: T });
    await page.getByRole('link', { name: 'Snapshots' }).click();
    await page.locator('#snap-id').fill(T);
    await page.getByRole('button', { name: 'Show' }).click();
    await page.getByText('No snapshot frozen yet.').waitFor();
    const freeze = page.getByTestId('freeze-form');
    await freeze.locator('#freeze-reason').fill('Interim analysis');
    await freeze.getByRole('button', { name: 'Freeze' }).click();
    await freeze.locator('#freeze-purpose-error').waitFor();
    await freeze.locator('#freeze-purpose').fill('Interim analysis, SAP v1.0');
    await freeze.getByRole('button', { name: 'Freeze' }).click();
    await page.getByTestId('snapshot').waitFor();
    const hash = await text(page, 'snapshot-hash');
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    await page.getByRole('button', { name: 'Verify (recompute from the log)' }).click();
    await page.waitForFunction(`/^(MATCHES|DIFFERS|[A-Z_]+:)/.test(document.querySelector('[data-testid="snapshot-verification"]')?.textContent ?? '')`);
    expect(await text(page, 'snapshot-verification')).toMatch(new RegExp(`^MATCHES: frozen ${hash}`));
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-CSV_LONG').getByRole('button').click()]);
    const saved = join(SHOTS, `gov-${download.suggestedFilename()}`);
    await download.saveAs(saved);
    const sha = createHash('sha256')
      .update(await readFile(saved))
      .digest('hex');
    await page.getByTestId('export-sha256').waitFor();
    expect(await text(page, 'export-sha256')).toContain(`sha256 ${sha} (matches the API’s x-content-sha256)`);
    await rm(saved);
    await checkScreen(page, 'gov-snapshots');
    await context.close();

    const denied = await signIn('coordinator', { sub: CORA.sub, name: CORA.name, trials: T });
    await denied.page.goto('/console/snapshots');
    await denied.page.locator('#snap-id').fill(T);
    await denied.page.getByRole('button', { name: 'Show' }).click();
    await denied.page.getByTestId('denied').waitFor();
    expect(await denied.page.getByTestId('denied').textContent()).toContain('FORBIDDEN');
    await checkScreen(denied.page, 'gov-snapshots-denied');
    await denied.context.close();
  });

  it("a biostatistician chooses one reader's readings and quantile strata on the validation study; the CSV carries each value's reading", async () => {
    const { context, page } = await signIn('biostatistician', { sub: 'bea-biostat', trials: T });
    await page.getByRole('link', { name: 'Validation study' }).click();
    await page.locator('#vs-biomarker').selectOption(BIOMARKER);
    await page.locator('#vs-reading').selectOption('READER');
    await page.locator('#vs-reader').fill('rene-reader');
    await page.locator('#vs-strata').selectOption('QUANTILES');
    await page.locator('#vs-quantiles').fill('2');
    await page.locator('#vs-trial').fill(T);
    await page.getByRole('button', { name: 'Compute' }).click();
    await page.getByTestId('validation-result').waitFor();
    const href = (await page.getByTestId('validation-csv').getAttribute('href')) ?? '';
    const csv = decodeURIComponent(href.replace(/^data:text\/csv;charset=utf-8,/, '')).split('\r\n');
    expect(csv[0]).toContain('raterKind,method,readerId');
    expect(csv).toHaveLength(2);
    expect(csv[1]).toContain(`${measurementId},240,mm`);
    expect(csv[1]).toContain('READER,manual,rene-reader');
    await checkScreen(page, 'gov-validation');
    await context.close();
  });
});
