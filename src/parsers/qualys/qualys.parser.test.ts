import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import type { ParsedRecord } from '../contract.js';
import type { ParseError } from '../parse-error.js';
import { countRecords } from '../support/count-records.js';
import { byteChunks, collect, lineOf, rejectsWith as rejectsWithParser } from '../support/testing.js';
import { SAMPLE_BURP } from '../burp/fixtures/sample-burp.js';
import { SAMPLE_NESSUS } from '../nessus/fixtures/sample-nessus.js';
import { QUALYS_ASSET_REPORT, QUALYS_EMPTY_REPORT, QUALYS_SCAN_REPORT, qualysFixtures } from './fixtures/qualys.fixtures.js';
import { qualysParser } from './qualys.parser.js';

const parse = (text: string): Promise<ParsedRecord[]> => collect(qualysParser.parse(Readable.from([Buffer.from(text)])));
const rejectsWith = (text: string, message: RegExp): Promise<ParseError> => rejectsWithParser(qualysParser, text, message);
/** The first finding record of each key (scan reports repeat a QID's finding with every item). */
const findings = (records: ParsedRecord[]): Map<string, Extract<ParsedRecord, { kind: 'finding' }>['data']> => {
  const byKey = new Map<string, Extract<ParsedRecord, { kind: 'finding' }>['data']>();
  for (const r of records) if (r.kind === 'finding' && !byKey.has(r.key)) byKey.set(r.key, r.data);
  return byKey;
};
const adr = (hosts: string, glossary = ''): string =>
  `<ASSET_DATA_REPORT><HOST_LIST>${hosts}</HOST_LIST><GLOSSARY><VULN_DETAILS_LIST>${glossary}</VULN_DETAILS_LIST></GLOSSARY></ASSET_DATA_REPORT>`;

test('every fixture sample gives its expected counts', async () => {
  for (const sample of qualysFixtures.samples) {
    assert.deepEqual(await countRecords(qualysParser.parse(byteChunks(sample.content, 64))), sample.expected, sample.name);
  }
});

test('asset data report: hosts become assets keyed by IP, lower-cased, even without detections', async () => {
  const assets = (await parse(QUALYS_ASSET_REPORT)).filter((r) => r.kind === 'asset');
  assert.deepEqual(assets.map((a) => a.kind === 'asset' && a.key), ['10.0.0.1', '2001:db8::1', '10.0.0.3']);
  assert.deepEqual(assets[0], {
    kind: 'asset',
    key: '10.0.0.1',
    data: {
      name: 'web01.example.test', ip: '10.0.0.1', hostname: 'web01.example.test', fqdn: 'web01.example.test', os: 'Ubuntu 22.04',
      extra: { netbios: 'WEB01', trackingMethod: 'IP', assetGroups: ['Web servers'] },
    },
  });
});

test('asset data report: a link per detection, with port, status and the RESULT as evidence', async () => {
  const links = (await parse(QUALYS_ASSET_REPORT)).filter((r) => r.kind === 'link');
  assert.equal(links.length, 8);
  assert.deepEqual(links[0], {
    kind: 'link',
    findingKey: '38738',
    assetKey: '10.0.0.1',
    detail: {
      port: 22, protocol: 'tcp', service: 'ssh', ssl: false, type: 'Vuln', status: 'Active',
      firstFound: '2024-03-01T10:00:00.000Z', lastFound: '2024-05-01T10:00:00.000Z', timesFound: 3,
      evidence: 'Algorithm\tLength\nssh-dss\t1024 bits – clé courte ✓',
    },
  });
  assert.equal(links[3]?.kind === 'link' && links[3].detail.evidence, 'rpcbind & friends');
});

test('asset data report: findings come from the glossary, only for detected QIDs, with first/last found across hosts', async () => {
  const byKey = findings(await parse(QUALYS_ASSET_REPORT));
  assert.deepEqual([...byKey.keys()], ['6', '11', '12', '38738', '86000', '90001']);
  assert.deepEqual(byKey.get('38738'), {
    title: 'SSH Server Public Key Too Small – « clé »',
    severity: 'Medium',
    toolSeverity: '3',
    description: 'The SSH server uses a <B>small</B> public key.\n<P>\n<B>Impact</B><BR>\nSessions can be decrypted.',
    solution: 'Use RSA keys of 2048 bits &amp; more.',
    references: ['https://nvlpubs.example.test/800-131A.pdf', 'https://bid.example.test/4242'],
    cves: ['CVE-2023-0001'],
    cvssV3Score: 5.3,
    cvssV3Vector: 'AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:N/A:N',
    cvssV2Score: 5,
    cvssV2Vector: 'AV:N/AC:L/Au:N/C:P/I:N/A:N',
    firstSeen: '2024-02-01T10:00:00.000Z',
    lastSeen: '2024-05-01T10:00:00.000Z',
    extra: {
      qid: '38738', qualysType: 'Vuln', category: 'General remote services', pciFlag: '1', lastUpdate: '2023-01-03T10:41:41Z',
      cvssV2Temporal: 3.7, vendorReferences: ['NIST 800-131A'], bugtraqIds: ['4242'],
    },
  });
  assert.deepEqual(byKey.get('86000')?.extra?.exploits, [
    { source: 'The Exploit-DB', ref: 'CVE-2024-0002', description: 'RCE PoC', link: 'https://exploits.example.test/1' },
  ]);
  assert.equal(byKey.has('105000'), false);
});

test('severity: levels 2–5 of vulnerabilities and potential ones map up; information gathered is Informational', async () => {
  const severities = Object.fromEntries([...findings(await parse(QUALYS_ASSET_REPORT))].map(([key, data]) => [key, data.severity]));
  assert.deepEqual(severities, {
    '6': 'Informational', '11': 'High', '12': 'Low', '38738': 'Medium', '86000': 'Critical', '90001': 'Informational',
  });
});

test('a detected QID missing from the glossary still becomes a finding, at the end', async () => {
  const records = await parse(QUALYS_ASSET_REPORT);
  assert.deepEqual(records[records.length - 1], {
    kind: 'finding', key: '90001', data: { title: 'Qualys QID 90001', severity: 'Informational', extra: { qid: '90001', qualysType: 'Vuln', described: false } },
  });
});

test('a glossary before the host list (not what Qualys writes) emits every entry', async () => {
  const text = '<ASSET_DATA_REPORT><GLOSSARY><VULN_DETAILS_LIST><VULN_DETAILS id="qid_1"><QID id="qid_1">1</QID><TITLE>One</TITLE>'
    + '<SEVERITY>5</SEVERITY></VULN_DETAILS></VULN_DETAILS_LIST></GLOSSARY><HOST_LIST><HOST><IP>10.0.0.1</IP>'
    + '<VULN_INFO_LIST><VULN_INFO><QID id="qid_1">1</QID><TYPE>Vuln</TYPE></VULN_INFO></VULN_INFO_LIST></HOST></HOST_LIST></ASSET_DATA_REPORT>';
  assert.deepEqual(await countRecords(qualysParser.parse(Readable.from([text]))), { findings: 1, assets: 1, finding_assets: 1, evidence: 0 });
  assert.equal(findings(await parse(text)).get('1')?.title, 'One');
});

test('scan report: every item is a finding with its link; categories give port and protocol', async () => {
  const records = await parse(QUALYS_SCAN_REPORT);
  const [asset, finding, link] = records;
  assert.deepEqual(asset, {
    kind: 'asset', key: '10.1.0.1',
    data: { name: 'host1.example.test', ip: '10.1.0.1', hostname: 'host1.example.test', fqdn: 'host1.example.test', os: 'Ubuntu 22.04', extra: { netbios: 'HOST1' } },
  });
  assert.deepEqual(finding, {
    kind: 'finding', key: '6',
    data: {
      title: 'DNS Host Name', severity: 'Informational', toolSeverity: '1', description: 'The host name.', lastSeen: '2024-05-02T08:00:00.000Z',
      extra: { qid: '6', qualysType: 'Ig', category: 'Information gathering' },
    },
  });
  assert.deepEqual(link, {
    kind: 'link', findingKey: '6', assetKey: '10.1.0.1',
    detail: { category: 'Information gathering', type: 'Ig', evidence: 'IP address\tHost name\n10.1.0.1\thost1.example.test' },
  });
  const ssh = findings(records).get('38738');
  assert.deepEqual(ssh?.cves, ['CVE-2023-0001', 'CVE-2023-0003']);
  assert.equal(ssh?.cvssV2Score, 5);
  assert.equal(ssh?.cvssV3Score, undefined); // `<CVSS3_BASE></CVSS3_BASE>` and `-` mean none
  const placeholder = records.find((r) => r.kind === 'asset' && r.key === '10.1.0.2');
  assert.deepEqual(placeholder?.kind === 'asset' && placeholder.data, { name: '10.1.0.2', ip: '10.1.0.2' });
});

test('gives the same records whatever the chunk size (1 and 7 bytes split multi-byte characters)', async () => {
  for (const text of [QUALYS_ASSET_REPORT, QUALYS_SCAN_REPORT]) {
    const whole = await parse(text);
    for (const size of [1, 7]) {
      assert.deepEqual(await collect(qualysParser.parse(byteChunks(text, size))), whole, `chunk size ${size}`);
    }
  }
});

test('an empty report is valid and yields nothing', async () => {
  assert.deepEqual(await parse(QUALYS_EMPTY_REPORT), []);
  assert.deepEqual(await parse('<SCAN value="scan/1"><HEADER/></SCAN>'), []);
});

test('another format is rejected naming the roots expected', async () => {
  const err = await rejectsWith(SAMPLE_NESSUS, /expected the root element <ASSET_DATA_REPORT> or <SCAN> of a Qualys VM XML report, found <NessusClientData_v2>/);
  assert.equal(err.position.line, lineOf(SAMPLE_NESSUS, '<NessusClientData_v2>'));
  await rejectsWith(SAMPLE_BURP, /found <issues>/);
});

test('malformed, truncated and empty files fail with a position', async () => {
  const broken = QUALYS_ASSET_REPORT.replace('</TRACKING_METHOD>', '</TRACKING>');
  const err = await rejectsWith(broken, /malformed XML: a closing tag does not match the open element <TRACKING_METHOD>/);
  assert.equal(err.position.line, lineOf(broken, '</TRACKING>'));
  await rejectsWith(QUALYS_ASSET_REPORT.slice(0, QUALYS_ASSET_REPORT.indexOf('<GLOSSARY>')), /unexpected end of file: element <ASSET_DATA_REPORT> is not closed/);
  await rejectsWith('', /unexpected end of file/);
});

test('a detection without a QID, or a host without an IP, is rejected with its position', async () => {
  await rejectsWith(adr('<HOST><IP>10.0.0.1</IP><VULN_INFO_LIST><VULN_INFO><TYPE>Vuln</TYPE></VULN_INFO></VULN_INFO_LIST></HOST>'), /<VULN_INFO> has no <QID>.* \(at line 1/);
  await rejectsWith(adr('<HOST><DNS>x</DNS><VULN_INFO_LIST/></HOST>'), /<HOST> has no <IP>/);
  await rejectsWith('<SCAN value="scan/1"><IP name="x"/></SCAN>', /<IP> has no value attribute/);
  await rejectsWith('<SCAN value="scan/1"><IP value="10.0.0.1"><VULNS><CAT value="x"><VULN severity="2"/></CAT></VULNS></IP></SCAN>', /<VULN> has no number attribute/);
});

test('a host holding only an error is skipped', async () => {
  assert.deepEqual(await parse(adr('<HOST><ERROR number="1">No data</ERROR></HOST>')), []);
});

test('the external DTD is never fetched and a DTD entity is never expanded', async () => {
  const hostile = `<?xml version="1.0"?><!DOCTYPE ASSET_DATA_REPORT [<!ENTITY x SYSTEM "file:///etc/passwd">]>${adr('<HOST><IP>&x;</IP></HOST>')}`;
  await rejectsWith(hostile, /entity &x; is declared in the document's DTD, but DTD entities are never expanded/);
});

test('sniff recognises both Qualys shapes only', () => {
  assert.equal(qualysParser.sniff(QUALYS_ASSET_REPORT.slice(0, 300)), true);
  assert.equal(qualysParser.sniff(QUALYS_SCAN_REPORT.slice(0, 300)), true);
  assert.equal(qualysParser.sniff('\uFEFF<SCAN value="scan/1">'), true);
  assert.equal(qualysParser.sniff('<SCAN><item/></SCAN>'), false);
  assert.equal(qualysParser.sniff(SAMPLE_NESSUS.slice(0, 2000)), false);
  assert.equal(qualysParser.sniff(SAMPLE_BURP.slice(0, 2000)), false);
  assert.equal(qualysParser.sniff('<report format_id="x"><ASSET_DATA_REPORT/></report>'), false);
});

test('the large generator streams a valid file', async () => {
  const counts = await countRecords(qualysParser.parse(qualysFixtures.large(300)));
  assert.deepEqual(counts, { findings: 20, assets: 300, finding_assets: 1500, evidence: 0 });
});

test('stopping early releases the input stream', async () => {
  const stream = Readable.from([Buffer.from(QUALYS_ASSET_REPORT.slice(0, 1500)), Buffer.from(QUALYS_ASSET_REPORT.slice(1500))]);
  for await (const record of qualysParser.parse(stream)) {
    assert.equal(record.kind, 'asset');
    break;
  }
  assert.ok(stream.destroyed);
});
