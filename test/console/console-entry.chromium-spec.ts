import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import AxeBuilder from '@axe-core/playwright';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { startRegistry, type RunningRegistry } from '../../services/registry-api/src/bootstrap.js';
import { issueLocalToken } from '../../services/registry-api/src/auth/local-signing-key.js';
import { type AppConfig, loadConfig } from '#runtime';
import { EVENT_STORE, type EventStore } from '#event-store';
import { writeSyntheticRegistry, type SyntheticRegistry } from '../../libs/projections/src/testing/synthetic-registry.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { postGraphql } from '../support/graphql-client.js';

/**
 * The console's data entry and screening pages (issue 21) in headless Chromium against the registry on embedded
 * PostgreSQL: a coordinator enrols (a refused pseudonym shows its code on the pseudonym input), randomises, registers
 * a study and records an outcome, and sees each on the subject timeline; double clicks append one event; the trial
 * page's search finds subjects by prefix; a screening manager walks programme, round, recall and interval-cancer pages.
 * axe-core checks each new screen; screenshots go to artefacts/console/ (gitignored), named entry-*.
 */
const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SHOTS = join(ROOT, 'artefacts', 'console');

const T = 'entry-onco-01';
const SITE = 'site-rot';
const STUDY = '1.2.826.0.1.3680043.8.498.82001';

describe('console data entry, subject search and screening pages in headless Chromium', () => {
  let db: TestDatabase;
  let dataDir: string;
  let config: AppConfig;
  let registry: RunningRegistry;
  let browser: Browser;
  let origin: string;
  let admin: string;
  let synthetic: SyntheticRegistry;

  const api = async (query: string, variables: Record<string, unknown> = {}, token = admin) => {
    const res = await postGraphql(registry.url, token, query, variables);
    if (res.errors) throw new Error(JSON.stringify(res.errors));
    return res.data;
  };
  const mutate = async (token: string, name: string, input: Record<string, unknown>) => {
    const inputType = `${name[0]!.toUpperCase()}${name.slice(1)}Input`;
    return (await api(`mutation($input: ${inputType}!) { ${name}(input: $input) { id } }`, { input: { commandId: randomUUID(), ...input } }, token))[name] as {
      id: string;
    };
  };
  /** The types of the events in a subject's stream, from the audit history (admin). */
  const eventTypes = async (subjectId: string) =>
    ((await api(`query($s: String!) { history(streamId: $s) { type } }`, { s: `subject-${subjectId}` })).history as { type: string }[]).map((e) => e.type);

  beforeAll(async () => {
    if (!existsSync(join(ROOT, 'dist', 'console', 'index.html')))
      throw new Error('dist/console is missing: run `npm run test:console` (it builds the console)');
    await mkdir(SHOTS, { recursive: true });
    db = await createTestDatabase();
    dataDir = await mkdtemp(join(tmpdir(), 'registry-console-entry-'));
    config = loadConfig({ ...db.appEnv, PORT: '0', LOG_LEVEL: 'silent', DATA_DIR: dataDir, RATE_LIMIT_PER_MINUTE: '100000', AUDIT_SEAL_INTERVAL_SECONDS: '0' });
    registry = await startRegistry(config);
    origin = registry.url.replace(/\/graphql$/, '');
    admin = await issueLocalToken(config, { sub: 'entry-admin', role: 'admin' });
    const coordinator = await issueLocalToken(config, { sub: 'entry-seed', role: 'coordinator', trials: ['*'], sites: ['*'] });
    await mutate(coordinator, 'registerTrial', {
      trialId: T,
      identifiers: [{ system: 'NCT', value: 'NCT07000021' }],
      title: 'Entry trial of drug Y',
      phase: 'PHASE_II',
      sponsor: 'Acme Pharma',
      primaryEndpoint: 'ORR',
    });
    await mutate(coordinator, 'addTrialArm', { trialId: T, armCode: 'A', name: 'Drug Y', armType: 'EXPERIMENTAL', plannedSize: 50 });
    await mutate(coordinator, 'addTrialArm', { trialId: T, armCode: 'B', name: 'Standard of care', armType: 'ACTIVE_COMPARATOR', plannedSize: 50 });
    await mutate(coordinator, 'activateTrialSite', { trialId: T, siteId: SITE, name: 'Erasmus MC', country: 'NL' });
    await mutate(coordinator, 'defineVisitSchedule', {
      trialId: T,
      timePoints: [
        { code: 'BASELINE', label: 'Baseline', targetDay: 1, windowBeforeDays: 28, windowAfterDays: 0 },
        { code: 'W8', label: 'Week 8', targetDay: 56, windowBeforeDays: 7, windowAfterDays: 7 },
      ],
    });
    await mutate(coordinator, 'openEnrolment', { trialId: T });
    for (const pseudonym of ['SRCH-0001', 'SRCH-0002', 'ALT-0003'])
      await mutate(coordinator, 'enrolSubject', { trialId: T, siteId: SITE, pseudonym, consentVersion: 'v1', consentDate: '2025-02-01' });
    // A screening programme with two rounds, recalls and interval cancers (the seed of test/e2e/console-lists).
    synthetic = await writeSyntheticRegistry(registry.app.get<EventStore>(EVENT_STORE), { subjects: 320, screeningShare: 0.7, seed: 5 });
    for (let waited = 0; ; waited += 300) {
      const lags = (await api('{ registryStatus { projections { lag } } }')).registryStatus.projections as { lag: number }[];
      if (lags.every((p) => p.lag === 0)) break;
      if (waited > 120_000) throw new Error('projections did not catch up');
      await new Promise((r) => setTimeout(r, 300));
    }
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-dev-shm-usage'],
    });
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
    await registry?.stop();
    await db?.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  async function signIn(role: string, scopes: { trials?: string; programmes?: string; sites?: string }, viewport = { width: 1280, height: 900 }) {
    const context = await browser.newContext({ viewport, baseURL: origin });
    const page = await context.newPage();
    await page.goto('/console/');
    await page.locator('#role').selectOption(role);
    await page.locator('#sub').fill(`entry-${role}`);
    await page.locator('#trials').fill(scopes.trials ?? '');
    await page.locator('#programmes').fill(scopes.programmes ?? '');
    await page.locator('#sites').fill(scopes.sites ?? '');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByTestId('who').waitFor();
    return { context, page };
  }

  async function checkScreen(page: Page, name: string) {
    await page.screenshot({ path: join(SHOTS, `entry-${name}.png`), fullPage: true });
    const result = await new AxeBuilder({ page }).analyze();
    const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.help} (${v.nodes.length})`);
    expect([name, bad]).toEqual([name, []]);
    expect(await page.getByTestId('log-position').first().textContent()).toMatch(/^\d+$/);
  }

  /** Waits (10 s at most) until the element's text passes `test`: the page re-reads after a write or a keystroke. */
  async function untilText(page: Page, testId: string, test: (text: string) => boolean): Promise<string> {
    let text = '';
    for (let i = 0; i < 100; i++) {
      text = (await page.getByTestId(testId).first().textContent()) ?? '';
      if (test(text)) return text;
      await page.waitForTimeout(100);
    }
    throw new Error(`${testId} never passed its check; last text: ${text}`);
  }

  let coordinator: { context: BrowserContext; page: Page };
  let enrolledId = '';

  it('a coordinator enrols a subject: a refused pseudonym shows its code on the pseudonym input; a double click enrols once', async () => {
    coordinator = await signIn('coordinator', { trials: T, sites: SITE });
    const { page } = coordinator;
    await page.goto(`/console/trials/${T}`);
    const form = page.getByTestId('enrol-form');
    await form.waitFor();
    await page.locator('#enr-pseudonym').fill('jan.jansen@example.org');
    await page.locator('#enr-consent-version').fill('v2');
    await page.locator('#enr-consent-date').fill('2025-03-01');
    await form.getByRole('button', { name: 'Enrol' }).click();
    const error = page.locator('#enr-pseudonym-error');
    await error.waitFor();
    expect(await error.textContent()).toMatch(/^INVALID_PSEUDONYM/);
    // Nothing else on the form shows an error: the code sits on the input its field names.
    expect(await form.locator('.field-error').count()).toBe(1);
    await checkScreen(page, 'trial-enrol-error');

    await page.locator('#enr-pseudonym').fill('ENT-0001');
    await form.getByRole('button', { name: 'Enrol' }).dblclick();
    await form.getByTestId('receipt').waitFor();
    await page.getByTestId('enrolled-link').waitFor();
    enrolledId = decodeURIComponent((await page.getByTestId('enrolled-link').getAttribute('href'))!.split('/').at(-1)!);
    expect(await eventTypes(enrolledId)).toEqual(['SubjectEnrolled']);
    // The subject list read the enrolment back (consistentWith): it is on the page without a reload.
    await page.getByRole('link', { name: 'ENT-0001' }).waitFor();
    expect(await page.getByTestId('subject-count').textContent()).toMatch(/^4 subjects/);
  });

  it('searches the trial subject list by pseudonym and site prefix, case-insensitively', async () => {
    const { page } = coordinator;
    const count = page.getByTestId('subject-count');
    await page.locator('#f-search').fill('srch');
    await untilText(page, 'subject-count', (t) => t.startsWith('2 subjects'));
    expect(await page.getByRole('link', { name: 'SRCH-0001' }).count()).toBe(1);
    expect(await page.getByRole('link', { name: 'ALT-0003' }).count()).toBe(0);
    await checkScreen(page, 'trial-search');
    await page.locator('#f-search').fill('ent-');
    await untilText(page, 'subject-count', (t) => t.startsWith('1 subjects'));
    await page.locator('#f-search').fill('SITE-R');
    await untilText(page, 'subject-count', (t) => t.startsWith('4 subjects'));
    await page.locator('#f-search').fill('nobody-');
    await untilText(page, 'subject-count', (t) => t.startsWith('0 subjects'));
    expect(await count.textContent()).toMatch(/^0 subjects/);
    await page.locator('#f-search').fill('');
  });

  it('randomises, registers a study and records an outcome on the subject page, each on the timeline; errors sit on their inputs', async () => {
    const { page } = coordinator;
    await page.goto(`/console/subjects/${encodeURIComponent(enrolledId)}`);
    const randomise = page.getByTestId('randomise-form');
    await randomise.waitFor();
    await checkScreen(page, 'subject-entry');
    await page.locator('#ran-arm').selectOption('B');
    await page.locator('#ran-stratum').fill('ECOG 0-1');
    await page.locator('#ran-date').fill('2025-03-03');
    await randomise.getByRole('button', { name: 'Randomise' }).dblclick();
    // Read back with consistentWith: the status turns randomised and the form (enrolled subjects only) goes away.
    await untilText(page, 'subject-status', (t) => t === 'randomised');
    await randomise.waitFor({ state: 'detached' });
    expect((await eventTypes(enrolledId)).filter((t) => t === 'SubjectRandomised')).toHaveLength(1);
    expect(await page.getByTestId('timeline').textContent()).toContain('randomised');

    const study = page.getByTestId('study-form');
    await page.locator('#stu-uid').fill('01.2.3');
    await page.locator('#stu-manufacturer').fill('Siemens');
    await page.locator('#stu-model').fill('Somatom Force');
    await page.locator('#stu-acquired').fill('2025-03-05');
    await study.getByRole('button', { name: 'Register study' }).click();
    await page.locator('#stu-uid-error').waitFor();
    expect(await study.locator('.field-error').count()).toBe(1);
    await checkScreen(page, 'subject-study-error');
    await page.locator('#stu-uid').fill(STUDY);
    await study.getByRole('button', { name: 'Register study' }).dblclick();
    await study.getByTestId('receipt').waitFor();
    await untilText(page, 'timeline', (t) => t.includes(`CT study ${STUDY}`));
    expect(await study.locator('[role="alert"]').count()).toBe(0);

    const outcome = page.getByTestId('outcome-form');
    await page.locator('#out-type').selectOption('RESPONSE_ASSESSMENT');
    await page.locator('#out-date').fill('2025-04-28');
    await page.locator('#out-timepoint').fill('W8');
    await outcome.getByRole('button', { name: 'Record outcome' }).click();
    // The API's rule (RECIST required for a response assessment) comes back on the RECIST input.
    await page.locator('#out-recist-error').waitFor();
    expect(await outcome.locator('.field-error').count()).toBe(1);
    await page.locator('#out-recist').selectOption('PR');
    await outcome.getByRole('button', { name: 'Record outcome' }).dblclick();
    await outcome.getByTestId('receipt').waitFor();
    await untilText(page, 'timeline', (t) => t.includes('Outcome RESPONSE_ASSESSMENT'));
    expect(await page.getByTestId('timeline').textContent()).toMatch(/Outcome RESPONSE_ASSESSMENT \(\w+\) PR/);
    expect((await eventTypes(enrolledId)).filter((t) => t === 'OutcomeRecorded')).toHaveLength(1);
    await checkScreen(page, 'subject-after-entry');
    await coordinator.context.close();
  });

  it('a screening manager walks the programme page, a round page, its recall and interval-cancer lists (tablet width)', async () => {
    const rounds = (
      await api(`query($id: ID!) { screeningProgramme(id: $id) { name rounds { id number recalled intervalCancers } } }`, { id: synthetic.programmeId })
    ).screeningProgramme as { name: string; rounds: { id: string; number: number; recalled: number; intervalCancers: number }[] };
    const { context, page } = await signIn('screening_manager', { programmes: synthetic.programmeId }, { width: 768, height: 1024 });
    await page.getByRole('link', { name: 'Screening', exact: true }).click();
    await page.getByRole('link', { name: /^Programme page of/ }).click();
    await page.getByTestId('kpi-trend-table').waitFor();
    // One column per round in the trend table, one tile per KPI over all rounds.
    expect(await page.getByTestId('kpi-trend-table').locator('thead th').count()).toBe(1 + rounds.rounds.length);
    expect(await page.getByTestId('kpi-tiles').locator('li').count()).toBeGreaterThan(0);
    expect(await page.getByTestId('kpi-trends').locator('svg').count()).toBe(await page.getByTestId('kpi-tiles').locator('li').count());
    await checkScreen(page, 'programme');

    const withCancers = rounds.rounds.find((r) => r.intervalCancers > 0)!;
    await page
      .getByTestId('programme-rounds')
      .getByRole('link')
      .nth(rounds.rounds.findIndex((r) => r.id === withCancers.id))
      .click();
    await page.getByTestId('recall-count').waitFor();
    await page.getByTestId('interval-count').waitFor();
    await page.getByTestId('round-kpi-tiles').waitFor();
    expect(await page.getByTestId('recall-count').textContent()).toBe(`${withCancers.recalled} recalled · page 1`);
    expect(await page.getByTestId('interval-count').textContent()).toBe(`${withCancers.intervalCancers} interval cancers · page 1`);
    expect(await page.getByTestId('recall-list').locator('tbody tr').count()).toBe(Math.min(withCancers.recalled, 25));
    expect(await page.getByTestId('interval-cancer-list').locator('tbody tr').count()).toBe(withCancers.intervalCancers);
    await checkScreen(page, 'round');
    // A participant of the recall list opens on its subject page.
    await page.getByTestId('recall-list').locator('tbody a').first().click();
    await page.getByTestId('subject-status').waitFor();
    expect(await page.getByTestId('subject-status').textContent()).toMatch(/^(recalled|assessed)$/);
    await context.close();
  });

  it('a screening manager of another programme meets Access denied on the programme page', async () => {
    const { context, page } = await signIn('screening_manager', { programmes: 'another-programme' });
    await page.goto(`/console/screening/programmes/${encodeURIComponent(synthetic.programmeId)}`);
    await page.getByTestId('denied').waitFor();
    expect(await page.getByTestId('denied').textContent()).toContain('FORBIDDEN');
    await context.close();
  });
});
