/**
 * Hostile and broken files through the real import flow: each ends the import as ERROR with a
 * clear error text, quickly and in bounded memory, reading nothing else (no external entity or
 * DTD is ever fetched), and leaves nothing imported.
 */
import { describe, before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startIntake, type IntakeProcess } from './helpers/intake-process.js';

describe('hostile and broken files', () => {
  let dataDir: string;
  let intake: IntakeProcess;
  let fetchedByIntake = 0;
  let trap: Server;
  let trapUrl: string;

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'intake-hostile-'));
    // Parsed in a worker thread (as on machines with 4 CPUs or more): errors must cross it intact.
    intake = await startIntake({ INTAKE_DATA_DIR: dataDir, INTAKE_PARSE_THREAD: 'true' });
    // Any request here means a parser tried to fetch an external DTD or entity.
    trap = createServer((_req, res) => {
      fetchedByIntake++;
      res.end('<!ENTITY x "pwned">');
    });
    await new Promise<void>((resolve) => trap.listen(0, '127.0.0.1', resolve));
    trapUrl = `http://127.0.0.1:${(trap.address() as { port: number }).port}/evil.dtd`;
  });

  after(async () => {
    trap?.close();
    await intake?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  const laughs = [
    '<?xml version="1.0"?>',
    '<!DOCTYPE NessusClientData_v2 [',
    '<!ENTITY lol "lol">',
    ...Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i === 0 ? '' : i};`.repeat(10)}">`),
    ']>',
    '<NessusClientData_v2><Report><ReportHost name="&lol9;"/></Report></NessusClientData_v2>',
  ].join('\n');

  const cases: [string, string, () => string | Buffer, RegExp][] = [
    ['an external entity (file:///etc/passwd)', 'nessus', () => '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><NessusClientData_v2><Report><ReportHost name="&xxe;"/></Report></NessusClientData_v2>', /entity.*xxe|xxe.*entity/i],
    ['an external DTD over HTTP', 'burp', () => `<?xml version="1.0"?><!DOCTYPE issues SYSTEM "${trapUrl}"><issues><issue><type>1</type><host>h</host><name>&x;</name></issue></issues>`, /entity/i],
    ['billion laughs', 'nessus', () => laughs, /entity.*lol9|lol9/i],
    ['10,000-deep nesting', 'nessus', () => `<NessusClientData_v2>${'<a>'.repeat(10_000)}${'</a>'.repeat(10_000)}</NessusClientData_v2>`, /nested deeper than/],
    ['a 100 MB attribute', 'nessus', () => Buffer.concat([Buffer.from('<NessusClientData_v2><Report><ReportHost name="'), Buffer.alloc(100 * 1024 * 1024, 'a'), Buffer.from('"/></Report></NessusClientData_v2>')]), /longer than the limit/],
    ['invalid UTF-8', 'nessus', () => Buffer.concat([Buffer.from('<NessusClientData_v2><Report><ReportHost name="'), Buffer.from([0xff, 0xfe, 0xc3, 0x28]), Buffer.from('"/></Report>')]), /end of file|not closed|malformed/i],
    ['binary noise', 'burp', () => Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)), /binary data|malformed|not/i],
    ['a zero-byte file', 'nessus', () => '', /empty file|end of file/i],
    ['a truncated file', 'burp', () => '<?xml version="1.0"?><issues burpVersion="1"><issue><type>5</type><host>h</h', /end of file|not closed/i],
  ];

  for (const [label, source, content, pattern] of cases) {
    test(`${label}: ERROR with a clear text, nothing imported`, async () => {
      const api = intake.admin;
      const target = await api.createClientAndReport(`Hostile ${label}`);
      const started = Date.now();
      const job = await api.waitForImport((await api.importBytes(target, source, 'hostile.xml', content())).operationId, 60_000);
      assert.equal(job.status, 'ERROR', `expected ERROR, got ${job.status}`);
      assert.match(job.error_status, pattern);
      assert.ok(Date.now() - started < 30_000, 'failed quickly');
      assert.deepEqual(await api.ok('GET', `/api/v1/client/${target.clientId}/report/${target.reportId}/flaws`), []);
      assert.deepEqual(await api.ok('GET', `/api/v1/client/${target.clientId}/assets`), []);
    });
  }

  test('no external DTD or entity was ever fetched', () => {
    assert.equal(fetchedByIntake, 0);
  });

  test('hostile file names are made safe in keys; the original name is kept as data only', async () => {
    const api = intake.admin;
    for (const name of ['../../etc/passwd', '/abs/path.xml', 'a\u0000b.xml', 'x'.repeat(300) + '.xml', '..']) {
      const res = await api.request('POST', '/api/v2/presigned-url', { name });
      if (res.status !== 200) {
        assert.equal(res.status, 400, `${JSON.stringify(name)}: ${res.text}`);
        continue;
      }
      const [prefix, file] = res.body.key.split('/');
      assert.ok(prefix && file && !file.includes('..') && !res.body.key.includes('\u0000'), res.body.key);
      assert.ok(file.length <= 200);
    }
  });
});
