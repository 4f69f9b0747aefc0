import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import type { ParsedRecord } from '../contract.js';
import type { ParseError } from '../parse-error.js';
import { countRecords } from '../support/count-records.js';
import { byteChunks, collect, lineOf, rejectsWith as rejectsWithParser } from '../support/testing.js';
import { SAMPLE_BURP } from '../burp/fixtures/sample-burp.js';
import { SAMPLE_NESSUS } from '../nessus/fixtures/sample-nessus.js';
import { OPENVAS_GMP_REPORT } from '../openvas/fixtures/openvas.fixtures.js';
import { QUALYS_ASSET_REPORT } from '../qualys/fixtures/qualys.fixtures.js';
import { NEXPOSE_EMPTY, NEXPOSE_REPORT, NEXPOSE_V1_NESTED, nexposeFixtures } from './fixtures/nexpose.fixtures.js';
import { nexposeSeverity, nexposeTimestamp } from './nexpose.mapping.js';
import { nexposeParser } from './nexpose.parser.js';

const parse = (text: string): Promise<ParsedRecord[]> => collect(nexposeParser.parse(Readable.from([Buffer.from(text)])));
const rejectsWith = (text: string, message: RegExp): Promise<ParseError> => rejectsWithParser(nexposeParser, text, message);
const report = (nodes: string, definitions = ''): string =>
  `<NexposeReport version="2.0"><nodes>${nodes}</nodes><VulnerabilityDefinitions>${definitions}</VulnerabilityDefinitions></NexposeReport>`;
const findingsOf = (records: ParsedRecord[]): Map<string, Extract<ParsedRecord, { kind: 'finding' }>['data']> =>
  new Map(records.flatMap((r) => (r.kind === 'finding' ? [[r.key, r.data] as const] : [])));

test('every fixture sample gives its expected counts', async () => {
  for (const sample of nexposeFixtures.samples) {
    assert.deepEqual(await countRecords(nexposeParser.parse(byteChunks(sample.content, 64))), sample.expected, sample.name);
  }
});

test('nodes are assets keyed by address, with names, OS and MAC; a node without tests too', async () => {
  const assets = (await parse(NEXPOSE_REPORT)).filter((r) => r.kind === 'asset');
  assert.deepEqual(assets.map((a) => a.kind === 'asset' && a.key), ['10.0.0.5', '10.0.0.6', '10.0.0.7']);
  assert.deepEqual(assets[0], {
    kind: 'asset',
    key: '10.0.0.5',
    data: {
      name: 'web01.example.test', ip: '10.0.0.5', hostname: 'web01.example.test', os: 'Ubuntu Linux 22.04', mac: '00:11:22:33:44:55',
      extra: {
        names: ['web01.example.test', 'WEB01'], status: 'alive', deviceId: '12', siteName: 'Lab', siteImportance: 'Normal',
        scanTemplate: 'Full audit', riskScore: 1234.5, deviceClass: 'General',
      },
    },
  });
});

test('links are emitted as tests are read: node tests, then endpoint tests with port and service', async () => {
  const links = (await parse(NEXPOSE_REPORT)).filter((r) => r.kind === 'link');
  assert.deepEqual(links.map((l) => l.kind === 'link' && [l.findingKey, l.assetKey, l.detail.port ?? null]), [
    ['generic-tcp-timestamp', '10.0.0.5', null],
    ['unix-user-home-dir-mode', '10.0.0.5', null],
    ['ssh-cbc-ciphers', '10.0.0.5', 22],
    ['ssh-cbc-ciphers', '10.0.0.5', 2222],
    ['ssh-weak-kex', '10.0.0.5', 2222],
    ['snmp-read-0001', '10.0.0.6', 161],
    ['ssh-cbc-ciphers', '10.0.0.6', 161],
    ['custom-check-without-definition', '10.0.0.6', 161],
  ]);
  assert.deepEqual(links[2], {
    kind: 'link', findingKey: 'ssh-cbc-ciphers', assetKey: '10.0.0.5',
    detail: {
      port: 22, protocol: 'tcp', service: 'SSH', status: 'vulnerable-version', vulnerableSince: '2024-02-01T08:00:00.000Z', scanId: '7',
      evidence: 'Supported CBC ciphers:\n- aes128-cbc\n- 3des-cbc & more',
    },
  });
  // Mixed content keeps its order: the nested paragraph, then the text after it.
  assert.equal(links[1]?.kind === 'link' && links[1].detail.evidence, 'Mode 755 is more permissive than 750.\nChecked as root.');
  assert.equal(links[1]?.kind === 'link' && links[1].detail.key, '/home/bob');
});

test('findings come from definitions, matched case-insensitively, only for vulnerable tests', async () => {
  const findings = findingsOf(await parse(NEXPOSE_REPORT));
  assert.deepEqual([...findings.keys()], [
    'ssh-cbc-ciphers', 'generic-tcp-timestamp', 'unix-user-home-dir-mode', 'snmp-read-0001', 'ssh-weak-kex', 'custom-check-without-definition',
  ]);
  assert.deepEqual(findings.get('ssh-cbc-ciphers'), {
    title: 'SSH CBC vulnerability – « chiffrement »',
    severity: 'Low',
    toolSeverity: '2',
    description: '<div>CBC mode ciphers are weak &amp; dated.</div>',
    solution: '<div>Disable CBC ciphers; see <a href="https://ssh.example.test/fix?a=1&amp;b=2">the guide</a> for more.</div><pre>   Ciphers aes128-ctr,aes256-ctr</pre>',
    references: ['BID:32319', 'https://ssh.example.test/cbc'],
    cves: ['CVE-2008-5161'],
    cwes: ['CWE-327'],
    cvssV2Score: 2.6,
    cvssV2Vector: 'AV:N/AC:H/Au:N/C:P/I:N/A:N',
    firstSeen: '2024-02-01T08:00:00.000Z',
    extra: {
      id: 'SSH-CBC-CIPHERS', pciSeverity: '1', riskScore: 123.4, published: '2008-11-19T00:00:00.000Z',
      added: '2013-01-01T00:00:00.000Z', modified: '2023-01-01T00:00:00.000Z', tags: ['SSH', 'Cryptography'],
    },
  });
  assert.equal(findings.has('generic-icmp-netmask'), false);
  assert.deepEqual(findings.get('ssh-weak-kex')?.cvssV3Vector, 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H');
  assert.deepEqual(findings.get('snmp-read-0001')?.extra?.exploits, [
    { id: '1', title: 'snmp_login', type: 'metasploit', link: 'https://exploits.example.test/snmp', skillLevel: 'Novice' },
  ]);
});

test('severity 1–10 maps to the five levels; an undefined test id is an Informational finding titled by its id', async () => {
  const severities = Object.fromEntries([...findingsOf(await parse(NEXPOSE_REPORT))].map(([key, data]) => [key, data.severity]));
  assert.deepEqual(severities, {
    'ssh-cbc-ciphers': 'Low', 'generic-tcp-timestamp': 'Low', 'unix-user-home-dir-mode': 'Medium',
    'snmp-read-0001': 'High', 'ssh-weak-kex': 'Critical', 'custom-check-without-definition': 'Informational',
  });
  assert.deepEqual(['0', '1', '3', '4', '6', '7', '8', '9', '10', undefined].map(nexposeSeverity), [
    'Informational', 'Low', 'Low', 'Medium', 'Medium', 'High', 'High', 'Critical', 'Critical', 'Informational',
  ]);
});

test('version 1.0 files with definitions nested in a node', async () => {
  const records = await parse(NEXPOSE_V1_NESTED);
  assert.deepEqual(records.map((r) => [r.kind, r.kind === 'link' || r.kind === 'evidence' ? r.findingKey : r.key]), [
    ['asset', '192.168.1.1'], ['link', 'tcp-seq-num-approximation'], ['finding', 'tcp-seq-num-approximation'],
  ]);
});

test('definitions before the nodes (not what Nexpose writes) are all emitted', async () => {
  const text = '<NexposeReport version="2.0"><VulnerabilityDefinitions><vulnerability id="A" title="First" severity="9"/></VulnerabilityDefinitions>'
    + '<nodes><node address="10.0.0.1"><tests><test id="a" status="vulnerable-exploited"/></tests></node></nodes></NexposeReport>';
  const records = await parse(text);
  assert.deepEqual(findingsOf(records).get('a')?.title, 'First');
  assert.deepEqual(await countRecords(records), { findings: 1, assets: 1, finding_assets: 1, evidence: 0 });
});

test('timestamps are read as UTC', () => {
  assert.equal(nexposeTimestamp('20210211T164506081'), '2021-02-11T16:45:06.081Z');
  assert.equal(nexposeTimestamp('20210211T164506'), '2021-02-11T16:45:06.000Z');
  assert.equal(nexposeTimestamp('yesterday'), undefined);
});

test('gives the same records whatever the chunk size (1 and 7 bytes split multi-byte characters)', async () => {
  const whole = await parse(NEXPOSE_REPORT);
  for (const size of [1, 7]) {
    assert.deepEqual(await collect(nexposeParser.parse(byteChunks(NEXPOSE_REPORT, size))), whole, `chunk size ${size}`);
  }
});

test('a report without nodes is valid and yields nothing', async () => {
  assert.deepEqual(await parse(NEXPOSE_EMPTY), []);
});

test('another format is rejected naming the root expected', async () => {
  const err = await rejectsWith(OPENVAS_GMP_REPORT, /expected the root element <NexposeReport> of a Rapid7 Nexpose XML export, found <report>/);
  assert.equal(err.position.line, lineOf(OPENVAS_GMP_REPORT, '<report '));
  await rejectsWith(QUALYS_ASSET_REPORT, /found <ASSET_DATA_REPORT>/);
});

test('malformed, truncated and empty files fail with a position', async () => {
  const broken = NEXPOSE_REPORT.replace('</ListItem>', '</Listitem>');
  const err = await rejectsWith(broken, /malformed XML: a closing tag does not match the open element <ListItem>/);
  assert.equal(err.position.line, lineOf(broken, '</Listitem>'));
  await rejectsWith(NEXPOSE_REPORT.slice(0, NEXPOSE_REPORT.indexOf('<VulnerabilityDefinitions>')), /unexpected end of file: element <NexposeReport> is not closed/);
  await rejectsWith('', /unexpected end of file/);
});

test('a test or definition without id, or a node without address or name, is rejected', async () => {
  await rejectsWith(report('<node address="10.0.0.1"><tests><test status="vulnerable-exploited"/></tests></node>'), /<test> has no id attribute.* \(at line 1/);
  await rejectsWith(report('', '<vulnerability title="x"/>'), /<vulnerability> has no id attribute/);
  await rejectsWith(report('<node status="alive"><tests/></node>'), /<node> has no address attribute and no name/);
});

test('one endless test output is stopped by the content limit', async () => {
  const items = `<ListItem>${'x'.repeat(500)}</ListItem>`.repeat(20);
  const text = report(`<node address="10.0.0.1"><tests><test id="a" status="vulnerable-exploited"><UnorderedList>${items}</UnorderedList></test></tests></node>`);
  await assert.rejects(collect(nexposeParser.parse(Readable.from([text]), { maxTokenChars: 1000 })), /the content of <test> is larger than the limit of 4000 characters/);
});

test('sniff recognises Nexpose XML exports only', () => {
  assert.equal(nexposeParser.sniff(NEXPOSE_REPORT.slice(0, 200)), true);
  assert.equal(nexposeParser.sniff(NEXPOSE_V1_NESTED.slice(0, 200)), true);
  assert.equal(nexposeParser.sniff('<NeXposeSimpleXML version="1.0"><devices/>'), false);
  assert.equal(nexposeParser.sniff(SAMPLE_NESSUS.slice(0, 2000)), false);
  assert.equal(nexposeParser.sniff(SAMPLE_BURP.slice(0, 2000)), false);
  assert.equal(nexposeParser.sniff(OPENVAS_GMP_REPORT.slice(0, 2000)), false);
  assert.equal(nexposeParser.sniff(QUALYS_ASSET_REPORT.slice(0, 2000)), false);
});

test('the large generator streams a valid file', async () => {
  assert.deepEqual(await countRecords(nexposeParser.parse(nexposeFixtures.large(200))), { findings: 30, assets: 200, finding_assets: 600, evidence: 0 });
});

test('stopping early releases the input stream', async () => {
  const stream = Readable.from([Buffer.from(NEXPOSE_REPORT.slice(0, 1500)), Buffer.from(NEXPOSE_REPORT.slice(1500))]);
  for await (const record of nexposeParser.parse(stream)) {
    assert.equal(record.kind, 'asset');
    break;
  }
  assert.ok(stream.destroyed);
});
