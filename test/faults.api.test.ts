/**
 * Faults of the api process, in the production topology (api with INTAKE_WORKERS=0, standalone
 * workers, one PostgreSQL):
 * - SIGKILL while imports are queued and running, then a restart: every accepted import finishes
 *   with the right counts, every acknowledged upload can still be imported, and an upload cut off
 *   by the kill never becomes an object;
 * - SIGTERM during a slow request: new connections are refused at once, event streams are ended,
 *   the request in flight completes, and the process exits by itself.
 */
import { describe, before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startIntake, type IntakeProcess, type WorkerProcess } from './helpers/intake-process.js';
import { createTestDatabase, type TestDatabase } from './helpers/database.js';
import { sleep } from './helpers/ports.js';
import type { ApiClient } from './helpers/api-client.js';
import { countsOf, nessusFile, readyWorker, signalAndWait } from './helpers/faults.js';

/** A PUT whose body is sent in two halves, when the test says so. */
function slowPut(url: string, body: Buffer) {
  const req = httpRequest(url, { method: 'PUT', headers: { 'content-type': 'application/octet-stream', 'content-length': String(body.length) } });
  const response = new Promise<{ status: number; text: string }>((resolve, reject) => {
    req.on('response', (res) => {
      let text = '';
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
  });
  response.catch(() => {});
  req.write(body.subarray(0, body.length >> 1));
  return { response, finish: () => req.end(body.subarray(body.length >> 1)) };
}

describe('api faults (api + standalone workers, one PostgreSQL)', () => {
  let db: TestDatabase;
  let dataDir: string;
  let env: Record<string, string>;
  let intake: IntakeProcess | undefined;
  let worker: WorkerProcess | undefined;

  before(async () => {
    db = await createTestDatabase();
    dataDir = await mkdtemp(join(tmpdir(), 'intake-faults-api-'));
    env = { DATABASE_URL: db.url, INTAKE_DATA_DIR: dataDir, INTAKE_HEARTBEAT_SECONDS: '1', INTAKE_STALL_SECONDS: '3', INTAKE_WORKER_CONCURRENCY: '1', INTAKE_SHUTDOWN_GRACE_SECONDS: '10' };
    worker = await readyWorker(env);
  });

  after(async () => {
    await worker?.stop();
    await intake?.stop();
    await db?.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  const api = (): ApiClient => intake!.admin;

  test('SIGKILL while imports are queued and running: after a restart every accepted import and acknowledged upload is there', async () => {
    intake = await startIntake({ ...env, INTAKE_WORKERS: '0' });
    const { text, expected } = await nessusFile(3000);
    const target = await api().createClientAndReport('Killed api');
    const accepted = [];
    for (let i = 0; i < 3; i++) accepted.push((await api().importBytes(target, 'nessus', `scan-${i}.nessus`, text)).operationId as string);
    const uploaded = await api().upload('later.nessus', text);
    const cut = await api().ok('POST', '/api/v2/presigned-url', { name: 'cut.nessus' });
    const interrupted = slowPut(cut.url, Buffer.from(text));
    for (;;) {
      const statuses = (await api().ok<any[]>('GET', '/api/v2/my-imports')).map((r) => r.status);
      if (statuses.includes('PROCESSING') && statuses.includes('IN QUEUE')) break;
      assert.ok(!statuses.every((s) => s === 'IMPORT COMPLETE'), 'every import ended before the kill; make them larger');
      await sleep(20);
    }

    const exit = await signalAndWait(intake.child, 'SIGKILL');
    assert.equal(exit.signal, 'SIGKILL');
    await assert.rejects(interrupted.response, 'the cut-off upload was not acknowledged');
    // The queue does not need the api: the worker goes on meanwhile.
    await sleep(1000);

    intake = await startIntake({ ...env, INTAKE_WORKERS: '0' });
    for (const id of accepted) {
      const job = await api().waitForImport(id, 120_000);
      assert.equal(job.status, 'IMPORT COMPLETE', job.error_status);
      assert.deepEqual(countsOf(job), expected);
    }
    const later = await api().ok('POST', `/api/v2/client/${target.clientId}/report/${target.reportId}/preuploaded-import/nessus`, {
      key: uploaded.key, fileName: 'later.nessus', tags: '{"assets":[],"findings":[]}', useParserActions: false,
    });
    const laterJob = await api().waitForImport(later.operationId, 120_000);
    assert.equal(laterJob.status, 'IMPORT COMPLETE', 'the upload acknowledged before the kill is intact');
    assert.deepEqual(countsOf(laterJob), expected);
    const refused = await api().request('POST', `/api/v2/client/${target.clientId}/report/${target.reportId}/preuploaded-import/nessus`, {
      key: cut.key, fileName: 'cut.nessus', tags: '{"assets":[],"findings":[]}', useParserActions: false,
    });
    assert.equal(refused.status, 400, refused.text);
    assert.equal(refused.body.code, 'UPLOAD_NOT_FOUND', 'half an upload never becomes an object');
  });

  test('SIGTERM during a slow request: new connections are refused, event streams end, the request completes, the process exits', async () => {
    intake ??= await startIntake({ ...env, INTAKE_WORKERS: '0' });
    const { text, expected } = await nessusFile(200);
    const target = await api().createClientAndReport('Draining api');
    // No worker: this import stays queued, and its event stream stays open until something ends it.
    await worker?.stop();
    const waiting = await api().importBytes(target, 'nessus', 'waiting.nessus', text);
    const stream = await fetch(`${intake.baseUrl}/api/v2/my-imports/${waiting.operationId}/events`, { headers: { authorization: api().token! } });
    assert.equal(stream.status, 200);
    const streamEnded = stream.text().then(() => Date.now(), () => Date.now());

    const pre = await api().ok('POST', '/api/v2/presigned-url', { name: 'slow.nessus' });
    const upload = slowPut(pre.url, Buffer.from(text));
    await sleep(300);
    const exited = new Promise<number | null>((resolve) => intake!.child.once('exit', (code) => resolve(code)));
    const signalled = Date.now();
    intake.child.kill('SIGTERM');
    const deadline = Date.now() + 10_000;
    for (;;) {
      const refused = await fetch(`${intake.baseUrl}/healthz`).then(() => false, () => true);
      if (refused) break;
      assert.ok(Date.now() < deadline, 'the api still accepts connections 10 s after SIGTERM');
      await sleep(20);
    }
    assert.ok((await streamEnded) - signalled < 3000, 'the event stream was ended, not left to hold the shutdown');
    assert.equal(intake.child.exitCode, null, 'the api waits for the request in flight');
    upload.finish();
    const response = await upload.response;
    const uploaded = Date.now();
    assert.equal(response.status, 200, response.text);
    assert.equal(await exited, 0, intake.log().slice(-2000));
    assert.ok(Date.now() - uploaded < 5000, 'it exits once the last request is done, not at the end of the 10 s grace period');

    intake = await startIntake({ ...env, INTAKE_WORKERS: '0' });
    worker = await readyWorker(env);
    const started = await api().ok('POST', `/api/v2/client/${target.clientId}/report/${target.reportId}/preuploaded-import/nessus`, {
      key: pre.key, fileName: 'slow.nessus', tags: '{"assets":[],"findings":[]}', useParserActions: false,
    });
    for (const id of [started.operationId, waiting.operationId]) {
      const job = await api().waitForImport(id, 60_000);
      assert.equal(job.status, 'IMPORT COMPLETE', 'the drained upload was stored whole; the queued import waited');
      assert.deepEqual(countsOf(job), expected);
    }
  });
});
