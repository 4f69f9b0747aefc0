import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import type { ParsedRecord } from '../contract.js';
import type { ParseError } from '../parse-error.js';
import { countRecords } from '../support/count-records.js';
import { byteChunks, collect, lineOf, rejectsWith as rejectsWithParser } from '../support/testing.js';
import { SAMPLE_BURP } from '../burp/fixtures/sample-burp.js';
import { SAMPLE_NESSUS } from '../nessus/fixtures/sample-nessus.js';
import { QUALYS_ASSET_REPORT } from '../qualys/fixtures/qualys.fixtures.js';
import { OPENVAS_EMPTY_RESPONSE, OPENVAS_GMP_REPORT, OPENVAS_OMP_REPORT, openvasFixtures } from './fixtures/openvas.fixtures.js';
import { parsePort } from './openvas.mapping.js';
import { openvasParser } from './openvas.parser.js';

const parse = (text: string): Promise<ParsedRecord[]> => collect(openvasParser.parse(Readable.from([Buffer.from(text)])));
const rejectsWith = (text: string, message: RegExp): Promise<ParseError> => rejectsWithParser(openvasParser, text, message);
const report = (results: string): string => `<report format_id="x"><report><results>${results}</results></report></report>`;
const CRITICAL_OID = '1.3.6.1.4.1.25623.1.0.100001';

test('every fixture sample gives its expected counts', async () => {
  for (const sample of openvasFixtures.samples) {
    assert.deepEqual(await countRecords(openvasParser.parse(byteChunks(sample.content, 64))), sample.expected, sample.name);
  }
});

test('maps a GMP result to an asset, a finding keyed by NVT oid and a link', async () => {
  const [asset, finding, link] = await parse(OPENVAS_GMP_REPORT);
  assert.deepEqual(asset, { kind: 'asset', key: '10.0.0.1', data: { name: 'web01.example.test', ip: '10.0.0.1', hostname: 'web01.example.test', extra: { assetId: 'a-1' } } });
  assert.deepEqual(finding, {
    kind: 'finding',
    key: CRITICAL_OID,
    data: {
      title: 'Résumé service – remote code execution',
      severity: 'Critical',
      toolSeverity: '9.8',
      description: 'The service is prone to RCE ✓.\n\nVulnerability insight:\nInput a|b is not checked.\n\nAffected software/OS:\nVersions < 2.0'
        + '\n\nImpact:\nFull compromise.\n\nVulnerability detection method:\nChecks the banner.',
      solution: 'Upgrade to 2.0 or later.',
      references: ['https://vendor.example.test/advisory?a=1&b=2'],
      cves: ['CVE-2024-1111', 'CVE-2024-2222'],
      cwes: ['CWE-94'],
      cvssV3Score: 9.8,
      cvssV3Vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H',
      extra: { oid: CRITICAL_OID, family: 'Web application abuses', threat: 'High', solutionType: 'VendorFix', advisories: ['cert-bund:WID-SEC-2024-0001'] },
    },
  });
  assert.deepEqual(link, {
    kind: 'link', findingKey: CRITICAL_OID, assetKey: '10.0.0.1',
    detail: { port: 443, protocol: 'tcp', hostname: 'web01.example.test', threat: 'High', severity: 9.8, qod: 80, resultId: 'r1', evidence: 'Installed version: 1.4\nFixed version: 2.0 – « fixé »' },
  });
});

test('severity follows the numeric score on NVD ranges, log results included', async () => {
  const severities = new Map<string, string>();
  for (const r of await parse(OPENVAS_GMP_REPORT)) if (r.kind === 'finding') severities.set(r.key.slice(-6), r.data.severity);
  assert.deepEqual(Object.fromEntries(severities), {
    '100001': 'Critical', '100002': 'High', '100003': 'Medium', '100004': 'Low', '100005': 'Informational',
  });
  const byThreat = await parse(report('<result><host>h</host><nvt oid="9"/><threat>Medium</threat></result>'));
  assert.equal(byThreat[1]?.kind === 'finding' && byThreat[1].data.severity, 'Medium');
});

test('the result host text is the asset key, lower-cased; a name-only target keeps its name', async () => {
  const assets = (await parse(OPENVAS_GMP_REPORT)).filter((r) => r.kind === 'asset').map((r) => r.kind === 'asset' && r.key);
  assert.deepEqual([...new Set(assets)], ['10.0.0.1', '10.0.0.2', 'web.example.test', '10.0.0.3']);
});

test('host summaries enrich assets named by results and never add one', async () => {
  const records = await parse(OPENVAS_GMP_REPORT);
  const last = records[records.length - 1];
  assert.deepEqual(last, {
    kind: 'asset', key: '10.0.0.1',
    data: {
      name: 'web01.example.test', ip: '10.0.0.1', hostname: 'web01.example.test', os: 'Ubuntu 22.04',
      extra: { osCpe: 'cpe:/o:canonical:ubuntu_linux:22.04', scanStart: '2024-05-01T10:00:00Z', scanEnd: '2024-05-01T11:00:00Z' },
    },
  });
  assert.equal(records.some((r) => r.kind === 'asset' && r.key === '10.0.0.9'), false);
});

test('older OMP results: cve, bid and xref lists, CVSS v2 from cvss_base and the vector tag', async () => {
  const finding = (await parse(OPENVAS_OMP_REPORT)).find((r) => r.kind === 'finding');
  assert.deepEqual(finding?.kind === 'finding' && finding.data, {
    title: 'Apache httpd < 2.4.x multiple vulnerabilities',
    severity: 'Medium',
    toolSeverity: '6.8',
    description: 'Several flaws.',
    solution: 'Update.',
    references: ['https://httpd.example.test/security'],
    cves: ['CVE-2017-0001', 'CVE-2017-0002'],
    cvssV2Score: 6.8,
    cvssV2Vector: 'AV:N/AC:M/Au:N/C:P/I:P/A:P',
    extra: { oid: '1.3.6.1.4.1.25623.1.0.800001', family: 'Web Servers', threat: 'Medium', advisories: ['CERT-BUND:CB-K17/0001'] },
  });
});

test('ports: numbered, general and package forms', () => {
  assert.deepEqual(parsePort('443/tcp'), { port: 443, protocol: 'tcp' });
  assert.deepEqual(parsePort('general/tcp'), { protocol: 'tcp', portName: 'general/tcp' });
  assert.deepEqual(parsePort('general/CPE-T'), { portName: 'general/CPE-T' });
  assert.deepEqual(parsePort('package'), { portName: 'package' });
  assert.deepEqual(parsePort(''), {});
});

test('gives the same records whatever the chunk size (1 and 7 bytes split multi-byte characters)', async () => {
  const whole = await parse(OPENVAS_GMP_REPORT);
  for (const size of [1, 7]) {
    assert.deepEqual(await collect(openvasParser.parse(byteChunks(OPENVAS_GMP_REPORT, size))), whole, `chunk size ${size}`);
  }
});

test('a report without results is valid and yields nothing', async () => {
  assert.deepEqual(await parse(OPENVAS_EMPTY_RESPONSE), []);
  assert.deepEqual(await parse('<report id="x"/>'), []);
});

test('another format is rejected naming the roots expected', async () => {
  const err = await rejectsWith(QUALYS_ASSET_REPORT, /expected the root element <report> or <get_reports_response> of a Greenbone\/OpenVAS XML report, found <ASSET_DATA_REPORT>/);
  assert.equal(err.position.line, lineOf(QUALYS_ASSET_REPORT, '<ASSET_DATA_REPORT>'));
  await rejectsWith(SAMPLE_NESSUS, /found <NessusClientData_v2>/);
});

test('malformed, truncated and empty files fail with a position', async () => {
  const broken = OPENVAS_GMP_REPORT.replace('</family>', '</famly>');
  const err = await rejectsWith(broken, /malformed XML: a closing tag does not match the open element <family>/);
  assert.equal(err.position.line, lineOf(broken, '</famly>'));
  await rejectsWith(OPENVAS_GMP_REPORT.slice(0, OPENVAS_GMP_REPORT.indexOf('<result id="r4">')), /unexpected end of file: element <results> is not closed/);
  await rejectsWith('', /unexpected end of file/);
});

test('a result without NVT oid or host is rejected with its position', async () => {
  await rejectsWith(report('<result><host>10.0.0.1</host><nvt/></result>'), /<result> has no <nvt oid="…">.* \(at line 1/);
  await rejectsWith(report('<result><host><asset/></host><nvt oid="1.2"/></result>'), /<result> for NVT 1\.2 has no <host>/);
});

test('sniff recognises Greenbone reports only', () => {
  assert.equal(openvasParser.sniff(OPENVAS_GMP_REPORT.slice(0, 300)), true);
  assert.equal(openvasParser.sniff(OPENVAS_EMPTY_RESPONSE.slice(0, 100)), true);
  assert.equal(openvasParser.sniff('<report><report><gmp><version>22.4</version></gmp>'), true);
  assert.equal(openvasParser.sniff('<?xml version="1.0"?><report type="security"><report_infos/>'), false);
  assert.equal(openvasParser.sniff(SAMPLE_NESSUS.slice(0, 2000)), false);
  assert.equal(openvasParser.sniff(SAMPLE_BURP.slice(0, 2000)), false);
  assert.equal(openvasParser.sniff(QUALYS_ASSET_REPORT.slice(0, 2000)), false);
});

test('the large generator streams a valid file', async () => {
  assert.deepEqual(await countRecords(openvasParser.parse(openvasFixtures.large(400))), { findings: 25, assets: 100, finding_assets: 400, evidence: 0 });
});

test('stopping early releases the input stream', async () => {
  const stream = Readable.from([Buffer.from(OPENVAS_GMP_REPORT.slice(0, 3000)), Buffer.from(OPENVAS_GMP_REPORT.slice(3000))]);
  for await (const record of openvasParser.parse(stream)) {
    assert.equal(record.kind, 'asset');
    break;
  }
  assert.ok(stream.destroyed);
});
