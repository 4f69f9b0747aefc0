/**
 * The `intake` command line, run as users run it: the built CLI as a child process (HOME and
 * XDG_CONFIG_HOME in a temporary directory, stdout/stderr piped, so not a terminal) against a
 * real `intake serve` with its real workers, over the public HTTP API only.
 */
import { describe, before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable } from 'node:stream';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startIntake, ADMIN, type IntakeProcess } from './helpers/intake-process.js';
import { createTestDatabase, type TestDatabase } from './helpers/database.js';
import { ApiClient } from './helpers/api-client.js';
import { parseCsv } from './helpers/bulk-import-suite.js';
import { CSV_ACCOUNTS, EMPLOYEE_FILE, PRIVILEGES_FILE, employees, privileges } from './helpers/connector-suite.js';
import { SAMPLE_NESSUS } from '../src/parsers/nessus/fixtures/sample-nessus.js';
import { timeStep, totpAt } from '../src/auth/totp.js';

const CLI = fileURLToPath(new URL('../src/main/cli.js', import.meta.url));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

let db: TestDatabase;
let dataDir: string;
let work: string;
let intake: IntakeProcess;

/** The login every command shares, unless a test gives another XDG_CONFIG_HOME. */
const configDir = () => join(work, 'config');
const credentialsFile = () => join(configDir(), 'intake', 'credentials.json');

function runCli(args: string[], options: { env?: Record<string, string>; cwd?: string } = {}): Promise<Run> {
  return collect(
    spawn(process.execPath, [CLI, ...args], {
      cwd: options.cwd ?? work,
      env: { PATH: process.env.PATH, HOME: join(work, 'home'), XDG_CONFIG_HOME: configDir(), ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
}

/** A child's exit code and everything it printed; killed if it runs for more than 90 s. */
function collect(child: ChildProcessByStdio<null, Readable, Readable>): Promise<Run> {
  return new Promise((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

const describeRun = (run: Run) => `exit ${run.code}\nstdout: ${run.stdout}\nstderr: ${run.stderr}`;

/** Output on pipes carries no colour and no redrawn progress lines. */
function assertPlain(run: Run): void {
  assert.doesNotMatch(run.stdout + run.stderr, /\x1b|\r/, 'no escape sequences or carriage returns when not a terminal');
}

async function storedCredentials(): Promise<Record<string, unknown>> {
  return JSON.parse(await readFile(credentialsFile(), 'utf8'));
}

describe('intake CLI against a real intake serve', () => {
  let target: { clientId: number; reportId: number };
  let tenantId: number;

  before(async () => {
    db = await createTestDatabase();
    dataDir = await mkdtemp(join(tmpdir(), 'intake-cli-data-'));
    work = await mkdtemp(join(tmpdir(), 'intake-cli-'));
    await mkdir(join(work, 'home'));
    intake = await startIntake({ DATABASE_URL: db.url, INTAKE_DATA_DIR: dataDir });
    target = await intake.admin.createClientAndReport('CLI Corp');
    await writeFile(join(work, 'sample.nessus'), SAMPLE_NESSUS);
    // Cut inside the second host: a Nessus file that ends in the middle of an element.
    await writeFile(join(work, 'truncated.nessus'), SAMPLE_NESSUS.slice(0, SAMPLE_NESSUS.indexOf('<ReportItem port="22"')));
  });

  after(async () => {
    await intake?.stop();
    await db?.drop();
    await rm(dataDir, { recursive: true, force: true });
    await rm(work, { recursive: true, force: true });
  });

  test('intake --help and intake import --help explain the commands with examples', async () => {
    const help = await runCli(['--help']);
    assert.equal(help.code, 0, describeRun(help));
    for (const name of ['login', 'import', 'imports', 'bulk', 'app-import', 'serve', 'worker']) assert.match(help.stdout, new RegExp(`\\n  ${name} `));
    const importHelp = await runCli(['import', '--help']);
    assert.equal(importHelp.code, 0);
    assert.match(importHelp.stdout, /^Usage: intake import FILE --client ID --report ID/);
    assert.match(importHelp.stdout, /Examples:\n {2}intake import scan\.nessus/);
    const usage = await runCli(['import', join(work, 'sample.nessus'), '--client', String(target.clientId)]);
    assert.equal(usage.code, 2, describeRun(usage));
    assert.match(usage.stderr, /--report is required/);
  });

  test('before login a command says to log in; a wrong password fails with exit 1; no password on a pipe is a usage error', async () => {
    const notLoggedIn = await runCli(['imports']);
    assert.equal(notLoggedIn.code, 1, describeRun(notLoggedIn));
    assert.match(notLoggedIn.stderr, /not logged in: run `intake login`/);

    const wrong = await runCli(['login', '--url', intake.baseUrl, '--user', ADMIN.email], { env: { INTAKE_PASSWORD: 'not-the-password' } });
    assert.equal(wrong.code, 1, describeRun(wrong));
    assert.match(wrong.stderr, /login failed: .*AUTH_CREDENTIALS_INVALID/);

    const noPassword = await runCli(['login', '--url', intake.baseUrl, '--user', ADMIN.email]);
    assert.equal(noPassword.code, 2, describeRun(noPassword));
    assert.match(noPassword.stderr, /set INTAKE_PASSWORD/);
    await assert.rejects(stat(credentialsFile()), { code: 'ENOENT' }, 'failed logins store nothing');
  });

  test('login with INTAKE_PASSWORD stores url, token, expiry and tenant in a 0600 file under XDG_CONFIG_HOME', async () => {
    const run = await runCli(['login', '--url', intake.baseUrl, '--user', ADMIN.email, '--json'], { env: { INTAKE_PASSWORD: ADMIN.password } });
    assert.equal(run.code, 0, describeRun(run));
    assertPlain(run);
    const answer = JSON.parse(run.stdout);
    assert.equal(answer.status, 'success');
    assert.equal(answer.url, intake.baseUrl);
    assert.equal(answer.credentials, credentialsFile());
    assert.equal(JSON.stringify(answer).includes('eyJ'), false, 'the token is not printed');
    tenantId = answer.tenantId;

    assert.equal((await stat(credentialsFile())).mode & 0o777, 0o600);
    assert.equal((await stat(join(configDir(), 'intake'))).mode & 0o777, 0o700);
    const stored = await storedCredentials();
    assert.equal(stored.url, intake.baseUrl);
    assert.equal(stored.tenantId, tenantId);
    assert.equal(stored.user, ADMIN.email);
    assert.ok(Date.parse(String(stored.expiresAt)) > Date.now() + 10 * 60_000, 'a 15-minute session');
    // The stored token is a working token of the API.
    const me = await fetch(`${intake.baseUrl}/api/v2/users/me`, { headers: { authorization: `Bearer ${stored.token}` } });
    assert.equal(me.status, 200);
  });

  test('import --wait --json: the spec-1 flow ends IMPORT COMPLETE with the counts 5/3/5/4 and the tags', async () => {
    const run = await runCli([
      'import', join(work, 'sample.nessus'),
      '--client', String(target.clientId), '--report', String(target.reportId),
      '--tags', 'external, q3', '--finding-tags', 'cli', '--wait', '--json',
    ]);
    assert.equal(run.code, 0, describeRun(run));
    assertPlain(run);
    const job = JSON.parse(run.stdout);
    assert.equal(job.status, 'IMPORT COMPLETE');
    assert.equal(job.source, 'nessus', 'auto recognised the file');
    assert.deepEqual(
      [job.processed_findings, job.processed_assets, job.processed_finding_assets, job.processed_evidence],
      [5, 3, 5, 4],
    );
    assert.deepEqual(job.asset_tags, ['external', 'q3']);
    assert.deepEqual(job.finding_tags, ['cli']);
    assert.equal(job.file_size, String(Buffer.byteLength(SAMPLE_NESSUS)));
    // Not a terminal: status changes are plain lines on stderr.
    assert.match(run.stderr, new RegExp(`import ${job.id}: IMPORT COMPLETE`));
    // The import is really there, as the API reports it.
    const flaws = await intake.admin.ok<unknown[]>('GET', `/api/v1/client/${target.clientId}/report/${target.reportId}/flaws`);
    assert.equal(flaws.length, 5);
  });

  test('import of a malformed file --wait exits 1 with the error text', async () => {
    const run = await runCli(['import', join(work, 'truncated.nessus'), '--client', String(target.clientId), '--report', String(target.reportId), '--source', 'nessus', '--wait']);
    assert.equal(run.code, 1, describeRun(run));
    assertPlain(run);
    assert.match(run.stderr, /Import failed: unexpected end of file: element <ReportHost> is not closed.*\(at line \d+, column \d+\)/);
  });

  test('import refuses an unknown report or source before uploading anything', async () => {
    const noReport = await runCli(['import', join(work, 'sample.nessus'), '--client', String(target.clientId), '--report', '99999']);
    assert.equal(noReport.code, 1, describeRun(noReport));
    assert.match(noReport.stderr, /has no report 99999/);
    const badSource = await runCli(['import', join(work, 'sample.nessus'), '--client', String(target.clientId), '--report', String(target.reportId), '--source', 'wordstar']);
    assert.equal(badSource.code, 2, describeRun(badSource));
    assert.match(badSource.stderr, /unknown --source "wordstar"; known: auto, nessus/);
  });

  test('imports lists my imports: --json is the API array, the table shows status and error text', async () => {
    const json = await runCli(['imports', '--json']);
    assert.equal(json.code, 0, describeRun(json));
    const list = JSON.parse(json.stdout) as { key: string; status: string; name: string; errorStatus: string | null }[];
    assert.deepEqual(list.map((i) => [i.name, i.status]), [
      ['truncated.nessus', 'ERROR'],
      ['sample.nessus', 'IMPORT COMPLETE'],
    ]);
    const table = await runCli(['imports']);
    assert.equal(table.code, 0, describeRun(table));
    assertPlain(table);
    const lines = table.stdout.trimEnd().split('\n');
    assert.match(lines[0]!, /^KEY +FILE +CLIENT \/ REPORT +STATUS +PROGRESS +SIZE +SOURCE +ERROR$/);
    assert.match(lines[1]!, new RegExp(`^${list[0]!.key} +truncated\\.nessus +CLI Corp / CLI Corp report +ERROR +0% .* unexpected end of file`));
    assert.match(lines[2]!, /sample\.nessus +CLI Corp \/ CLI Corp report +IMPORT COMPLETE +100%/);
  });

  test('bulk --wait --report: the job completes, the CSV report is downloaded, the summary printed', async () => {
    const objects = [{ name: 'Bulk A' }, { name: null }, { name: 'Bulk B', tags: ['cli'] }];
    await writeFile(join(work, 'clients.json'), JSON.stringify(objects));
    const reportPath = join(work, 'reports', 'clients.csv');
    await mkdir(join(work, 'reports'));
    const run = await runCli(['bulk', 'clients', join(work, 'clients.json'), '--wait', '--report', reportPath, '--json']);
    assert.equal(run.code, 0, describeRun(run));
    assertPlain(run);
    const answer = JSON.parse(run.stdout);
    assert.equal(answer.status, 'Completed');
    assert.deepEqual(answer.result.summary, { total: 3, created: 2, failed: 1 });
    assert.equal(answer.reportFile, reportPath);
    const rows = parseCsv(await readFile(reportPath, 'utf8'));
    assert.deepEqual(rows[0], ['inputIndex', 'status', 'objectId', 'failureReason', 'inputPreview']);
    assert.deepEqual(rows.slice(1).map((r) => [r[0], r[1]]), [['1', 'created'], ['2', 'failed'], ['3', 'created']]);

    // Without --report the report lands in the working directory as <requestId>.csv.
    await writeFile(join(work, 'more.json'), JSON.stringify([{ name: 'Bulk C' }]));
    const text = await runCli(['bulk', 'clients', join(work, 'more.json'), '--wait'], { cwd: join(work, 'reports') });
    assert.equal(text.code, 0, describeRun(text));
    assertPlain(text);
    const requestId = /^(import-[0-9a-f-]+): Completed$/m.exec(text.stderr)?.[1];
    assert.ok(requestId, text.stderr);
    assert.match(text.stdout, new RegExp(`^Completed: 1 clients — 1 created, 0 failed\\.\\nReport: .*/reports/${requestId}\\.csv\\n$`));
    assert.equal(parseCsv(await readFile(join(work, 'reports', `${requestId}.csv`), 'utf8')).length, 2);
  });

  test('bulk refuses a file that is not a JSON array (exit 2) and an unknown kind (exit 1, the server says why)', async () => {
    await writeFile(join(work, 'object.json'), '{"name": "not an array"}');
    const notArray = await runCli(['bulk', 'clients', join(work, 'object.json')]);
    assert.equal(notArray.code, 2, describeRun(notArray));
    assert.match(notArray.stderr, /must hold a JSON array of objects; found object/);
    const unknownKind = await runCli(['bulk', 'widgets', join(work, 'clients.json')]);
    assert.equal(unknownKind.code, 1, describeRun(unknownKind));
    assert.match(unknownKind.stderr, /cannot import "widgets".*HTTP 404/);
  });

  test('app-import of the CSV Accounts connector: Finished with metrics; a refused upload lists every problem; a failed build prints its log', async () => {
    const application = await intake.admin.ok('POST', '/api/applications', { name: 'CLI HR', connectorId: CSV_ACCOUNTS });
    await writeFile(join(work, 'employees.csv'), employees(12));
    await writeFile(join(work, 'privileges.csv'), privileges(8));
    const run = await runCli(['app-import', application.id, `${EMPLOYEE_FILE}=${join(work, 'employees.csv')}`, `${PRIVILEGES_FILE}=${join(work, 'privileges.csv')}`, '--wait', '--json']);
    assert.equal(run.code, 0, describeRun(run));
    assertPlain(run);
    const done = JSON.parse(run.stdout);
    assert.equal(done.status, 'Finished');
    assert.equal(done.number, 1);
    assert.deepEqual(done.files.map((f: { fileGroupId: string; name: string }) => [f.fileGroupId, f.name]).sort(), [
      [EMPLOYEE_FILE, 'employees.csv'],
      [PRIVILEGES_FILE, 'privileges.csv'],
    ]);
    assert.equal(done.metrics.accounts, 12);
    assert.equal(done.metrics.privileges, 9);
    assert.equal(done.metrics.privilegesWithUnknownAccount, 1);

    const unknownGroup = 'a1b2c3d4-0000-0000-0000-00000000dead';
    const refused = await runCli(['app-import', application.id, `${unknownGroup}=${join(work, 'privileges.csv')}`]);
    assert.equal(refused.code, 1, describeRun(refused));
    assert.match(refused.stderr, /The upload was refused: .*\n {2}- a1b2c3d4-0000-0000-0000-00000000dead: .*\n {2}- .*Employee File/);

    await writeFile(join(work, 'wrong-columns.csv'), 'name,mail\nx,y\n');
    const failed = await runCli(['app-import', application.id, `${EMPLOYEE_FILE}=${join(work, 'wrong-columns.csv')}`, '--wait']);
    assert.equal(failed.code, 1, describeRun(failed));
    assert.match(failed.stdout, /^Failed: application import #\d+/);
    assert.match(failed.stderr, /The build failed; its log:\n.*lacks required columns/s);
  });

  test('a near-expiry session is renewed by the next command; an expired or refused one says to log in again', async () => {
    const original = await storedCredentials();
    try {
      await writeFile(credentialsFile(), JSON.stringify({ ...original, expiresAt: new Date(Date.now() + 60_000).toISOString() }));
      const renewed = await runCli(['imports', '--json']);
      assert.equal(renewed.code, 0, describeRun(renewed));
      const after = await storedCredentials();
      assert.ok(Date.parse(String(after.expiresAt)) > Date.now() + 10 * 60_000, `renewed to a new 15-minute session: ${after.expiresAt}`);
      assert.equal((await stat(credentialsFile())).mode & 0o777, 0o600);

      await writeFile(credentialsFile(), JSON.stringify({ ...original, expiresAt: new Date(Date.now() - 1000).toISOString() }));
      const expired = await runCli(['imports']);
      assert.equal(expired.code, 1, describeRun(expired));
      assert.match(expired.stderr, /your session on .* expired at .*; run `intake login` again/);

      await writeFile(credentialsFile(), JSON.stringify({ ...original, token: 'not-a-token' }));
      const refused = await runCli(['imports']);
      assert.equal(refused.code, 1, describeRun(refused));
      assert.match(refused.stderr, /the server refused the stored login \(AUTH_TOKEN_INVALID: .*\); run `intake login` again/);
    } finally {
      await writeFile(credentialsFile(), JSON.stringify(original), { mode: 0o600 });
    }
  });

  test('INTAKE_URL and INTAKE_TOKEN (a pa_ API token) work without any stored login, bulk included', async () => {
    const created = await intake.admin.ok('POST', '/api/v2/api-tokens', { name: 'cli test' });
    assert.match(created.token, /^pa_/);
    const env = { INTAKE_URL: intake.baseUrl, INTAKE_TOKEN: created.token, XDG_CONFIG_HOME: join(work, 'empty-config') };
    const list = await runCli(['imports', '--json'], { env });
    assert.equal(list.code, 0, describeRun(list));
    assert.equal(JSON.parse(list.stdout).length, 2);
    await writeFile(join(work, 'token-clients.json'), JSON.stringify([{ name: 'Via API token' }]));
    const bulk = await runCli(['bulk', 'clients', join(work, 'token-clients.json'), '--wait', '--report', join(work, 'token.csv'), '--json'], { env });
    assert.equal(bulk.code, 0, describeRun(bulk));
    assert.deepEqual(JSON.parse(bulk.stdout).result.summary, { total: 1, created: 1, failed: 0 });

    const badToken = await runCli(['imports'], { env: { ...env, INTAKE_TOKEN: 'pa_not_a_real_token' } });
    assert.equal(badToken.code, 1, describeRun(badToken));
    assert.match(badToken.stderr, /the server refused the token in INTAKE_TOKEN/);
  });

  test('login of an account with MFA: INTAKE_MFA_CODE completes it; without a code on a pipe it is a usage error; a wrong code fails', async () => {
    const email = 'mfa-user@example.com';
    const password = 'Mfa-Passw0rd-123';
    await intake.admin.ok('POST', `/api/v2/tenants/${tenantId}/users`, { email, password, role: 'ANALYST' });
    const user = new ApiClient(intake.baseUrl);
    await user.login(email, password);
    const { secret } = await user.ok('POST', '/api/v2/users/me/mfa');
    const step = timeStep(Date.now());
    await user.ok('POST', '/api/v2/users/me/mfa/confirm', { code: totpAt(secret, step) });

    const env = { INTAKE_PASSWORD: password, XDG_CONFIG_HOME: join(work, 'mfa-config') };
    const noCode = await runCli(['login', '--url', intake.baseUrl, '--user', email], { env });
    assert.equal(noCode.code, 2, describeRun(noCode));
    assert.match(noCode.stderr, /this account has MFA: set INTAKE_MFA_CODE/);

    const wrong = await runCli(['login', '--url', intake.baseUrl, '--user', email], { env: { ...env, INTAKE_MFA_CODE: totpAt(secret, step - 10) } });
    assert.equal(wrong.code, 1, describeRun(wrong));
    assert.match(wrong.stderr, /login failed/);

    // The confirmation used this step's code and a code is good once: the next step's is still in the window.
    const ok = await runCli(['login', '--url', intake.baseUrl, '--user', email, '--json'], { env: { ...env, INTAKE_MFA_CODE: totpAt(secret, step + 1) } });
    assert.equal(ok.code, 0, describeRun(ok));
    assert.equal(JSON.parse(ok.stdout).user, email);
    const list = await runCli(['imports', '--json'], { env });
    assert.equal(list.code, 0, describeRun(list));
    assert.deepEqual(JSON.parse(list.stdout), [], 'a new user has no imports');
  });

  test('logout removes the stored login', async () => {
    const env = { XDG_CONFIG_HOME: join(work, 'mfa-config') };
    const run = await runCli(['logout'], { env });
    assert.equal(run.code, 0, describeRun(run));
    assert.match(run.stdout, /^Logged out/);
    await assert.rejects(stat(join(work, 'mfa-config', 'intake', 'credentials.json')), { code: 'ENOENT' });
    const again = await runCli(['imports'], { env });
    assert.equal(again.code, 1);
  });

  test('on a terminal (a pty from util-linux script), import --wait draws an upload bar, then an import bar, then the coloured result', async () => {
    const created = await intake.admin.ok('POST', '/api/v2/api-tokens', { name: 'cli tty test' });
    const command = [process.execPath, CLI, 'import', join(work, 'sample.nessus'), '--client', String(target.clientId), '--report', String(target.reportId), '--wait'].join(' ');
    const run = await collect(
      spawn('script', ['-qfec', command, '/dev/null'], {
        cwd: work,
        env: { PATH: process.env.PATH, HOME: join(work, 'home'), TERM: 'xterm', INTAKE_URL: intake.baseUrl, INTAKE_TOKEN: created.token, XDG_CONFIG_HOME: join(work, 'tty-config') },
        stdio: ['ignore', 'pipe', 'pipe'],
      }),
    );
    assert.equal(run.code, 0, describeRun(run));
    const screen = run.stdout;
    // Each bar redraws one line: a carriage return, the line, then "erase to the end of the line".
    const upload = screen.indexOf('\rUploading sample.nessus');
    const importing = screen.indexOf('\rImporting sample.nessus');
    assert.ok(upload >= 0, `an upload bar was drawn: ${JSON.stringify(screen)}`);
    assert.ok(importing > upload, `then an import bar: ${JSON.stringify(screen)}`);
    assert.match(screen, /\rUploading sample\.nessus .*100%.*\x1b\[K/);
    assert.match(screen, /\x1b\[32mIMPORT COMPLETE\x1b\[39m/, 'the final status is coloured on a terminal');
  });
});
