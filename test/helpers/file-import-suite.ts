/**
 * The spec-1 scanner file import flow, end to end over real HTTP against a real `intake serve`
 * (with its real worker processes). Run once per deployment mode by the *.flow.test.ts files.
 */
import { describe, before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { SAMPLE_NESSUS } from '../../src/parsers/nessus/fixtures/sample-nessus.js';
import { SAMPLE_BURP } from '../../src/parsers/burp/fixtures/sample-burp.js';
import { ApiClient } from './api-client.js';
import type { IntakeProcess } from './intake-process.js';

export interface SuiteContext {
  intake: IntakeProcess;
  /** A logged-in user of another tenant, when the mode can create one. */
  otherTenant?: ApiClient;
}

const NESSUS_COUNTS = { findings: 5, assets: 3, finding_assets: 5, evidence: 4 };
const BURP_COUNTS = { findings: 2, assets: 2, finding_assets: 2, evidence: 3 };

function countsOf(job: any) {
  return { findings: job.processed_findings, assets: job.processed_assets, finding_assets: job.processed_finding_assets, evidence: job.processed_evidence };
}

export interface SuiteOptions {
  setup: () => Promise<SuiteContext>;
  teardown: () => Promise<void>;
  /** Whether setup provides `otherTenant` (needs direct database access to create it). */
  hasOtherTenant: boolean;
  /** Tests only this mode has, registered inside the suite. */
  modeTests?: (context: () => SuiteContext) => void;
}

export function defineFileImportSuite(name: string, options: SuiteOptions): void {
  describe(name, () => {
    let ctx: SuiteContext;
    let api: ApiClient;
    before(async () => {
      ctx = await options.setup();
      api = ctx.intake.admin;
    });
    after(options.teardown);

    test('imports a Nessus file through presigned URL, PUT, preuploaded-import and my-imports', async () => {
      const target = await api.createClientAndReport('Nessus client');
      const started = await api.importBytes(target, 'nessus', 'weekly.nessus', SAMPLE_NESSUS);
      assert.equal(started.status, 'success');
      assert.equal(started.operationId, started.importJob.id);
      assert.equal(started.importJob.status, 'IN QUEUE');
      assert.equal(started.importJob.source, 'nessus');
      assert.equal(started.importJob.original_filename, 'weekly.nessus');
      assert.equal(started.importJob.file_type, 'text/xml');
      assert.equal(started.importJob.file_size, String(Buffer.byteLength(SAMPLE_NESSUS)));
      assert.equal(started.importJob.client_id, target.clientId);
      assert.equal(started.importJob.report_id, target.reportId);
      assert.deepEqual(Object.keys(started.importJob).sort(), [
        'asset_tags', 'client_id', 'created_at', 'error_status', 'failure_notified_at', 'file_location', 'file_size', 'file_type',
        'finding_tags', 'findings_created', 'findings_unchanged', 'findings_updated', 'id', 'last_updated_at', 'original_filename', 'parser_actions_enabled', 'processed_assets', 'processed_bytes',
        'processed_evidence', 'processed_finding_assets', 'processed_findings', 'report_id', 'source', 'status', 'tenant_id', 'user_email', 'user_id',
      ]);

      const job = await api.waitForImport(started.operationId);
      assert.equal(job.status, 'IMPORT COMPLETE', job.error_status);
      assert.deepEqual(countsOf(job), NESSUS_COUNTS);
      assert.deepEqual(job.listed, {
        key: started.operationId,
        name: 'weekly.nessus',
        reportName: 'Nessus client report',
        clientName: 'Nessus client',
        fileSize: String(Buffer.byteLength(SAMPLE_NESSUS)),
        status: 'IMPORT COMPLETE',
        progress: 100,
        errorStatus: null,
        source: 'nessus',
      });

      const flaws = await api.ok<any[]>('GET', `/api/v1/client/${target.clientId}/report/${target.reportId}/flaws`);
      assert.equal(flaws.length, NESSUS_COUNTS.findings);
      const assets = await api.ok<any[]>('GET', `/api/v1/client/${target.clientId}/assets`);
      assert.equal(assets.length, NESSUS_COUNTS.assets);
      const severities = flaws.map((f) => f.data[1]).sort();
      assert.deepEqual(severities, ['Critical', 'High', 'Informational', 'Low', 'Medium']);

      const tls = flaws.find((f) => String(f.data[2]).startsWith('Weak TLS'));
      const flaw = await api.ok('GET', `/api/v1/client/${target.clientId}/report/${target.reportId}/flaw/${tls.data[0]}`);
      assert.equal(flaw.severity, 'High');
      assert.equal(flaw.tool_severity, '3', "Nessus's own severity number is kept");
      assert.deepEqual(flaw.common_identifiers.CVE.map((c: any) => c.name), ['CVE-2020-0001', 'CVE-2020-0002']);
      const affected = Object.values(flaw.affected_assets) as any[];
      assert.equal(affected.length, 1);
      assert.deepEqual(Object.keys(affected[0].ports).sort(), ['443', '8443']);
      // 443 and 8443 in the first ReportHost, 443 again in a second ReportHost for the same IP
      assert.equal(affected[0].evidence.length, 3);
    });

    test('a second import of the same file into the same report adds nothing and reports the same counts', async () => {
      const target = await api.createClientAndReport('Reimport client');
      const first = await api.waitForImport((await api.importBytes(target, 'nessus', 'a.nessus', SAMPLE_NESSUS)).operationId);
      const second = await api.waitForImport((await api.importBytes(target, 'nessus', 'a.nessus', SAMPLE_NESSUS)).operationId);
      assert.equal(second.status, 'IMPORT COMPLETE');
      assert.deepEqual(countsOf(second), countsOf(first));
      assert.deepEqual([first.findings_created, first.findings_updated, first.findings_unchanged], [NESSUS_COUNTS.findings, 0, 0]);
      assert.deepEqual([second.findings_created, second.findings_updated, second.findings_unchanged], [0, 0, NESSUS_COUNTS.findings]);

      // A newer scan: one finding's text changes, one finding is found on one more host, one finding
      // is new; the rest are as they were.
      const newer = SAMPLE_NESSUS.replace('Weak ciphers are enabled.', 'Weak ciphers are still enabled.').replace(
        '<ReportHost name="10.0.0.9"/>',
        '<ReportHost name="10.0.0.9"><ReportItem port="25" protocol="tcp" svc_name="smtp" severity="2" pluginID="20001" pluginName="Open relay"/>' +
          '<ReportItem port="22" svc_name="ssh" protocol="tcp" severity="4" pluginID="10002" pluginName="SSH server critical flaw" pluginFamily="Misc."/></ReportHost>',
      );
      const third = await api.waitForImport((await api.importBytes(target, 'nessus', 'b.nessus', newer)).operationId);
      assert.equal(third.status, 'IMPORT COMPLETE', third.error_status);
      assert.deepEqual([third.findings_created, third.findings_updated, third.findings_unchanged], [1, 2, NESSUS_COUNTS.findings - 2]);
      const listed = (await api.ok<any[]>('GET', '/api/v2/my-imports')).map((r) => r.key);
      assert.deepEqual(listed.slice(0, 3), [third.id, second.id, first.id], 'my-imports lists the newest first');
      assert.equal((await api.ok<any[]>('GET', `/api/v1/client/${target.clientId}/report/${target.reportId}/flaws`)).length, NESSUS_COUNTS.findings + 1);
      assert.equal((await api.ok<any[]>('GET', `/api/v1/client/${target.clientId}/assets`)).length, NESSUS_COUNTS.assets);
      const flaws = await api.ok<any[]>('GET', `/api/v1/client/${target.clientId}/report/${target.reportId}/flaws`);
      const tls = flaws.find((f) => String(f.data[2]).startsWith('Weak TLS'));
      const flaw = await api.ok('GET', `/api/v1/client/${target.clientId}/report/${target.reportId}/flaw/${tls.data[0]}`);
      assert.equal((Object.values(flaw.affected_assets)[0] as any).evidence.length, 3, 'evidence is not duplicated');
      const ssh = flaws.find((f) => f.data[2] === 'SSH server critical flaw');
      const sshFlaw = await api.ok('GET', `/api/v1/client/${target.clientId}/report/${target.reportId}/flaw/${ssh.data[0]}`);
      const sshHosts = (Object.values(sshFlaw.affected_assets) as any[]).map((a) => a.asset);
      assert.equal(sshHosts.length, 2, 'the existing finding gained the new host');
      assert.ok(sshHosts.includes('10.0.0.9'));
    });

    test('concurrent imports into one report merge one at a time: no finding is created twice', async () => {
      const target = await api.createClientAndReport('Concurrent client');
      const started = await Promise.all([1, 2, 3].map(() => api.importBytes(target, 'nessus', 'same.nessus', SAMPLE_NESSUS)));
      const jobs = await Promise.all(started.map((s) => api.waitForImport(s.operationId)));
      for (const job of jobs) assert.equal(job.status, 'IMPORT COMPLETE', job.error_status);
      assert.equal(jobs.reduce((sum, job) => sum + job.findings_created, 0), NESSUS_COUNTS.findings);
      assert.equal((await api.ok<any[]>('GET', `/api/v1/client/${target.clientId}/report/${target.reportId}/flaws`)).length, NESSUS_COUNTS.findings);
      assert.equal((await api.ok<any[]>('GET', `/api/v1/client/${target.clientId}/assets`)).length, NESSUS_COUNTS.assets);
    });

    test('imports a Burp export, with the tags of the request on findings and assets', async () => {
      const target = await api.createClientAndReport('Burp client');
      const started = await api.importBytes(target, 'burp', 'issues.xml', SAMPLE_BURP, { assets: ['dmz', 'web'], findings: ['q3-pentest'] });
      assert.deepEqual(started.importJob.asset_tags, ['dmz', 'web']);
      assert.deepEqual(started.importJob.finding_tags, ['q3-pentest']);
      const job = await api.waitForImport(started.operationId);
      assert.equal(job.status, 'IMPORT COMPLETE', job.error_status);
      assert.deepEqual(countsOf(job), BURP_COUNTS);
      const assets = await api.ok<any[]>('GET', `/api/v1/client/${target.clientId}/assets`);
      for (const asset of assets) assert.deepEqual(asset.tags, ['dmz', 'web']);
      const flaws = await api.ok<any[]>('GET', `/api/v1/client/${target.clientId}/report/${target.reportId}/flaws`);
      const flaw = await api.ok('GET', `/api/v1/client/${target.clientId}/report/${target.reportId}/flaw/${flaws[0].data[0]}`);
      assert.deepEqual(flaw.tags, ['q3-pentest']);
    });

    test("a tool's rich text is stored sanitised: no script, no event handler", async () => {
      const target = await api.createClientAndReport('Hostile text client');
      const hostile = SAMPLE_BURP.replace('<p>Reflected XSS arises when…</p>', '<p onclick="steal()">Reflected XSS arises when…</p><script>alert(1)</script>')
        .replace('<p>Encode output.</p>', '<p>Encode output.</p><img src=x onerror="alert(2)">');
      assert.notEqual(hostile, SAMPLE_BURP);
      const job = await api.waitForImport((await api.importBytes(target, 'burp', 'hostile.xml', hostile)).operationId);
      assert.equal(job.status, 'IMPORT COMPLETE', job.error_status);
      const flaws = await api.ok<any[]>('GET', `/api/v1/client/${target.clientId}/report/${target.reportId}/flaws`);
      const xss = flaws.find((f) => f.data[2] === 'Cross-site scripting (reflected)');
      const flaw = await api.ok('GET', `/api/v1/client/${target.clientId}/report/${target.reportId}/flaw/${xss.data[0]}`);
      assert.match(flaw.description, /^<p>Reflected XSS arises when…<\/p>/);
      assert.doesNotMatch(flaw.description, /script|onclick|alert/);
      assert.equal(flaw.recommendations, '<p>Encode output.</p>');
    });

    test('source "auto" recognises the format from the first bytes; aliases of sources work too', async () => {
      const target = await api.createClientAndReport('Auto client');
      const started = await api.importBytes(target, 'auto', 'unknown-name.dat', SAMPLE_BURP);
      assert.equal(started.importJob.source, 'auto');
      const job = await api.waitForImport(started.operationId);
      assert.equal(job.status, 'IMPORT COMPLETE', job.error_status);
      assert.equal(job.source, 'burp');
      assert.equal(job.listed.source, 'burp');
      assert.deepEqual(countsOf(job), BURP_COUNTS);
    });

    test('the deprecated importAsync route streams a multipart file and queues the same job', async () => {
      const target = await api.createClientAndReport('Legacy client');
      const form = new FormData();
      form.append('tags', JSON.stringify({ assets: ['legacy'], findings: [] }));
      form.append('file', new Blob([SAMPLE_NESSUS]), 'legacy.nessus');
      const res = await api.request('POST', `/api/v2/client/${target.clientId}/report/${target.reportId}/importAsync/nessus`, form);
      assert.equal(res.status, 200, res.text);
      assert.match(res.headers.get('deprecation') ?? '', /^@\d+$/);
      const sunset = Date.parse(res.headers.get('sunset') ?? '');
      assert.ok(sunset >= Number(res.headers.get('deprecation')!.slice(1)) * 1000, 'Sunset is not before Deprecation');
      assert.match(res.headers.get('link') ?? '', /preuploaded-import\/nessus>; rel="successor-version"/);
      assert.equal(res.body.importJob.status, 'IN QUEUE');
      assert.deepEqual(res.body.importJob.asset_tags, ['legacy']);
      const job = await api.waitForImport(res.body.operationId);
      assert.equal(job.status, 'IMPORT COMPLETE', job.error_status);
      assert.deepEqual(countsOf(job), NESSUS_COUNTS);
    });

    test('the PlexTrac v1 import route answers once the findings exist, and with 400 when the file is bad', async () => {
      const target = await api.createClientAndReport('V1 client');
      const form = new FormData();
      form.append('file', new Blob([SAMPLE_BURP]), 'burp.xml');
      const res = await api.request('POST', `/api/v1/client/${target.clientId}/report/${target.reportId}/import/burp`, form);
      assert.equal(res.status, 200, res.text);
      assert.equal(res.body.importJob.status, 'IMPORT COMPLETE');
      assert.deepEqual(countsOf(res.body.importJob), BURP_COUNTS);
      assert.equal((await api.ok<any[]>('GET', `/api/v1/client/${target.clientId}/report/${target.reportId}/flaws`)).length, BURP_COUNTS.findings);

      const bad = new FormData();
      bad.append('file', new Blob(['<issues><issue>']), 'broken.xml');
      const failed = await api.request('POST', `/api/v1/client/${target.clientId}/report/${target.reportId}/import/burp`, bad);
      assert.equal(failed.status, 400);
      assert.equal(failed.body.status, 'error');
      assert.equal(failed.body.code, 'IMPORT_FAILED');
      assert.match(failed.body.message, /end of/i);

      const noFile = await api.request('POST', `/api/v1/client/${target.clientId}/report/${target.reportId}/import/burp`, new FormData());
      assert.equal(noFile.status, 400);
    });

    describe('a bad file ends the import as ERROR and leaves nothing half-imported', () => {
      const cases: [string, string, string, RegExp][] = [
        ['malformed XML', 'nessus', '<NessusClientData_v2><Report><ReportHost name="a"></Report>', /line \d+/],
        ['truncated XML', 'nessus', SAMPLE_NESSUS.slice(0, Math.floor(SAMPLE_NESSUS.length / 2)), /end of (file|input|document)/i],
        ['a Burp file sent as nessus', 'nessus', SAMPLE_BURP, /expected Tenable Nessus.*looks like Burp Suite/],
        ['a Nessus file sent as burp', 'burp', SAMPLE_NESSUS, /expected Burp Suite.*looks like Tenable Nessus/],
        ['a JSON file sent as burp', 'burp', '{"not": "xml"}', /expected Burp Suite.*looks like JSON with keys "not"/],
        ['an unrecognisable file sent as auto', 'auto', 'hello,world\n1,2\n', /could not recognise.*first line is "hello,world"/],
        ['an empty file', 'burp', '', /empty|end of/i],
      ];
      for (const [label, source, content, pattern] of cases) {
        test(label, async () => {
          const target = await api.createClientAndReport(`Bad ${label}`);
          const job = await api.waitForImport((await api.importBytes(target, source, 'bad.xml', content)).operationId);
          assert.equal(job.status, 'ERROR');
          assert.equal(job.listed.status, 'ERROR');
          assert.match(job.error_status, pattern);
          assert.equal(job.listed.errorStatus, job.error_status);
          assert.deepEqual(countsOf(job), { findings: 0, assets: 0, finding_assets: 0, evidence: 0 });
          assert.deepEqual(await api.ok('GET', `/api/v1/client/${target.clientId}/report/${target.reportId}/flaws`), []);
          assert.deepEqual(await api.ok('GET', `/api/v1/client/${target.clientId}/assets`), []);
        });
      }
    });

    describe('bad requests get a 4xx with a stable code and nothing is queued', () => {
      test('authentication: missing, wrong and malformed tokens are 401; bad passwords are 401', async () => {
        const anonymous = new ApiClient(api.baseUrl);
        for (const authorization of [undefined, 'nonsense', 'Bearer a.b.c', `${api.token}x`]) {
          const res = await anonymous.request('GET', '/api/v2/my-imports', undefined, authorization ? { authorization } : {});
          assert.equal(res.status, 401);
          assert.equal(res.body.status, 'error');
          assert.match(res.body.code, /^AUTH_/);
        }
        const login = await anonymous.request('POST', '/api/v1/authenticate', { username: 'admin@example.com', password: 'wrong' });
        assert.equal(login.status, 401);
        assert.equal(login.body.code, 'AUTH_CREDENTIALS_INVALID');
        const bearer = await anonymous.request('GET', '/api/v2/my-imports', undefined, { authorization: `Bearer ${api.token}` });
        assert.equal(bearer.status, 200);
      });

      test('unknown source, unknown key, missing fields and non-JSON tags', async () => {
        const target = await api.createClientAndReport('Bad requests');
        const base = `/api/v2/client/${target.clientId}/report/${target.reportId}/preuploaded-import`;
        const { key } = await api.upload('x.nessus', SAMPLE_NESSUS);
        const before = (await api.ok<any[]>('GET', '/api/v2/my-imports')).length;

        const unknownSource = await api.request('POST', `${base}/notatool`, { key, fileName: 'x.nessus' });
        assert.equal(unknownSource.status, 400);
        assert.equal(unknownSource.body.code, 'SOURCE_UNKNOWN');
        assert.match(unknownSource.body.message, /nessus/);

        const unknownKey = await api.request('POST', `${base}/nessus`, { key: 'cnope/x.nessus', fileName: 'x.nessus' });
        assert.equal(unknownKey.status, 404);
        assert.equal(unknownKey.body.code, 'UPLOAD_KEY_NOT_FOUND');

        const missingKey = await api.request('POST', `${base}/nessus`, { fileName: 'x.nessus' });
        assert.equal(missingKey.status, 400);
        assert.equal(missingKey.body.code, 'VALIDATION_FAILED');

        const badTags = await api.request('POST', `${base}/nessus`, { key, fileName: 'x.nessus', tags: '{assets: nope' });
        assert.equal(badTags.status, 400);
        assert.equal(badTags.body.code, 'TAGS_INVALID');

        const notUploaded = await api.ok('POST', '/api/v2/presigned-url', { name: 'never-put.nessus' });
        const missingObject = await api.request('POST', `${base}/nessus`, { key: notUploaded.key });
        assert.equal(missingObject.status, 400);
        assert.equal(missingObject.body.code, 'UPLOAD_NOT_FOUND');

        const noReport = await api.request('POST', `/api/v2/client/${target.clientId}/report/999999/preuploaded-import/nessus`, { key });
        assert.equal(noReport.status, 404);
        assert.equal(noReport.body.code, 'REPORT_NOT_FOUND');

        const presignNoName = await api.request('POST', '/api/v2/presigned-url', {});
        assert.equal(presignNoName.status, 400);

        assert.equal((await api.ok<any[]>('GET', '/api/v2/my-imports')).length, before, 'no import was queued');

        const first = await api.request('POST', `${base}/nessus`, { key, fileName: 'x.nessus' });
        assert.equal(first.status, 200);
        const replay = await api.request('POST', `${base}/nessus`, { key, fileName: 'x.nessus' });
        assert.equal(replay.status, 409, 'a key starts one import only');
        assert.equal(replay.body.code, 'UPLOAD_KEY_USED');
      });

      if (options.hasOtherTenant) test("another tenant's keys, clients, reports and imports look absent", async () => {
        const other = ctx.otherTenant!;
        const target = await api.createClientAndReport('Tenant A');
        const started = await api.importBytes(target, 'nessus', 'a.nessus', SAMPLE_NESSUS);
        await api.waitForImport(started.operationId);
        const { key } = await api.upload('mine.nessus', SAMPLE_NESSUS);

        const own = await other.createClientAndReport('Tenant B');
        const foreignKey = await other.request('POST', `/api/v2/client/${own.clientId}/report/${own.reportId}/preuploaded-import/nessus`, { key });
        assert.equal(foreignKey.status, 404);
        assert.equal(foreignKey.body.code, 'UPLOAD_KEY_NOT_FOUND');
        assert.equal((await other.request('GET', `/api/v1/client/${target.clientId}/assets`)).status, 404);
        assert.equal((await other.request('GET', `/api/v1/client/${target.clientId}/report/${target.reportId}/flaws`)).status, 404);
        assert.equal((await other.request('GET', `/api/v2/my-imports/${started.operationId}`)).status, 404);
        assert.ok(!(await other.ok<any[]>('GET', '/api/v2/my-imports')).some((r) => r.key === started.operationId));
        const clients = await other.ok<any[]>('GET', '/api/v1/client/list');
        assert.deepEqual(clients.map((c) => c.data[1]), ['Tenant B']);
      });
    });
    // Last: a mode test may restart the server.
    options.modeTests?.(() => ctx);
  });
}
