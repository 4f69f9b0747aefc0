/**
 * First start without INTAKE_ADMIN_PASSWORD: `intake serve` creates the tenant and the admin user
 * `admin@localhost` with a generated password, prints it once on stdout, and never again (a second
 * start on the same database keeps the user and prints nothing). Real processes, real HTTP.
 */
import { describe, before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createTestDatabase, type TestDatabase } from './helpers/database.js';
import { freePort, sleep } from './helpers/ports.js';
import { ApiClient } from './helpers/api-client.js';

const CLI = fileURLToPath(new URL('../src/main/cli.js', import.meta.url));

interface Served {
  child: ChildProcess;
  baseUrl: string;
  stdout(): string;
  stop(): Promise<void>;
}

/** `intake serve` with no admin variables at all (the helper in intake-process.ts always sets them). */
async function serve(databaseUrl: string, dataDir: string): Promise<Served> {
  const port = await freePort();
  const env = { PATH: process.env.PATH, HOME: process.env.HOME, PORT: String(port), HOST: '127.0.0.1', DATABASE_URL: databaseUrl, INTAKE_DATA_DIR: dataDir, INTAKE_WORKERS: '0', LOG_LEVEL: 'warn' };
  const child = spawn(process.execPath, [CLI, 'serve'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (err += d));
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`intake serve exited with ${child.exitCode}:\n${out}${err}`);
    if (Date.now() > deadline) throw new Error(`intake serve not ready:\n${out}${err}`);
    if (await fetch(`${baseUrl}/healthz`).then((r) => r.status === 200, () => false)) break;
    await sleep(100);
  }
  return {
    child,
    baseUrl,
    stdout: () => out,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

describe('first start without INTAKE_ADMIN_PASSWORD', () => {
  let db: TestDatabase;
  let dataDir: string;
  let running: Served | undefined;

  before(async () => {
    db = await createTestDatabase();
    dataDir = await mkdtemp(join(tmpdir(), 'intake-bootstrap-'));
  });
  after(async () => {
    await running?.stop();
    await db?.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  test('generates a password, prints it once, and it logs in; a second start prints nothing and keeps the user', async () => {
    running = await serve(db.url, dataDir);
    const printed = /username: (\S+)\n\s+password: (\S+)\n/.exec(running.stdout());
    assert.ok(printed, `no generated password on stdout:\n${running.stdout()}`);
    const [, username, password] = printed;
    assert.equal(username, 'admin@localhost');
    assert.ok(password!.length >= 16, 'the generated password is long');

    const api = new ApiClient(running.baseUrl);
    await api.login(username!, password!);
    const clients = await api.request('GET', '/api/v1/client/list');
    assert.equal(clients.status, 200);

    // Stored as a salted slow hash, never in clear.
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      const { rows } = await client.query('SELECT password_hash FROM users WHERE email = $1', [username]);
      assert.equal(rows.length, 1);
      assert.match(rows[0].password_hash, /^scrypt\$/);
      assert.ok(!rows[0].password_hash.includes(password));
    } finally {
      await client.end();
    }

    await running.stop();
    running = await serve(db.url, dataDir);
    assert.doesNotMatch(running.stdout(), /password/i, 'the password is printed on the first start only');
    await new ApiClient(running.baseUrl).login(username!, password!);
  });
});
