import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import type { ParsedRecord } from '../contract.js';
import { ParseError } from '../parse-error.js';
import { countRecords } from '../support/count-records.js';
import { byteChunks, collect, lineOf, rejectsWith as rejectsWithParser } from '../support/testing.js';
import { SAMPLE_BURP } from '../burp/fixtures/sample-burp.js';
import { SAMPLE_NESSUS } from '../nessus/fixtures/sample-nessus.js';
import { ZAP_LEGACY, ZAP_MODERN, zapFixtures } from './fixtures/zap.fixtures.js';
import { MAX_MESSAGE_CHARS, splitReferences } from './zap.mapping.js';
import { zapParser } from './zap.parser.js';

const parse = (text: string): Promise<ParsedRecord[]> => collect(zapParser.parse(Readable.from([Buffer.from(text)])));
const rejectsWith = (text: string, message: RegExp): Promise<ParseError> => rejectsWithParser(zapParser, text, message);
const report = (sites: string): string => `<OWASPZAPReport version="2.9.0" generated="x">${sites}</OWASPZAPReport>`;
const oneAlert = (alert: string): string => report(`<site name="https://a.test" host="a.test" port="443" ssl="true"><alerts>${alert}</alerts></site>`);

test('every sample has the counts its fixture declares', async () => {
  for (const sample of zapFixtures.samples) {
    assert.deepEqual(await countRecords(zapParser.parse(byteChunks(sample.content, 64))), sample.expected, sample.name);
  }
});

test('maps a site to an asset keyed by its lower-cased name', async () => {
  const [asset] = await parse(ZAP_MODERN);
  assert.deepEqual(asset, {
    kind: 'asset',
    key: 'https://shop.example.test',
    data: { name: 'https://Shop.Example.test', hostname: 'shop.example.test', extra: { host: 'shop.example.test', port: '443', ssl: 'true' } },
  });
});

test('maps an alert to a finding keyed by pluginid and one link per instance', async () => {
  const records = (await parse(ZAP_MODERN)).filter((r) => r.kind !== 'asset');
  const [first, second, finding] = records;
  assert.deepEqual(first, {
    kind: 'link',
    findingKey: '40012',
    assetKey: 'https://shop.example.test',
    detail: {
      location: 'https://shop.example.test/search?q=%3Cscript%3E',
      method: 'GET',
      parameter: 'q',
      attack: '<script>alert(1)</script>',
      evidence: '<script>alert(1)</script>\n\nOther info:\nReflected in the body.\nTwice.\n\n' +
        'REQUEST\nGET https://shop.example.test/search?q=%3Cscript%3E HTTP/1.1\nhost: shop.example.test\n\n' +
        'RESPONSE\nHTTP/1.1 200 OK\nContent-Type: text/html; charset=UTF-8\n\n<html>Résultats: <script>alert(1)</script></html>',
    },
  });
  assert.deepEqual(second, {
    kind: 'link', findingKey: '40012', assetKey: 'https://shop.example.test',
    detail: { location: 'https://shop.example.test/product?name=x', method: 'POST', parameter: 'name', evidence: 'naïve' },
  });
  assert.deepEqual(finding, {
    kind: 'finding',
    key: '40012',
    data: {
      title: 'Cross Site Scripting (Reflected)',
      severity: 'High',
      toolSeverity: '3',
      description: '<p>Reflected XSS – «données» échappées 🍮</p>',
      solution: '<p>Encode output.</p>',
      references: ['https://owasp.org/www-community/attacks/xss/', 'https://cwe.mitre.org/data/definitions/79.html'],
      cwes: ['CWE-79'],
      extra: {
        pluginId: '40012', alertRef: '40012', riskdesc: 'High (Medium)', confidence: '2', confidencedesc: 'Medium',
        wascid: '8', sourceid: '1',
        tags: [{ name: 'CWE-79', link: 'https://cwe.mitre.org/data/definitions/79.html' }, { name: 'OWASP_2021_A03' }],
      },
    },
  });
});

test('maps risk codes 0–3 to Informational, Low, Medium, High', async () => {
  const findings = (await parse(ZAP_MODERN)).flatMap((r) => (r.kind === 'finding' ? [[r.key, r.data.severity] as const] : []));
  assert.deepEqual(Object.fromEntries(findings), { '40012': 'High', '10020': 'Medium', '10096': 'Low', '10027': 'Informational' });
});

test('a rule raised under two alertRefs on one site is one pair; on another site, a second pair', async () => {
  const links = (await parse(ZAP_MODERN)).filter((r) => r.kind === 'link' && r.findingKey === '10020');
  assert.deepEqual(links.map((l) => l.kind === 'link' && [l.assetKey, l.detail.location]), [
    ['https://shop.example.test', 'https://shop.example.test/'],
    ['https://shop.example.test', 'https://shop.example.test/cart'],
    ['http://api.example.test:8080', 'http://api.example.test:8080/v1'],
  ]);
});

test('an alert without instances still links its site; CWE -1 and 0 mean none', async () => {
  const records = await parse(ZAP_MODERN);
  assert.deepEqual(records.find((r) => r.kind === 'link' && r.findingKey === '10027'), {
    kind: 'link', findingKey: '10027', assetKey: 'https://shop.example.test', detail: {},
  });
  for (const key of ['10027', '10096']) {
    const finding = records.find((r) => r.kind === 'finding' && r.key === key);
    assert.equal(finding?.kind === 'finding' ? finding.data.cwes : 'missing', undefined, key);
  }
  const timestamp = records.find((r) => r.kind === 'finding' && r.key === '10096');
  assert.equal(timestamp?.kind === 'finding' && timestamp.data.description, 'A timestamp was disclosed & kept <as written>.');
});

test('reads ZAP 2.4 reports, where each alertitem is one instance with inline fields', async () => {
  const records = await parse(ZAP_LEGACY);
  assert.deepEqual(records.filter((r) => r.kind === 'link').map((r) => r.kind === 'link' && [r.findingKey, r.assetKey, r.detail]), [
    ['10016', 'http://legacy.example.test', { location: 'http://legacy.example.test/', parameter: 'X-XSS-Protection', evidence: 'Other info:\nThe header is absent.' }],
    ['10016', 'http://legacy.example.test', { location: 'http://legacy.example.test/login', parameter: 'X-XSS-Protection' }],
    ['40018', 'http://legacy.example.test', { location: 'http://legacy.example.test/item?id=1', parameter: 'id', attack: "1' OR '1'='1" }],
    ['10016', 'http://other.example.test', { location: 'http://other.example.test/' }],
  ]);
  const finding = records.find((r) => r.kind === 'finding' && r.key === '10016');
  assert.ok(finding?.kind === 'finding');
  assert.deepEqual(finding.data.references, [
    'https://www.owasp.org/index.php/XSS_(Cross_Site_Scripting)_Prevention_Cheat_Sheet',
    'https://blog.veracode.com/2014/03/guidelines-for-setting-security-headers/',
  ]);
  assert.equal(finding.data.extra?.confidence, '2');
});

test('splits references on paragraphs, lines and run-together URLs, keeping archive.org addresses whole', () => {
  assert.deepEqual(splitReferences('http://a.test/x/http://b.test/\nhttps://web.archive.org/web/2018/http://c.test/ <p>OWASP guide</p>'), [
    'http://a.test/x/', 'http://b.test/', 'https://web.archive.org/web/2018/http://c.test/', 'OWASP guide',
  ]);
});

test('shortens very long request or response texts in the link detail', async () => {
  const body = 'x'.repeat(MAX_MESSAGE_CHARS + 10);
  const [, link] = await parse(oneAlert(`<alertitem><pluginid>1</pluginid><riskcode>1</riskcode><instances><instance><uri>https://a.test/</uri>
    <responseheader>HTTP/1.1 200 OK</responseheader><responsebody>${body}</responsebody></instance></instances></alertitem>`));
  assert.ok(link?.kind === 'link');
  assert.match(String(link.detail.evidence), /\n\[… 10 more characters not kept\]$/);
});

test('gives the same records whatever the chunk size (1 and 7 bytes split multi-byte characters)', async () => {
  const whole = await parse(ZAP_MODERN);
  for (const size of [1, 7]) {
    assert.deepEqual(await collect(zapParser.parse(byteChunks(ZAP_MODERN, size))), whole, `chunk size ${size}`);
  }
});

test('a pluginid written after the instances still keys their links', async () => {
  const records = await parse(oneAlert('<alertitem><instances><instance><uri>https://a.test/x</uri></instance></instances><pluginid>7</pluginid></alertitem>'));
  assert.deepEqual(records.slice(1).map((r) => r.kind === 'link' ? [r.kind, r.findingKey, r.detail.location] : [r.kind]), [
    ['link', '7', 'https://a.test/x'], ['finding'],
  ]);
});

test('falls back to the rule id in alertRef, and to host/port/ssl for a site without a name', async () => {
  const records = await parse(report('<site host="B.test" port="8443" ssl="true"><alerts><alertitem><alertRef>10020-3</alertRef></alertitem></alerts></site>'));
  assert.deepEqual(records.map((r) => [r.kind, r.kind === 'finding' || r.kind === 'asset' ? r.key : r.findingKey]), [
    ['asset', 'https://b.test:8443'], ['link', '10020'], ['finding', '10020'],
  ]);
});

test('an alert without any rule id, or a site without name and host, is rejected with its position', async () => {
  const noId = oneAlert('\n<alertitem><alert>x</alert></alertitem>');
  const err = await rejectsWith(noId, /<alertitem> has no <pluginid>; expected the ZAP scan rule id \(at line 2/);
  assert.ok((err.position.column ?? 0) > 0);
  await rejectsWith(report('<site port="80"><alerts/></site>'), /<site> has neither a name nor a host attribute/);
});

test('malformed XML fails with line and column', async () => {
  const broken = ZAP_MODERN.replace('</riskdesc>', '</riskdesk>');
  const err = await rejectsWith(broken, /malformed XML: a closing tag does not match the open element <riskdesc>/);
  assert.equal(err.position.line, lineOf(broken, '</riskdesk>'));
});

test('a truncated or empty file fails as an unexpected end of file', async () => {
  await rejectsWith(ZAP_MODERN.slice(0, ZAP_MODERN.indexOf('<alertitem>', 2000)), /unexpected end of file: element <alerts> is not closed/);
  await rejectsWith('', /unexpected end of file/);
  await rejectsWith('<root', /unexpected end of file|malformed XML/);
});

test('a file of another tool is rejected: the root element is not OWASPZAPReport', async () => {
  await rejectsWith(SAMPLE_BURP, /expected the root element <OWASPZAPReport> of an OWASP ZAP XML report, found <issues>/);
  await rejectsWith(SAMPLE_NESSUS, /found <NessusClientData_v2>/);
});

test('sniff recognises a ZAP report head only', () => {
  assert.equal(zapParser.sniff(ZAP_MODERN.slice(0, 300)), true);
  assert.equal(zapParser.sniff(ZAP_LEGACY.slice(0, 200)), true);
  assert.equal(zapParser.sniff(SAMPLE_BURP.slice(0, 2000)), false);
  assert.equal(zapParser.sniff(SAMPLE_NESSUS.slice(0, 2000)), false);
  assert.equal(zapParser.sniff('<OWASPZAPReports version="1"/>'), false);
  assert.equal(zapParser.sniff('{"@programName":"ZAP","site":[]}'), false);
});

test('the large generator streams a valid report with the expected counts', async () => {
  const text = (await collect(zapFixtures.large(120))).join('');
  assert.deepEqual(await countRecords(zapParser.parse(byteChunks(text, 4096))), { findings: 97, assets: 3, finding_assets: 120, evidence: 0 });
});

test('stopping early releases the input stream', async () => {
  const stream = Readable.from([Buffer.from(ZAP_MODERN.slice(0, 500)), Buffer.from(ZAP_MODERN.slice(500))]);
  for await (const record of zapParser.parse(stream)) {
    assert.equal(record.kind, 'asset');
    break;
  }
  assert.ok(stream.destroyed);
});
