/**
 * The web dashboard end to end: a real `intake serve` (with its worker), Debian's Chromium driven
 * by playwright-core, a person's steps — sign in (also with MFA), create a client and a report,
 * pick or drop a scan file, watch the upload progress bar and the live list of imports until
 * IMPORT COMPLETE or ERROR, open an import's page and the report's findings. Screenshots go to a
 * temporary folder whose paths are printed.
 *
 * Chromium is required: without /usr/bin/chromium (or INTAKE_TEST_CHROMIUM) every test here fails
 * with a message saying how to install it; none is skipped.
 */
import { describe, before, after, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { startIntake, startWorker, ADMIN, type IntakeProcess, type WorkerProcess } from './helpers/intake-process.js';
import { createTestDatabase, type TestDatabase } from './helpers/database.js';
import { ApiClient } from './helpers/api-client.js';
import { sleep } from './helpers/ports.js';
import { SAMPLE_NESSUS } from '../src/parsers/nessus/fixtures/sample-nessus.js';
import { totp } from './helpers/totp.js';

const CHROMIUM = process.env.INTAKE_TEST_CHROMIUM ?? '/usr/bin/chromium';
const DASHBOARD_INDEX = fileURLToPath(new URL('../ui/index.html', import.meta.url));
/** As the machine notes prescribe: no GPU, no QUIC, and none of Chromium's own network traffic. */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const TEST_TIMEOUT = 120_000;


/** Polls `probe` until it returns something truthy; the failure names what was awaited and what was last seen. */
async function eventually<T>(what: string, probe: () => Promise<T | undefined | null | false>, timeoutMs = 60_000): Promise<T> {
  const started = Date.now();
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value;
      last = value;
    } catch (error) {
      last = error;
    }
    if (Date.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last seen: ${last instanceof Error ? last.message : JSON.stringify(last)}`);
    await sleep(100);
  }
}

interface RowView {
  status: string;
  progress: string;
  findings: string;
  assets: string;
  error: string;
}

/** The row of the imports table whose file link is `fileName`, read as a person sees it. */
async function readImportRow(page: Page, fileName: string): Promise<RowView | null> {
  const row = page.locator('table.imports tbody tr.import-row').filter({ has: page.getByRole('link', { name: fileName, exact: true }) });
  if ((await row.count()) !== 1) return null;
  const cell = async (col: string) => ((await row.locator(`[data-col="${col}"]`).innerText()) ?? '').trim();
  // The error text has its own full-width row right under the import's.
  const key = await row.getAttribute('data-import-key');
  const errorText = page.locator(`table.imports tr[data-error-for="${key}"] .error-text`);
  return {
    status: (await row.locator('[data-col="status"] .badge').innerText()).trim(),
    progress: (await row.locator('[data-col="progress"] .progress-number').innerText()).trim(),
    findings: await cell('findings'),
    assets: await cell('assets'),
    error: (await errorText.count()) ? (await errorText.innerText()).trim() : '',
  };
}

async function selectedText(select: Locator): Promise<string> {
  return select.evaluate((el) => {
    const s = el as HTMLSelectElement;
    return s.selectedIndex >= 0 ? (s.options[s.selectedIndex]?.text ?? '') : '';
  });
}

describe('web dashboard in headless Chromium', () => {
  let db: TestDatabase;
  let dataDir: string;
  let profileDir: string;
  let shotsDir: string;
  let intake: IntakeProcess;
  let context: BrowserContext;
  const pageErrors: string[] = [];

  before(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(
        `Chromium was not found at ${CHROMIUM}. The dashboard's end-to-end tests drive Debian's Chromium: ` +
          'install it with `apt-get update && apt-get install -y --no-install-recommends chromium` (.ci/run does), ' +
          'or point INTAKE_TEST_CHROMIUM at a Chromium binary.',
      );
    }
    if (!existsSync(DASHBOARD_INDEX)) {
      throw new Error(`The dashboard is not built (${DASHBOARD_INDEX} is missing): run \`npm run build\`, which runs \`vite build ui\`.`);
    }
    db = await createTestDatabase();
    dataDir = await mkdtemp(join(tmpdir(), 'intake-dashboard-data-'));
    profileDir = await mkdtemp(join(tmpdir(), 'intake-dashboard-chromium-'));
    shotsDir = await mkdtemp(join(tmpdir(), 'intake-dashboard-screenshots-'));
    intake = await startIntake({ DATABASE_URL: db.url, INTAKE_DATA_DIR: dataDir, INTAKE_WORKERS: '1' });
    context = await chromium.launchPersistentContext(profileDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1360, height: 900 },
      timeout: 60_000,
    });
    context.setDefaultTimeout(20_000);
  });

  after(async () => {
    await context?.close();
    await intake?.stop();
    await db?.drop();
    await rm(dataDir, { recursive: true, force: true });
    await rm(profileDir, { recursive: true, force: true });
  });

  /** A new tab: its own sessionStorage, so its own session. Uncaught page errors fail the test at the end. */
  async function newTab(): Promise<Page> {
    const page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(`${page.url()}: ${error.message}`));
    return page;
  }

  async function screenshot(t: TestContext, page: Page, name: string): Promise<string> {
    const path = join(shotsDir, `${name}.png`);
    await page.screenshot({ path, fullPage: true });
    t.diagnostic(`screenshot: ${path}`);
    return path;
  }

  async function signIn(page: Page, username: string, password: string, baseUrl = intake.baseUrl): Promise<void> {
    await page.goto(`${baseUrl}/ui/`);
    await page.getByLabel('Username or email').fill(username);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
  }

  async function chooseTarget(page: Page, client: string, report: string): Promise<void> {
    await eventually(`client "${client}" in the list`, async () => (await page.locator('#client option').allInnerTexts()).includes(client));
    await page.getByLabel('Client', { exact: true }).selectOption({ label: client });
    await eventually(`report "${report}" in the list`, async () => (await page.locator('#report option').allInnerTexts()).includes(report));
    await page.getByLabel('Report', { exact: true }).selectOption({ label: report });
  }

  test('GET / stays PlexTrac\'s JSON probe; /ui/ serves the dashboard with an SPA fallback and long-cached assets', { timeout: TEST_TIMEOUT }, async () => {
    const probe = await fetch(`${intake.baseUrl}/`);
    assert.equal(probe.status, 200);
    assert.deepEqual(await probe.json(), { text: 'Authenticate at /authenticate' });

    const bare = await fetch(`${intake.baseUrl}/ui`, { redirect: 'manual' });
    assert.equal(bare.status, 308);
    assert.equal(bare.headers.get('location'), '/ui/');

    const index = await fetch(`${intake.baseUrl}/ui/`);
    assert.equal(index.status, 200);
    assert.match(index.headers.get('content-type') ?? '', /^text\/html/);
    assert.equal(index.headers.get('cache-control'), 'no-cache');
    const html = await index.text();
    assert.match(html, /<div id="root"><\/div>/);
    assert.doesNotMatch(html, /https?:\/\//, 'the page loads nothing from another host');

    const deep = await fetch(`${intake.baseUrl}/ui/imports/some-key`);
    assert.equal(deep.status, 200, 'a page of the dashboard reloads: the server answers index.html');
    assert.equal(await deep.text(), html);

    const script = html.match(/src="(\/ui\/assets\/[^"]+\.js)"/)?.[1];
    assert.ok(script, `index.html names its hashed script: ${html}`);
    const asset = await fetch(intake.baseUrl + script);
    assert.equal(asset.status, 200);
    assert.equal(asset.headers.get('cache-control'), 'public, max-age=31536000, immutable');
    assert.match(asset.headers.get('content-type') ?? '', /javascript/);
    assert.equal((await fetch(`${intake.baseUrl}/ui/assets/missing-0000.js`)).status, 404, 'a missing asset is not answered with HTML');
  });

  test('sign in, create a client and a report, upload a Nessus file, watch it complete, open its page and the findings', { timeout: TEST_TIMEOUT }, async (t) => {
    const scanPath = join(shotsDir, 'sample.nessus');
    await writeFile(scanPath, SAMPLE_NESSUS);
    const page = await newTab();

    await page.goto(`${intake.baseUrl}/ui/`);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await screenshot(t, page, '01-sign-in');
    await page.getByLabel('Username or email').fill(ADMIN.email);
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    const refused = await page.getByRole('alert').innerText();
    assert.ok(refused.trim().length > 0, 'a wrong password shows why');
    await page.getByLabel('Password').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Imports', level: 1 }).waitFor();
    await page.getByText(ADMIN.email).waitFor();

    // A client and a report, created from the page.
    await page.getByRole('button', { name: 'New client' }).click();
    await page.getByLabel('New client name').fill('Acme Browser');
    await page.getByRole('button', { name: 'Create client' }).click();
    await eventually('the new client selected', async () => (await selectedText(page.getByLabel('Client', { exact: true }))) === 'Acme Browser');
    await page.getByRole('button', { name: 'New report' }).click();
    await page.getByLabel('New report name').fill('External Q4');
    await page.keyboard.press('Enter');
    await eventually('the new report selected', async () => (await selectedText(page.getByLabel('Report', { exact: true }))) === 'External Q4');
    const clients = await intake.admin.ok<any[]>('GET', '/api/v1/client/list');
    const client = clients.find((c) => c.data[1] === 'Acme Browser');
    assert.ok(client, 'the client exists in the API');

    // Sources come from GET /api/v2/parsers; auto is the default.
    const source = page.getByLabel('Format');
    assert.equal(await source.inputValue(), 'auto');
    const sourceOptions = await source.locator('option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
    assert.ok(sourceOptions.includes('nessus') && sourceOptions.includes('burp'), sourceOptions.join(','));

    await page.locator('#scan-file').setInputFiles(scanPath);
    await page.getByText('Selected: sample.nessus').waitFor();
    await page.getByRole('button', { name: 'Upload and import' }).click();
    await page.getByText('sample.nessus is uploaded and queued').waitFor();

    const done = await eventually('sample.nessus to show IMPORT COMPLETE with its counts', async () => {
      const row = await readImportRow(page, 'sample.nessus');
      return row && row.status === 'IMPORT COMPLETE' && row.findings === '5' && row.assets === '3' ? row : null;
    });
    assert.equal(done.progress, '100%');
    assert.equal(done.error, '');
    await screenshot(t, page, '02-imports-complete');

    // The import's own page, reached by its link.
    await page.getByRole('link', { name: 'sample.nessus', exact: true }).click();
    await page.getByRole('heading', { name: 'sample.nessus', level: 1 }).waitFor();
    assert.match(page.url(), /\/ui\/imports\/[^/]+$/);
    const stat = (label: string) => page.locator(`[data-stat="${label}"] dd`).innerText();
    await eventually('the counts of the import page', async () => (await stat('Findings')) === '5');
    assert.equal(await stat('Assets'), '3');
    assert.equal(await stat('Finding–asset links'), '5');
    assert.equal(await stat('Evidence'), '4');
    assert.equal(await stat('Created'), '5');
    assert.equal(await stat('Updated'), '0');
    assert.equal(await stat('Unchanged'), '0');
    await page.getByText('IMPORT COMPLETE').first().waitFor();
    const details = await page.locator('dl.details').innerText();
    assert.match(details, /Acme Browser/);
    assert.match(details, /External Q4/);
    assert.match(details, /nessus/);
    await screenshot(t, page, '03-import-page');

    // A reload of the import page keeps the session (sessionStorage) and the page (SPA fallback).
    const importUrl = page.url();
    await page.reload();
    await page.getByRole('heading', { name: 'sample.nessus', level: 1 }).waitFor();

    await page.getByRole('link', { name: "Open the report's findings" }).click();
    await page.getByRole('heading', { name: 'Findings of External Q4' }).waitFor();
    await page.getByRole('heading', { name: '5 findings' }).waitFor();
    const rows = await page.locator('table.findings tbody tr').count();
    assert.equal(rows, 5);
    const severities = await page.locator('table.findings tbody .severity').allInnerTexts();
    assert.equal(severities[0], 'Critical', `most severe first: ${severities.join(', ')}`);
    await screenshot(t, page, '04-findings');

    // Browser history works like any site's.
    await page.goBack();
    await page.getByRole('heading', { name: 'sample.nessus', level: 1 }).waitFor();
    assert.equal(page.url(), importUrl);

    // Signing out forgets the token: a reload shows the sign-in page.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await page.reload();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await page.close();
  });

  test('a dropped malformed file uploads with a progress bar, then fails with its error text in the list and on its page', { timeout: TEST_TIMEOUT }, async (t) => {
    const api = intake.admin;
    const target = await api.createClientAndReport('Broken Scans');
    const page = await newTab();
    await signIn(page, ADMIN.email, ADMIN.password);
    await page.getByRole('heading', { name: 'Imports', level: 1 }).waitFor();
    await chooseTarget(page, 'Broken Scans', 'Broken Scans report');
    await page.getByLabel('Format').selectOption('nessus');

    // About 1 MiB, cut off in the middle of the scan: a comment inside the root element pads it so
    // that a throttled upload takes a few seconds and its progress can be seen.
    const truncated = SAMPLE_NESSUS.slice(0, Math.floor(SAMPLE_NESSUS.length / 2)).replace(
      '<NessusClientData_v2>',
      `<NessusClientData_v2>\n<!-- ${'padding '.repeat(128 * 1024)} -->`,
    );
    // Drag and drop as a person does it: a drop event carrying a file, on the drop zone.
    const dataTransfer = await page.evaluateHandle((text) => {
      const dt = new DataTransfer();
      dt.items.add(new File([text], 'truncated.nessus', { type: 'application/xml' }));
      return dt;
    }, truncated);
    const zone = page.getByTestId('dropzone');
    await zone.dispatchEvent('dragenter', { dataTransfer });
    await zone.dispatchEvent('dragover', { dataTransfer });
    await zone.dispatchEvent('drop', { dataTransfer });
    await page.getByText('Selected: truncated.nessus').waitFor();

    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: 256 * 1024 });
    await page.getByRole('button', { name: 'Upload and import' }).click();
    const bar = page.locator('#upload-progress');
    const midway = await eventually('the upload progress bar between 1% and 99%', async () => {
      if ((await bar.count()) === 0) return null;
      const value = Number(await bar.getAttribute('value'));
      return value >= 1 && value <= 99 ? value : null;
    }, 30_000);
    const label = await page.locator('label[for="upload-progress"]').innerText();
    assert.match(label, /^Uploading truncated\.nessus: \d+% \(.+ of 1\.0 MB\)$/);
    await screenshot(t, page, '05-upload-progress');
    t.diagnostic(`upload progress seen at ${midway}%`);
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
    await page.getByText('truncated.nessus is uploaded and queued').waitFor({ timeout: 60_000 });

    const failed = await eventually('truncated.nessus to show ERROR with its reason', async () => {
      const row = await readImportRow(page, 'truncated.nessus');
      return row && row.status === 'ERROR' && row.error ? row : null;
    });
    assert.match(failed.error, /unexpected end of file/);
    assert.match(failed.error, /truncated/);
    assert.match(failed.error, /\(at line \d+, column \d+\)/);

    // The text shown is the API's own error_status.
    const mine = await api.ok<any[]>('GET', '/api/v2/my-imports');
    const listed = mine.find((r) => r.name === 'truncated.nessus');
    assert.equal(listed.errorStatus, failed.error);
    const job = await api.ok('GET', `/api/v2/my-imports/${listed.key}`);
    assert.equal(job.client_id, target.clientId);
    await screenshot(t, page, '06-import-failed-in-list');

    await page.getByRole('link', { name: 'truncated.nessus', exact: true }).click();
    const alert = page.getByRole('alert').filter({ hasText: 'The import failed' });
    await alert.waitFor();
    assert.equal((await alert.locator('.error-text').innerText()).trim(), failed.error);
    await screenshot(t, page, '07-import-failed-page');
    await page.close();
  });

  test('an import page follows a running import live, through the import\'s event stream', { timeout: TEST_TIMEOUT }, async (t) => {
    // An installation without workers at first: the import waits IN QUEUE until one starts.
    const quietDb = await createTestDatabase();
    const quietDir = await mkdtemp(join(tmpdir(), 'intake-dashboard-live-'));
    let quiet: IntakeProcess | undefined;
    let worker: WorkerProcess | undefined;
    try {
      quiet = await startIntake({ DATABASE_URL: quietDb.url, INTAKE_DATA_DIR: quietDir, INTAKE_WORKERS: '0' });
      const target = await quiet.admin.createClientAndReport('Live Scans');
      const started = await quiet.admin.importBytes(target, 'nessus', 'live.nessus', SAMPLE_NESSUS);
      const page = await newTab();
      const streams: { url: string; type: string }[] = [];
      page.on('response', (response) => {
        if (response.url().endsWith(`/api/v2/my-imports/${started.operationId}/events`)) streams.push({ url: response.url(), type: response.headers()['content-type'] ?? '' });
      });
      await signIn(page, ADMIN.email, ADMIN.password, quiet.baseUrl);
      await page.getByRole('heading', { name: 'Imports', level: 1 }).waitFor();
      await page.goto(`${quiet.baseUrl}/ui/imports/${started.operationId}`);
      await page.getByRole('heading', { name: 'live.nessus', level: 1 }).waitFor();
      await page.getByText('IN QUEUE').first().waitFor();
      const stream = await eventually("the page to open the import's event stream", async () => streams[0]);
      assert.match(stream.type, /^text\/event-stream/);
      await screenshot(t, page, '08-import-page-queued');

      worker = startWorker({ DATABASE_URL: quietDb.url, INTAKE_DATA_DIR: quietDir });
      await page.getByText('IMPORT COMPLETE').first().waitFor({ timeout: 60_000 });
      const stat = (label: string) => page.locator(`[data-stat="${label}"] dd`).innerText();
      await eventually('the counts of the finished import', async () => (await stat('Findings')) === '5');
      assert.equal(await stat('Evidence'), '4');
      assert.equal(streams.length, 1, 'one stream, held open until the import ended');
      await screenshot(t, page, '09-import-page-live-complete');
      await page.close();
    } finally {
      await worker?.stop();
      await quiet?.stop();
      await quietDb.drop();
      await rm(quietDir, { recursive: true, force: true });
    }
  });

  test('MFA: after the password, the page asks for the six-digit code and completes the sign-in with it', { timeout: TEST_TIMEOUT }, async (t) => {
    const email = 'mfa-ui@example.com';
    const password = 'Mfa-Ui-Passw0rd!';
    const tenantId = (await intake.admin.ok('GET', '/api/v2/users/me')).user.tenantId;
    const created = await intake.admin.request('POST', `/api/v2/tenants/${tenantId}/users`, { email, name: 'MFA person', role: 'ANALYST', password });
    assert.ok(created.status === 200 || created.status === 201, `creating the user: ${created.status} ${created.text}`);
    const user = new ApiClient(intake.baseUrl);
    await user.login(email, password);
    const enrol = await user.ok('POST', '/api/v2/users/me/mfa');
    const step = Math.floor(Date.now() / 30_000);
    await user.ok('POST', '/api/v2/users/me/mfa/confirm', { code: totp(enrol.secret, step - 1) });

    const page = await newTab();
    await signIn(page, email, password);
    await page.getByRole('heading', { name: 'Two-step verification' }).waitFor();
    const codeInput = page.getByLabel('Authentication code');
    assert.equal(await codeInput.evaluate((el) => el === document.activeElement), true, 'the code field has the focus');
    await screenshot(t, page, '08-mfa-code');

    // A wrong code is refused with a message; the challenge stays usable.
    const now = Math.floor(Date.now() / 30_000);
    const valid = new Set([totp(enrol.secret, now - 1), totp(enrol.secret, now), totp(enrol.secret, now + 1)]);
    const wrong = ['000000', '111111', '222222'].find((c) => !valid.has(c))!;
    await codeInput.fill(wrong);
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.getByRole('alert').waitFor();
    await page.getByRole('heading', { name: 'Two-step verification' }).waitFor();

    await codeInput.fill(totp(enrol.secret, Math.floor(Date.now() / 30_000)));
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Imports', level: 1 }).waitFor();
    await page.getByText(email).waitFor();
    await page.getByText('No imports yet').waitFor();
    await screenshot(t, page, '09-signed-in-with-mfa');
    await page.close();
  });

  test('no uncaught error in any page', () => {
    assert.deepEqual(pageErrors, []);
  });
});
