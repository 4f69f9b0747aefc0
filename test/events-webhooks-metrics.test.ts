/**
 * Live progress (SSE), webhooks (signed, retried, logged) and Prometheus metrics, against a real
 * `intake serve` with its worker processes.
 */
import { describe, before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { createHmac } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startIntake, type IntakeProcess } from './helpers/intake-process.js';
import { createTestDatabase, type TestDatabase } from './helpers/database.js';
import { ApiClient } from './helpers/api-client.js';
import { sleep } from './helpers/ports.js';
import { SAMPLE_NESSUS } from '../src/parsers/nessus/fixtures/sample-nessus.js';
import { nessusFixtures } from '../src/parsers/nessus/fixtures/nessus.fixtures.js';
import { waitForRequest } from './helpers/bulk-import-suite.js';
import { CSV_ACCOUNTS, EMPLOYEE_FILE, employees, upload, waitForBuild } from './helpers/connector-suite.js';

const METRICS_TOKEN = 'metrics-scrape-token-for-tests';

interface Received {
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

describe('live progress, webhooks and metrics', () => {
  let db: TestDatabase;
  let dataDir: string;
  let intake: IntakeProcess;
  let api: ApiClient;
  let receiver: Server;
  let receiverUrl: string;
  const received: Received[] = [];
  let failuresToSend = 0;

  before(async () => {
    db = await createTestDatabase();
    dataDir = await mkdtemp(join(tmpdir(), 'intake-events-'));
    intake = await startIntake({
      DATABASE_URL: db.url,
      INTAKE_DATA_DIR: dataDir,
      INTAKE_WEBHOOK_ALLOW_PRIVATE: 'true',
      INTAKE_WEBHOOK_BACKOFF_SECONDS: '1',
      INTAKE_METRICS_TOKEN: METRICS_TOKEN,
      // The logs test reads the request and import lines, which are written at info.
      LOG_LEVEL: 'info',
    });
    api = intake.admin;
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        res.statusCode = failuresToSend-- > 0 ? 500 : 204;
        res.end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/hooks`;
  });

  after(async () => {
    receiver?.close();
    await intake?.stop();
    await db?.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  test('SSE streams status and progress changes of an import and ends when it has finished', async () => {
    let file = '';
    for await (const piece of nessusFixtures.large(1500)) file += piece;
    const target = await api.createClientAndReport('SSE client');
    const started = await api.importBytes(target, 'nessus', 'sse.nessus', file);
    const res = await fetch(`${intake.baseUrl}/api/v2/my-imports/${started.operationId}/events`, { headers: { authorization: api.token! } });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/event-stream/);
    const text = await res.text();
    const events = [...text.matchAll(/event: (\w+)\ndata: (.*)\n/g)].map((m) => ({ event: m[1], data: JSON.parse(m[2]!) }));
    assert.ok(events.length >= 2, text);
    assert.equal(events.at(-1)!.event, 'end');
    assert.equal(events.at(-1)!.data.status, 'IMPORT COMPLETE');
    assert.equal(events.at(-1)!.data.progress, 100);
    assert.ok(events.at(-1)!.data.processed_findings > 0);
    const statuses = events.filter((e) => e.event === 'status').map((e) => e.data.status);
    assert.ok(statuses.includes('IMPORT COMPLETE'));
    assert.ok(statuses.length >= 2, `more than one change was streamed: ${statuses.join(', ')}`);

    assert.equal((await fetch(`${intake.baseUrl}/api/v2/my-imports/${started.operationId}/events`)).status, 401);
    const missing = await fetch(`${intake.baseUrl}/api/v2/my-imports/00000000-0000-0000-0000-000000000000/events`, { headers: { authorization: api.token! } });
    assert.equal(missing.status, 404);
  });

  test('a webhook fires on completion and on failure, signed, retried after a failure, with a delivery log', async () => {
    const refused = await api.request('POST', '/api/v2/webhooks', { url: 'ftp://example.com/x' });
    assert.equal(refused.status, 400);
    const hook = await api.request('POST', '/api/v2/webhooks', { url: receiverUrl });
    assert.equal(hook.status, 201, hook.text);
    assert.match(hook.body.secret, /^whsec_/);
    assert.deepEqual(hook.body.events, ['import.completed', 'import.failed']);
    assert.equal((await api.ok<any[]>('GET', '/api/v2/webhooks'))[0].secret, undefined, 'the secret is shown once');

    failuresToSend = 1;
    received.length = 0;
    const target = await api.createClientAndReport('Webhook client');
    const ok = await api.importBytes(target, 'nessus', 'hook.nessus', SAMPLE_NESSUS);
    await api.waitForImport(ok.operationId);
    const deadline = Date.now() + 30_000;
    while (received.length < 2 && Date.now() < deadline) await sleep(100);
    assert.equal(received.length, 2, 'one failed delivery, then its retry');
    const delivered = received[1]!;
    const timestamp = String(delivered.headers['intake-webhook-timestamp']);
    const expected = `v1=${createHmac('sha256', hook.body.secret).update(`${timestamp}.${delivered.body}`).digest('hex')}`;
    assert.equal(delivered.headers['intake-webhook-signature'], expected);
    assert.equal(received[0]!.headers['intake-webhook-id'], delivered.headers['intake-webhook-id'], 'the retry is the same delivery');
    const event = JSON.parse(delivered.body);
    assert.equal(event.type, 'import.completed');
    assert.equal(event.data.importId, ok.operationId);
    assert.equal(event.data.processedFindings, 5);

    const log = await api.ok<any[]>('GET', `/api/v2/webhooks/${hook.body.id}/deliveries`);
    assert.equal(log[0].status, 'delivered');
    assert.equal(log[0].attempts, 2);
    assert.equal(log[0].lastStatus, 204);

    const bad = await api.importBytes(target, 'nessus', 'bad.nessus', '<NessusClientData_v2>');
    await api.waitForImport(bad.operationId);
    while (received.length < 3 && Date.now() < deadline + 10_000) await sleep(100);
    assert.equal(JSON.parse(received[2]!.body).type, 'import.failed');

    const del = await api.request('DELETE', `/api/v2/webhooks/${hook.body.id}`);
    assert.equal(del.status, 204);
    assert.deepEqual(await api.ok('GET', '/api/v2/webhooks'), []);
  });

  test('GET /metrics reports imports by kind, state and source, queue depth, durations and HTTP latency', async () => {
    // INTAKE_METRICS_TOKEN is set: a scrape without it, or with another, is refused.
    assert.equal((await fetch(`${intake.baseUrl}/metrics`)).status, 401);
    assert.equal((await fetch(`${intake.baseUrl}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}x` } })).status, 401);
    assert.equal((await fetch(`${intake.baseUrl}/metrics`, { headers: { authorization: api.token! } })).status, 401, 'a session token is not the metrics token');
    const res = await fetch(`${intake.baseUrl}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    assert.match(text, /^intake_imports\{kind="file",state="succeeded",source="nessus"\} [1-9]\d*$/m);
    assert.match(text, /^intake_imports\{kind="file",state="failed",source="nessus"\} [1-9]\d*$/m);
    assert.match(text, /^intake_queue_depth\{queue="file-import"\} \d+$/m);
    assert.match(text, /^intake_import_duration_seconds_count\{kind="file"\} [1-9]\d*$/m);
    assert.match(text, /^intake_import_bytes_bucket\{kind="file",le="\+Inf"\} [1-9]\d*$/m);
    assert.match(text, /^intake_http_request_duration_seconds_bucket\{.*route="\/api\/v2\/my-imports".*\} \d+$/m);
    assert.match(text, /^intake_process_resident_memory_bytes \d+/m);
  });

  test('logs are JSON lines: requests carry a reqId, the request that queued an import names its importId, and so do the worker\'s lines', async () => {
    const readLines = () =>
      intake
        .log()
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line));
    /** The lines once `ready` holds for them (the worker may log its last line after the status changes). */
    const linesWhen = async (ready: (lines: any[]) => boolean): Promise<any[]> => {
      let lines: any[] = [];
      for (let i = 0; i < 50; i++) {
        lines = readLines();
        if (ready(lines)) break;
        await sleep(100);
      }
      return lines;
    };
    /** The api's `import queued` line for `importId`, tied by its reqId to the request at `urlPart`. */
    const queuedLine = (lines: any[], importId: string, urlPart: string) => {
      const queued = lines.find((l) => l.importId === importId && l.msg === 'import queued');
      assert.ok(queued, `the api says which import a request queued (${urlPart})`);
      assert.match(String(queued.reqId), /\S/);
      const sameRequest = lines.filter((l) => l.reqId === queued.reqId && l.pid === queued.pid);
      assert.ok(sameRequest.some((l) => l.req?.url?.includes(urlPart)), `the reqId ties the line to its request (${urlPart})`);
      return queued;
    };

    const target = await api.createClientAndReport('Logged client');
    const started = await api.importBytes(target, 'nessus', 'logged.nessus', SAMPLE_NESSUS);
    assert.equal((await api.waitForImport(started.operationId)).status, 'IMPORT COMPLETE');
    const importId = started.operationId;
    let lines = await linesWhen((all) => all.some((l) => l.importId === importId && l.msg === 'import complete'));
    assert.ok(lines.length > 0, 'the processes log JSON lines');
    assert.ok(lines.every((l) => typeof l.level === 'number' && typeof l.time === 'number' && typeof l.msg === 'string'));
    const queued = queuedLine(lines, importId, '/preuploaded-import/');
    assert.equal(queued.source, 'nessus');
    const done = lines.find((l) => l.importId === importId && l.msg === 'import complete');
    assert.ok(done, "the worker's lines carry the importId");
    assert.notEqual(done.pid, queued.pid, 'written by the worker process');
    assert.equal(done.findings, 5);

    // A bulk job and a connector (application) import write the same line, naming their kind and connector.
    const login = await api.request('POST', '/api/v1/authenticate', { username: 'admin@example.com', password: 'Test-Passw0rd!' });
    const bulk = await api.request('POST', `/api/v1/idm/${login.body.tenant_id}/clients/import`, [{ name: 'Logged bulk client' }]);
    assert.equal(bulk.status, 200, bulk.text);
    const bulkId: string = bulk.body.requestId.slice('import-'.length);
    assert.equal((await waitForRequest(api, bulk.body.requestId)).status, 'Completed');
    const applicationId = (await api.ok('POST', '/api/applications', { name: 'Logged application', connectorId: CSV_ACCOUNTS })).id;
    const uploaded = await upload(api, applicationId, { [EMPLOYEE_FILE]: ['logged.csv', employees(3)] });
    assert.equal(uploaded.status, 201, uploaded.text);
    assert.equal((await waitForBuild(api, uploaded.body.id)).status, 'Finished');
    lines = await linesWhen((all) =>
      all.some((l) => l.importId === bulkId && l.msg === 'bulk import complete') && all.some((l) => l.importId === uploaded.body.id && l.msg === 'application import finished'),
    );

    const bulkQueued = queuedLine(lines, bulkId, '/clients/import');
    assert.equal(bulkQueued.kind, 'clients');
    assert.equal(bulkQueued.requestId, bulk.body.requestId);
    const bulkDone = lines.find((l) => l.importId === bulkId && l.msg === 'bulk import complete');
    assert.ok(bulkDone, "the worker's bulk lines carry the importId");
    assert.notEqual(bulkDone.pid, bulkQueued.pid);

    const appQueued = queuedLine(lines, uploaded.body.id, '/api/application-imports/upload');
    assert.equal(appQueued.connectorId, CSV_ACCOUNTS);
    assert.equal(appQueued.applicationId, applicationId);
    const appDone = lines.find((l) => l.importId === uploaded.body.id && l.msg === 'application import finished');
    assert.ok(appDone, "the worker's application import lines carry the importId");
    assert.notEqual(appDone.pid, appQueued.pid);
  });
});
