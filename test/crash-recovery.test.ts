/**
 * A worker process killed with SIGKILL in the middle of an import: the reaper sees its heartbeat
 * stop, the job is retried by another worker, and the import ends with exactly the counts and
 * rows of an uninterrupted run — for a scanner file import and for a bulk import.
 */
import { describe, before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { startIntake, startWorker, type IntakeProcess, type WorkerProcess } from './helpers/intake-process.js';
import { createTestDatabase, type TestDatabase } from './helpers/database.js';
import { sleep } from './helpers/ports.js';
import { startBulkJobMidway, waitForRequest } from './helpers/bulk-import-suite.js';
import { nessusFixtures } from '../src/parsers/nessus/fixtures/nessus.fixtures.js';
import { nessusParser } from '../src/parsers/nessus/nessus.parser.js';
import { countRecords } from '../src/parsers/support/count-records.js';

describe('a worker killed mid-import', () => {
  let db: TestDatabase;
  let dataDir: string;
  let intake: IntakeProcess;
  let env: Record<string, string>;
  const workers: WorkerProcess[] = [];

  before(async () => {
    db = await createTestDatabase();
    dataDir = await mkdtemp(join(tmpdir(), 'intake-crash-'));
    env = { DATABASE_URL: db.url, INTAKE_DATA_DIR: dataDir, INTAKE_HEARTBEAT_SECONDS: '1', INTAKE_STALL_SECONDS: '3' };
    intake = await startIntake({ ...env, INTAKE_WORKERS: '0' });
  });

  after(async () => {
    await Promise.all(workers.map((w) => w.stop()));
    await intake?.stop();
    await db?.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  /** Starts a worker and waits until it is ready to take jobs. */
  async function worker(): Promise<WorkerProcess> {
    const w = startWorker({ ...env, LOG_LEVEL: 'info' });
    workers.push(w);
    while (!/worker ready/.test(w.log())) {
      if (w.child.exitCode !== null) throw new Error(`worker exited: ${w.log()}`);
      await sleep(50);
    }
    return w;
  }

  function kill(w: WorkerProcess): Promise<unknown> {
    const exited = new Promise((resolve) => w.child.once('exit', resolve));
    w.child.kill('SIGKILL');
    return exited;
  }

  test('a scanner file import is resumed by another worker and counts exactly what a clean run counts', async () => {
    const api = intake.admin;
    let file = '';
    for await (const piece of nessusFixtures.large(5000)) file += piece;
    const expected = await countRecords(nessusParser.parse(Readable.from([Buffer.from(file)])));

    const first = await worker();
    const target = await api.createClientAndReport('Crash client');
    const started = await api.importBytes(target, 'nessus', 'big.nessus', file);
    for (;;) {
      const job = await api.ok('GET', `/api/v2/my-imports/${started.operationId}`);
      assert.notEqual(job.status, 'IMPORT COMPLETE', 'the import ended before the worker could be killed; make the file larger');
      if (job.status === 'PROCESSING' && Number(job.processed_bytes) > 0) break;
      await sleep(20);
    }
    await kill(first);
    await worker();
    const job = await api.waitForImport(started.operationId, 120_000);
    assert.equal(job.status, 'IMPORT COMPLETE', job.error_status);
    assert.deepEqual(
      { findings: job.processed_findings, assets: job.processed_assets, finding_assets: job.processed_finding_assets, evidence: job.processed_evidence },
      expected,
    );
    const flaws = await api.ok<any[]>('GET', `/api/v1/client/${target.clientId}/report/${target.reportId}/flaws`);
    assert.equal(flaws.length, expected.findings);
    assert.equal((await api.ok<any[]>('GET', `/api/v1/client/${target.clientId}/assets`)).length, expected.assets);
  });

  test('a bulk import resumes after the last recorded object: same summary, nothing created twice', async () => {
    const api = intake.admin;
    const { clientId, reportId } = await api.createClientAndReport('Crash bulk');
    const objects = Array.from({ length: 1000 }, (_, i) =>
      i % 5 === 0 ? { clientId, reportId, title: `Finding ${i}`, severity: 'Nope' } : { clientId, reportId, title: `Finding ${i}`, severity: 'Low', affectedAssets: [`h${i % 50}`, `h${(i + 1) % 50}`] },
    );
    const first = await worker();
    const requestId = await startBulkJobMidway(api, 'findings', objects);
    await kill(first);
    await worker();
    const done = await waitForRequest(api, requestId, 120_000);
    assert.equal(done.status, 'Completed', JSON.stringify(done));
    assert.deepEqual(done.result.summary, { total: 1000, created: 800, failed: 200 });
    const flaws = await api.ok<any[]>('GET', `/api/v1/client/${clientId}/report/${reportId}/flaws`);
    assert.equal(flaws.length, 800);
    const report = await (await fetch(done.result.reportUrl)).text();
    assert.equal(report.trim().split('\n').length, 1001, 'one report row per input');
  });

  test('a bulk job that cannot run ends Failed with the reason, and frees the user for the next job', async () => {
    await Promise.all(workers.map((w) => w.stop()));
    const api = intake.admin;
    const login = await api.request('POST', '/api/v1/authenticate', { username: 'admin@example.com', password: 'Test-Passw0rd!' });
    const start = () => api.request('POST', `/api/v1/idm/${login.body.tenant_id}/clients/import`, [{ name: 'Lost Co' }]);
    const res = await start();
    assert.equal(res.status, 200, res.text);
    const pending = await api.request('GET', `/api/v1/request/${res.body.requestId}`);
    assert.deepEqual(pending.body, { requestId: res.body.requestId, status: 'Pending' });
    // The stored request body is gone before any worker reads it: no retry can mend that.
    const importId: string = res.body.requestId.slice('import-'.length);
    await unlink(join(dataDir, 'objects', `b${importId.replace(/-/g, '')}`, 'request.json'));
    await worker();
    const done = await waitForRequest(api, res.body.requestId);
    assert.equal(done.status, 'Failed', JSON.stringify(done));
    assert.match(done.error, /no stored object "b[0-9a-f]{32}\/request\.json"/);
    assert.equal(done.result, undefined);
    const next = await start();
    assert.equal(next.status, 200, `a Failed job is no longer active: ${next.text}`);
    assert.equal((await waitForRequest(api, next.body.requestId)).status, 'Completed');
  });
});
