import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import type { ParsedRecord } from '../contract.js';
import { ParseError } from '../parse-error.js';
import { countRecords } from '../support/count-records.js';
import { byteChunks, collect, lineOf, rejectsWith as rejectsWithParser } from '../support/testing.js';
import { SAMPLE_BURP } from '../burp/fixtures/sample-burp.js';
import { SAMPLE_NESSUS } from './fixtures/sample-nessus.js';
import { nessusParser } from './nessus.parser.js';

const parse = (text: string): Promise<ParsedRecord[]> => collect(nessusParser.parse(Readable.from([Buffer.from(text)])));

const rejectsWith = (text: string, message: RegExp): Promise<ParseError> => rejectsWithParser(nessusParser, text, message);
/** A minimal valid file around some ReportHost markup. */
const nessusFile = (hosts: string): string => `<NessusClientData_v2><Report name="t">${hosts}</Report></NessusClientData_v2>`;

test('counts follow the identity rules: distinct plugins, hosts, pairs; evidence per non-blank plugin_output', async () => {
  assert.deepEqual(await countRecords(nessusParser.parse(byteChunks(SAMPLE_NESSUS, 64))), {
    findings: 5, assets: 3, finding_assets: 5, evidence: 4,
  });
});

test('maps a ReportItem to a finding, a link and an evidence', async () => {
  const records = await parse(SAMPLE_NESSUS);
  const [finding, link, evidence] = records.slice(1, 4);
  assert.deepEqual(finding, {
    kind: 'finding',
    key: '10001',
    data: {
      title: 'Weak TLS ciphers – résumé',
      severity: 'High',
      toolSeverity: '3',
      description: 'Weak ciphers are enabled.',
      solution: 'Disable RC4 & 3DES.',
      references: ['https://example.test/a', 'https://example.test/b'],
      cves: ['CVE-2020-0001', 'CVE-2020-0002'],
      cwes: ['CWE-327', 'CWE-326'],
      cvssV3Score: 7.5,
      cvssV3Vector: 'CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N',
      cvssV2Score: 5,
      cvssV2Vector: 'CVSS2#AV:N/AC:L/Au:N/C:P/I:N/A:N',
      extra: {
        pluginFamily: 'General',
        synopsis: 'Weak TLS.',
        plugin_type: 'remote',
        risk_factor: 'Low',
        exploit_available: 'false',
        xref: ['CWE:326', 'IAVA:2020-A-0001'],
      },
    },
  });
  assert.deepEqual(link, { kind: 'link', findingKey: '10001', assetKey: '10.0.0.5', detail: { port: 443, protocol: 'tcp', svc_name: 'www' } });
  assert.deepEqual(evidence, { kind: 'evidence', findingKey: '10001', assetKey: '10.0.0.5', label: 'tcp/443 (www)', content: '\nCipher: RC4 ✓ naïve 🔒\n' });
});

test('emits each ReportHost as one asset, keyed by host-ip else its name, even without items', async () => {
  const assets = (await parse(SAMPLE_NESSUS)).filter((r) => r.kind === 'asset');
  assert.deepEqual(assets, [
    {
      kind: 'asset',
      key: '10.0.0.5',
      data: {
        name: 'web01.example.test', ip: '10.0.0.5', hostname: 'web01.example.test', fqdn: 'web01.example.test',
        os: 'Linux Kernel 5.4', mac: '00:11:22:33:44:55', extra: { 'netbios-name': 'WEB01', HOST_END: 'Wed Mar 23 15:07:52 2022' },
      },
    },
    { kind: 'asset', key: 'db02.example.test', data: { name: 'DB02.Example.TEST', os: 'Windows' } },
    { kind: 'asset', key: '10.0.0.9', data: { name: '10.0.0.9' } },
    { kind: 'asset', key: '10.0.0.5', data: { name: 'web01-second-pass', ip: '10.0.0.5' } },
  ]);
});

test('uses the numeric severity attribute for every level, informational included', async () => {
  const severities = new Map((await parse(SAMPLE_NESSUS)).flatMap((r) => (r.kind === 'finding' ? [[r.key, r.data.severity] as const] : [])));
  assert.deepEqual(Object.fromEntries(severities), {
    '19506': 'Informational', '10003': 'Low', '10004': 'Medium', '10001': 'High', '10002': 'Critical',
  });
});

test('evidence only for non-blank plugin_output; CDATA output kept as written', async () => {
  const evidence = (await parse(SAMPLE_NESSUS)).filter((r) => r.kind === 'evidence');
  assert.deepEqual(evidence.map((e) => [e.findingKey, e.label]), [
    ['10001', 'tcp/443 (www)'], ['10001', 'tcp/8443 (www)'], ['10003', 'udp/123 (ntp)'], ['10001', 'tcp/443 (www)'],
  ]);
  assert.equal(evidence[2]!.kind === 'evidence' && evidence[2]!.content, '<b>raw</b> & kept');
});

test('gives the same records whatever the chunk size (1 and 7 bytes split multi-byte characters)', async () => {
  const whole = await parse(SAMPLE_NESSUS);
  for (const size of [1, 7]) {
    assert.deepEqual(await collect(nessusParser.parse(byteChunks(SAMPLE_NESSUS, size))), whole, `chunk size ${size}`);
  }
});

test('HostProperties after the items keep the key already used and re-emit the asset', async () => {
  const records = await parse(nessusFile(`<ReportHost name="Late.Example"><ReportItem port="0" protocol="tcp" severity="0" pluginID="1"/>
    <HostProperties><tag name="host-ip">10.9.9.9</tag></HostProperties></ReportHost>`));
  assert.deepEqual(records.filter((r) => r.kind === 'asset').map((r) => r.kind === 'asset' && [r.key, r.data.ip]), [
    ['late.example', undefined], ['late.example', '10.9.9.9'],
  ]);
});

test('a ReportItem repeating its plugin but for port and output yields its link and evidence, not a second finding', async () => {
  const item = (port: string, description: string) => `<ReportItem port="${port}" protocol="tcp" svc_name="www" severity="2" pluginID="7" pluginName="Old TLS">
      <description>${description}</description><solution>Upgrade.</solution><plugin_output>seen on ${port}</plugin_output></ReportItem>`;
  const records = await parse(nessusFile(`<ReportHost name="a">${item('443', 'TLS 1.0.')}</ReportHost>
    <ReportHost name="b">${item('8443', 'TLS 1.0.')}</ReportHost><ReportHost name="c">${item('443', 'TLS 1.0 and 1.1.')}</ReportHost>`));
  const shapes = records.map((r) => (r.kind === 'finding' ? `finding ${r.data.description}` : r.kind === 'asset' ? `asset ${r.key}` : `${r.kind} ${r.assetKey}`));
  assert.deepEqual(shapes, [
    'asset a', 'finding TLS 1.0.', 'link a', 'evidence a',
    'asset b', 'link b', 'evidence b',
    'asset c', 'finding TLS 1.0 and 1.1.', 'link c', 'evidence c',
  ]);
  assert.deepEqual(await countRecords(nessusParser.parse(Readable.from([Buffer.from(nessusFile(`<ReportHost name="a">${item('1', 'x')}</ReportHost><ReportHost name="b">${item('2', 'x')}</ReportHost>`))]))), {
    findings: 1, assets: 2, finding_assets: 2, evidence: 2,
  });
});

test('a Burp file is rejected: the root element is not NessusClientData_v2', async () => {
  const err = await rejectsWith(SAMPLE_BURP, /expected the root element <NessusClientData_v2> of a Nessus v2 \(\.nessus\) file, found <issues>/);
  assert.equal(err.position.line, 11);
});

test('malformed XML fails with line and column', async () => {
  const broken = SAMPLE_NESSUS.replace('</synopsis>', '</synopsys>');
  const err = await rejectsWith(broken, /malformed XML: a closing tag does not match the open element <synopsis>/);
  assert.equal(err.position.line, lineOf(broken, '</synopsys>'));
  assert.ok((err.position.column ?? 0) > 0);
});

test('a truncated file fails as an unexpected end of file', async () => {
  await rejectsWith(SAMPLE_NESSUS.slice(0, SAMPLE_NESSUS.indexOf('<ReportItem port="22"')), /unexpected end of file: element <ReportHost> is not closed/);
  await rejectsWith('', /unexpected end of file/);
});

test('an item without pluginID, or with an unknown severity, is rejected with its position', async () => {
  await rejectsWith(nessusFile('<ReportHost name="h"><ReportItem severity="1"/></ReportHost>'), /<ReportItem> has no pluginID attribute \(at line 1/);
  await rejectsWith(nessusFile('<ReportHost name="h"><ReportItem pluginID="7" severity="9"/></ReportHost>'), /severity "9"; expected 0 to 4/);
});

test('falls back to risk_factor when the severity attribute is missing', async () => {
  const records = await parse(nessusFile('<ReportHost name="h"><ReportItem pluginID="7"><risk_factor>Critical</risk_factor></ReportItem></ReportHost>'));
  const finding = records.find((r) => r.kind === 'finding');
  assert.equal(finding?.kind === 'finding' ? finding.data.severity : undefined, 'Critical');
  assert.equal(finding?.kind === 'finding' ? finding.data.toolSeverity : undefined, 'Critical', 'the raw value is the one the severity came from');
});

test('a ReportHost without host-ip or name is rejected', async () => {
  await rejectsWith(nessusFile('<ReportHost name=" "><HostProperties/></ReportHost>'), /neither a host-ip tag nor a name/);
});

test('sniff recognises a Nessus v2 head only', () => {
  assert.equal(nessusParser.sniff(SAMPLE_NESSUS.slice(0, 200)), true);
  assert.equal(nessusParser.sniff(SAMPLE_BURP.slice(0, 2000)), false);
  assert.equal(nessusParser.sniff('<NessusClientData><Report/></NessusClientData>'), false);
});

test('stopping early releases the input stream', async () => {
  const stream = Readable.from([Buffer.from(SAMPLE_NESSUS.slice(0, 2000)), Buffer.from(SAMPLE_NESSUS.slice(2000))]);
  for await (const record of nessusParser.parse(stream)) {
    assert.equal(record.kind, 'asset');
    break;
  }
  assert.ok(stream.destroyed);
});
