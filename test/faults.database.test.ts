/**
 * A PostgreSQL server that goes away or stops answering, in the production topology (api with
 * INTAKE_WORKERS=0 and a standalone worker), through a TCP proxy the test controls: the api
 * answers 503 quickly (connection and statement timeouts: never a hang), /healthz says 503, both
 * processes keep running, and when the server is back everything recovers by itself, the import
 * that was running included.
 */
import { describe, before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startIntake, type IntakeProcess, type WorkerProcess } from './helpers/intake-process.js';
import { createTestDatabase, type TestDatabase } from './helpers/database.js';
import { sleep } from './helpers/ports.js';
import { TcpProxy } from './helpers/tcp-proxy.js';
import { countsOf, nessusFile, readyWorker } from './helpers/faults.js';

describe('database outages seen through the network (api + standalone worker)', () => {
  let db: TestDatabase;
  let proxy: TcpProxy;
  let dataDir: string;
  let intake: IntakeProcess;
  let worker: WorkerProcess;

  before(async () => {
    db = await createTestDatabase();
    const through = await TcpProxy.for(db.url);
    proxy = through.proxy;
    dataDir = await mkdtemp(join(tmpdir(), 'intake-faults-db-'));
    const env = {
      DATABASE_URL: through.url, INTAKE_DATA_DIR: dataDir, INTAKE_HEARTBEAT_SECONDS: '1', INTAKE_STALL_SECONDS: '3',
      INTAKE_DB_CONNECT_TIMEOUT_SECONDS: '2', INTAKE_DB_STATEMENT_TIMEOUT_SECONDS: '2',
    };
    intake = await startIntake({ ...env, INTAKE_WORKERS: '0' });
    worker = await readyWorker(env);
  });

  after(async () => {
    await proxy?.set('pass');
    await worker?.stop();
    await intake?.stop();
    await proxy?.close();
    await db?.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  /** Requests during `ms`: every answer, with how long it took. */
  async function probe(ms: number): Promise<{ path: string; status: number | string; code?: string; ms: number }[]> {
    const out: { path: string; status: number | string; code?: string; ms: number }[] = [];
    const until = Date.now() + ms;
    const loop = async (path: string) => {
      while (Date.now() < until) {
        const t0 = Date.now();
        try {
          const res = await fetch(intake.baseUrl + path, { headers: { authorization: intake.admin.token! }, signal: AbortSignal.timeout(20_000) });
          out.push({ path, status: res.status, code: ((await res.json().catch(() => ({}))) as { code?: string }).code, ms: Date.now() - t0 });
        } catch (error) {
          out.push({ path, status: String(error), ms: Date.now() - t0 });
        }
        await sleep(50);
      }
    };
    await Promise.all([loop('/healthz'), loop('/api/v2/my-imports'), loop('/api/v1/client/list')]);
    return out;
  }

  async function waitHealthy(): Promise<void> {
    const deadline = Date.now() + 30_000;
    while ((await fetch(`${intake.baseUrl}/healthz`).then((r) => r.status, () => 0)) !== 200) {
      assert.ok(Date.now() < deadline, 'not healthy 30 s after the database came back');
      await sleep(100);
    }
    assert.equal((await intake.admin.request('GET', '/api/v2/my-imports')).status, 200);
  }

  test('the server goes away (connections reset and refused): 503 at once; back, it all recovers, the running import too', async () => {
    const api = intake.admin;
    const { text, expected } = await nessusFile(6000);
    const target = await api.createClientAndReport('Server gone');
    const started = await api.importBytes(target, 'nessus', 'gone.nessus', text);
    while ((await api.ok('GET', `/api/v2/my-imports/${started.operationId}`)).status !== 'PROCESSING') await sleep(20);

    await proxy.set('refuse');
    const down = await probe(2000);
    assert.ok(down.length > 10);
    assert.deepEqual([...new Set(down.map((d) => `${d.status} ${d.code}`))], ['503 DATABASE_UNAVAILABLE'], JSON.stringify(down.slice(0, 3)));
    assert.ok(Math.max(...down.map((d) => d.ms)) < 3000, 'answered at once');

    await proxy.set('pass');
    await waitHealthy();
    const job = await api.waitForImport(started.operationId, 120_000);
    assert.equal(job.status, 'IMPORT COMPLETE', job.error_status);
    assert.deepEqual(countsOf(job), expected);
    assert.equal(intake.child.exitCode, null);
    assert.equal(worker.child.exitCode, null, 'the worker survived the outage');
  });

  test('the server stops answering (connections hang): 503 within the configured timeouts, never a hang', async () => {
    const api = intake.admin;
    await proxy.set('blackhole');
    const hung = await probe(3000);
    assert.ok(hung.length >= 3);
    for (const answer of hung) {
      assert.equal(answer.status, 503, JSON.stringify(answer));
      assert.ok(['DATABASE_UNAVAILABLE', 'DATABASE_TIMEOUT'].includes(answer.code!), JSON.stringify(answer));
      // 2 s to connect, or 2 s of statement time plus the client's 5 s on a connection already open.
      assert.ok(answer.ms < 9000, `answered in ${answer.ms} ms`);
    }
    await proxy.set('pass');
    await waitHealthy();
    const { text } = await nessusFile(10);
    const job = await api.waitForImport((await api.importBytes(await api.createClientAndReport('After the hang'), 'nessus', 'x.nessus', text)).operationId, 60_000);
    assert.equal(job.status, 'IMPORT COMPLETE', job.error_status);
    assert.equal(worker.child.exitCode, null);
  });
});
