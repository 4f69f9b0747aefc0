import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import type { ParsedRecord } from '../contract.js';
import { ParseError } from '../parse-error.js';
import { countRecords } from '../support/count-records.js';
import { byteChunks, collect, lineOf, rejectsWith as rejectsWithParser } from '../support/testing.js';
import { SAMPLE_BURP } from '../burp/fixtures/sample-burp.js';
import { SAMPLE_NESSUS } from '../nessus/fixtures/sample-nessus.js';
import { ACUNETIX_PLAIN, ACUNETIX_SCANS, acunetixFixtures } from './fixtures/acunetix.fixtures.js';
import { MAX_MESSAGE_CHARS, targetOrigin } from './acunetix.mapping.js';
import { acunetixParser } from './acunetix.parser.js';

const parse = (text: string): Promise<ParsedRecord[]> => collect(acunetixParser.parse(Readable.from([Buffer.from(text)])));
const rejectsWith = (text: string, message: RegExp): Promise<ParseError> => rejectsWithParser(acunetixParser, text, message);
const scanGroup = (scans: string): string => `<ScanGroup ExportedOn="x">${scans}</ScanGroup>`;

test('every sample has the counts its fixture declares', async () => {
  for (const sample of acunetixFixtures.samples) {
    assert.deepEqual(await countRecords(acunetixParser.parse(byteChunks(sample.content, 64))), sample.expected, sample.name);
  }
});

test('maps a scan to an asset keyed by the origin of its StartURL', async () => {
  const [asset] = await parse(ACUNETIX_SCANS);
  assert.deepEqual(asset, {
    kind: 'asset',
    key: 'https://shop.example.test',
    data: {
      name: 'https://shop.example.test',
      hostname: 'shop.example.test',
      extra: {
        name: 'Shop – full scan', shortName: 'Shop', startUrl: 'https://Shop.Example.test/', startTime: '03/03/2025, 09:00:00',
        finishTime: '03/03/2025, 10:00:00', scanTime: '60 minutes, 0 seconds', aborted: 'False', responsive: 'True',
        banner: 'nginx/1.18.0', os: 'Unknown', webServer: 'nginx/1.18.0', technologies: 'PHP',
      },
    },
  });
  const keys = (await parse(ACUNETIX_SCANS)).flatMap((r) => (r.kind === 'asset' ? [r.key] : []));
  assert.deepEqual(keys, ['https://shop.example.test', 'https://api.example.test:8080', 'http://quiet.example.test']);
});

test('derives the origin of bare and full start URLs', () => {
  assert.equal(targetOrigin('www.example.test:8080', 'http://www.example.test:8080/'), 'http://www.example.test:8080');
  assert.equal(targetOrigin('example.test', 'https://example.test/'), 'https://example.test');
  assert.equal(targetOrigin('example.test', 'https://other.test/'), 'http://example.test');
  assert.equal(targetOrigin('https://Example.test:443/app/', undefined), 'https://example.test');
  assert.equal(targetOrigin(undefined, 'http://crawled.test/x'), 'http://crawled.test');
  assert.equal(targetOrigin('  ', undefined), undefined);
});

test('maps a ReportItem to a finding keyed by its name and a link with path, parameter and proof', async () => {
  const [, finding, link] = await parse(ACUNETIX_SCANS);
  assert.deepEqual(finding, {
    kind: 'finding',
    key: 'Blind SQL Injection',
    data: {
      title: 'Blind SQL Injection',
      severity: 'High',
      toolSeverity: 'high',
      description: '<p>SQL injection (SQLi) is a vulnerability…</p>',
      solution: 'Use parameterized queries.',
      references: ['https://www.acunetix.com/websitesecurity/sql-injection/', 'OWASP Injection'],
      cwes: ['CWE-89'],
      cvssV3Score: 10,
      cvssV3Vector: 'CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H',
      cvssV2Score: 7.5,
      cvssV2Vector: 'AV:N/AC:L/Au:N/C:P/I:P/A:P/E:F/RL:OF/RC:C',
      extra: { moduleName: '/Scripts/PerScheme/Blind_Sql_Injection.script', type: 'sqli', impact: 'An attacker can read the database.' },
    },
  });
  assert.deepEqual(link, {
    kind: 'link',
    findingKey: 'Blind SQL Injection',
    assetKey: 'https://shop.example.test',
    detail: {
      path: '/item.php',
      parameter: 'id',
      reportItemId: '0',
      evidence: "URL encoded GET input <b>id</b> was set to <code>1' AND 3*2*1=6 AND '000</code> – paramètre ✓\n\n" +
        "REQUEST\nGET /item.php?id=1'%20AND%203*2*1=6%20AND%20'000 HTTP/1.1\nHost: shop.example.test\n\n" +
        'RESPONSE\nHTTP/1.1 200 OK\nContent-Type: text/html; charset=UTF-8\n\n<html>Résultat</html>',
    },
  });
});

test('maps every severity word, and reads CVE and CWE lists in their forms', async () => {
  const records = await parse(ACUNETIX_SCANS);
  const findings = new Map(records.flatMap((r) => (r.kind === 'finding' ? [[r.key, r.data] as const] : [])));
  assert.deepEqual([...findings].map(([key, data]) => [key, data.severity]), [
    ['Blind SQL Injection', 'High'],
    ['Vulnerable JavaScript libraries', 'Medium'],
    ['Clickjacking: X-Frame-Options header', 'Low'],
    ['Content Security Policy (CSP) not implemented', 'Informational'],
  ]);
  const js = records.find((r) => r.kind === 'finding' && r.key === 'Vulnerable JavaScript libraries');
  assert.ok(js?.kind === 'finding');
  assert.deepEqual([js.data.cves, js.data.cwes], [['CVE-2020-11022', 'CVE-2020-11023'], ['CWE-1035', 'CWE-937']]);
  const unknown = await parse(scanGroup('<Scan><StartURL>https://a.test</StartURL><ReportItems><ReportItem><Name>X</Name><Severity>urgent</Severity></ReportItem></ReportItems></Scan>'));
  const x = unknown.find((r) => r.kind === 'finding');
  assert.deepEqual(x?.kind === 'finding' && [x.data.severity, x.data.toolSeverity], ['Informational', 'urgent']);
});

test('one name on two paths is one pair; on another scan, a second pair; false positives and <empty> parameters', async () => {
  const links = (await parse(ACUNETIX_SCANS)).flatMap((r) => (r.kind === 'link' ? [[r.findingKey, r.assetKey, r.detail.path, r.detail.parameter, r.detail.falsePositive]] : []));
  assert.deepEqual(links, [
    ['Blind SQL Injection', 'https://shop.example.test', '/item.php', 'id', undefined],
    ['Blind SQL Injection', 'https://shop.example.test', '/cart.php', 'qty', undefined],
    ['Vulnerable JavaScript libraries', 'https://shop.example.test', '/js/jquery.min.js', undefined, undefined],
    ['Clickjacking: X-Frame-Options header', 'https://shop.example.test', 'Web Server', undefined, true],
    ['Content Security Policy (CSP) not implemented', 'https://shop.example.test', '/', undefined, undefined],
    ['Clickjacking: X-Frame-Options header', 'https://api.example.test:8080', '/v1/', undefined, undefined],
  ]);
});

test('reads plain-text exports with entities', async () => {
  const records = await parse(ACUNETIX_PLAIN);
  const link = records.find((r) => r.kind === 'link');
  assert.deepEqual(link?.kind === 'link' && link.detail, { path: '/login', evidence: 'Form name: <empty> & action /login' });
  const finding = records.find((r) => r.kind === 'finding');
  assert.deepEqual(finding?.kind === 'finding' && [finding.data.cwes, finding.data.references], [['CWE-352'], ['https://owasp.org/www-community/attacks/csrf']]);
});

test('shortens very long responses in the link detail', async () => {
  const response = 'y'.repeat(MAX_MESSAGE_CHARS + 3);
  const records = await parse(scanGroup(`<Scan><StartURL>https://a.test</StartURL><ReportItems><ReportItem><Name>X</Name>
    <TechnicalDetails><Response>${response}</Response></TechnicalDetails></ReportItem></ReportItems></Scan>`));
  const link = records.find((r) => r.kind === 'link');
  assert.match(String(link?.kind === 'link' && link.detail.evidence), /^RESPONSE\ny+\n\[… 3 more characters not kept\]$/);
});

test('gives the same records whatever the chunk size (1 and 7 bytes split multi-byte characters)', async () => {
  const whole = await parse(ACUNETIX_SCANS);
  for (const size of [1, 7]) {
    assert.deepEqual(await collect(acunetixParser.parse(byteChunks(ACUNETIX_SCANS, size))), whole, `chunk size ${size}`);
  }
});

test('a scan without StartURL, or an item without Name, is rejected with its position', async () => {
  await rejectsWith(scanGroup('\n<Scan><Name>n</Name><ReportItems/></Scan>'), /<Scan> has no <StartURL> before its report items; expected the scanned URL \(at line 2/);
  const err = await rejectsWith(scanGroup('<Scan><StartURL>https://a.test</StartURL><ReportItems>\n\n<ReportItem><Severity>low</Severity></ReportItem></ReportItems></Scan>'),
    /<ReportItem> has no <Name>; expected the Acunetix vulnerability name \(at line 3/);
  assert.ok((err.position.column ?? 0) > 0);
});

test('malformed XML fails with line and column', async () => {
  const broken = ACUNETIX_SCANS.replace('</Affects>', '</Affect>');
  const err = await rejectsWith(broken, /malformed XML: a closing tag does not match the open element <Affects>/);
  assert.equal(err.position.line, lineOf(broken, '</Affect>'));
});

test('a truncated or empty file fails as an unexpected end of file', async () => {
  await rejectsWith(ACUNETIX_SCANS.slice(0, ACUNETIX_SCANS.indexOf('<ReportItem id="2"')), /unexpected end of file: element <ReportItems> is not closed/);
  await rejectsWith('', /unexpected end of file/);
});

test('a file of another tool is rejected: the root element is not ScanGroup', async () => {
  await rejectsWith(SAMPLE_BURP, /expected the root element <ScanGroup> of an Acunetix XML export, found <issues>/);
  await rejectsWith(SAMPLE_NESSUS, /found <NessusClientData_v2>/);
});

test('sniff recognises an Acunetix export head only', () => {
  assert.equal(acunetixParser.sniff(ACUNETIX_SCANS.slice(0, 200)), true);
  assert.equal(acunetixParser.sniff(ACUNETIX_PLAIN.slice(0, 100)), true);
  assert.equal(acunetixParser.sniff(SAMPLE_BURP.slice(0, 2000)), false);
  assert.equal(acunetixParser.sniff(SAMPLE_NESSUS.slice(0, 2000)), false);
  assert.equal(acunetixParser.sniff('<ScanGroups><Scan/></ScanGroups>'), false);
});

test('the large generator streams a valid export with the expected counts', async () => {
  const text = (await collect(acunetixFixtures.large(250))).join('');
  // 3 scans of 100, 100 and 50 items; 61 names; within 100 consecutive items every name appears.
  assert.deepEqual(await countRecords(acunetixParser.parse(byteChunks(text, 4096))), { findings: 61, assets: 3, finding_assets: 61 + 61 + 50, evidence: 0 });
});

test('stopping early releases the input stream', async () => {
  const stream = Readable.from([Buffer.from(ACUNETIX_SCANS.slice(0, 3000)), Buffer.from(ACUNETIX_SCANS.slice(3000))]);
  for await (const record of acunetixParser.parse(stream)) {
    assert.equal(record.kind, 'asset');
    break;
  }
  assert.ok(stream.destroyed);
});
