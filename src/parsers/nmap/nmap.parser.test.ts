import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import type { ParsedRecord } from '../contract.js';
import { ParseError } from '../parse-error.js';
import { countRecords } from '../support/count-records.js';
import { byteChunks, collect, lineOf, rejectsWith as rejectsWithParser } from '../support/testing.js';
import { SAMPLE_BURP } from '../burp/fixtures/sample-burp.js';
import { SAMPLE_NESSUS } from '../nessus/fixtures/sample-nessus.js';
import { NMAP_PORTS_ONLY, NMAP_TEXT_ONLY, NMAP_VULN_SCRIPTS, nmapFixtures } from './fixtures/nmap.fixtures.js';
import { nmapParser } from './nmap.parser.js';

const parse = (text: string): Promise<ParsedRecord[]> => collect(nmapParser.parse(Readable.from([Buffer.from(text)])));
const rejectsWith = (text: string, message: RegExp): Promise<ParseError> => rejectsWithParser(nmapParser, text, message);
const run = (hosts: string): string => `<nmaprun scanner="nmap" start="1700000000">${hosts}</nmaprun>`;
const upHost = (inner: string): string => `<host><status state="up"/><address addr="192.0.2.1" addrtype="ipv4"/>${inner}</host>`;
const findingsOf = (records: ParsedRecord[]) => records.flatMap((r) => (r.kind === 'finding' ? [r] : []));
const linksOf = (records: ParsedRecord[]) => records.flatMap((r) => (r.kind === 'link' ? [r] : []));

test('every sample has the counts its fixture declares', async () => {
  for (const sample of nmapFixtures.samples) {
    assert.deepEqual(await countRecords(nmapParser.parse(byteChunks(sample.content, 64))), sample.expected, sample.name);
  }
});

test('maps a host that is up to an asset keyed by its address, with names, MAC, OS and open ports', async () => {
  const [asset] = await parse(NMAP_VULN_SCRIPTS);
  assert.deepEqual(asset, {
    kind: 'asset',
    key: '10.0.0.5',
    data: {
      name: '10.0.0.5',
      ip: '10.0.0.5',
      hostname: 'web01.example.test',
      fqdn: 'web01.lan',
      os: 'Linux 5.0 – «edge»',
      mac: '00:11:22:33:44:55',
      extra: {
        hostnames: [{ name: 'web01.example.test', type: 'user' }, { name: 'web01.lan', type: 'PTR' }],
        macVendor: 'Acme Réseaux',
        osAccuracy: 98,
        statusReason: 'arp-response',
        ports: [
          { port: 22, protocol: 'tcp', service: 'ssh', product: 'OpenSSH', version: '7.4', extrainfo: 'protocol 2.0', cpe: ['cpe:/a:openbsd:openssh:7.4'] },
          { port: 80, protocol: 'tcp', service: 'http', product: 'nginx', version: '1.18.0' },
          { port: 443, protocol: 'tcp', service: 'https' },
        ],
      },
    },
  });
});

test('hosts that are down are skipped with their scripts; IPv6 keys are lower-cased', async () => {
  const assets = (await parse(NMAP_VULN_SCRIPTS)).flatMap((r) => (r.kind === 'asset' ? [r.key] : []));
  assert.deepEqual(assets, ['10.0.0.5', '2001:db8::1', '10.0.0.7']);
  const ports = (await parse(NMAP_PORTS_ONLY)).flatMap((r) => (r.kind === 'asset' ? [[r.key, r.data.extra?.ports]] : []));
  assert.deepEqual(ports, [['198.51.100.1', [{ port: 53, protocol: 'tcp', service: 'domain' }]], ['198.51.100.3', undefined]]);
});

test('each vulners entry is a finding keyed by its id, with the port and CPE on the link', async () => {
  const records = await parse(NMAP_VULN_SCRIPTS);
  const [finding, link] = records.slice(1, 3);
  assert.deepEqual(finding, {
    kind: 'finding',
    key: 'CVE-2023-38408',
    data: {
      title: 'CVE-2023-38408',
      severity: 'Critical',
      toolSeverity: '9.8',
      description: 'CVE-2023-38408 is listed by vulners.com as a vulnerability of the software version Nmap detected.',
      references: ['https://vulners.com/cve/CVE-2023-38408'],
      cves: ['CVE-2023-38408'],
      extra: { script: 'vulners', vulnersType: 'cve', isExploit: false, cvss: 9.8 },
      lastSeen: '2025-03-03T10:01:40.000Z',
    },
  });
  assert.deepEqual(link, {
    kind: 'link',
    findingKey: 'CVE-2023-38408',
    assetKey: '10.0.0.5',
    detail: {
      port: 22, protocol: 'tcp', service: 'ssh', product: 'OpenSSH', version: '7.4', script: 'vulners',
      cpe: 'cpe:/a:openbsd:openssh:7.4', evidence: 'CVE-2023-38408\t9.8\thttps://vulners.com/cve/CVE-2023-38408',
    },
  });
  const exploit = findingsOf(records).find((f) => f.key === 'EDB-ID:46516');
  assert.deepEqual([exploit?.data.severity, exploit?.data.cves, exploit?.data.extra?.isExploit], ['High', undefined, true]);
  assert.deepEqual(linksOf(records).filter((l) => l.findingKey === 'CVE-2018-15919').map((l) => l.assetKey), ['10.0.0.5', '2001:db8::1']);
});

test('vulns-library reports: keyed by CVE, else by script id; NOT VULNERABLE and other scripts ignored', async () => {
  const records = await parse(NMAP_VULN_SCRIPTS);
  const ms17 = findingsOf(records).find((f) => f.key === 'CVE-2017-0143');
  assert.deepEqual(ms17?.data, {
    title: 'Remote Code Execution vulnerability in Microsoft SMBv1 servers (ms17-010)',
    severity: 'High',
    toolSeverity: 'HIGH',
    description: "A critical remote code execution vulnerability exists in Microsoft SMBv1\n servers (ms17-010) & it's wormable.",
    references: ['https://technet.microsoft.com/en-us/library/security/ms17-010.aspx', 'https://cve.mitre.org/cgi-bin/cvename.cgi?name=CVE-2017-0143'],
    cves: ['CVE-2017-0143'],
    extra: { script: 'smb-vuln-ms17-010', disclosure: '2017-03-14' },
    lastSeen: '2025-03-03T10:01:40.000Z',
  });
  const hostScriptLink = linksOf(records).find((l) => l.findingKey === 'CVE-2017-0143');
  assert.equal(hostScriptLink?.detail.port, undefined);
  assert.equal(hostScriptLink?.detail.state, 'VULNERABLE');
  assert.match(String(hostScriptLink?.detail.evidence), /^VULNERABLE:\n {2}Remote Code Execution/);

  const dh = findingsOf(records).find((f) => f.key === 'ssl-dh-params');
  assert.deepEqual([dh?.data.severity, dh?.data.cvssV2Score, dh?.data.cvssV2Vector], ['Medium', 4.3, 'AV:N/AC:M/Au:N/C:P/I:N/A:N']);
  const keys = new Set(findingsOf(records).map((f) => f.key));
  assert.deepEqual([...keys].sort(), ['CVE-2017-0143', 'CVE-2018-15919', 'CVE-2023-38408', 'EDB-ID:46516', 'ssl-dh-params']);
});

test('reads text-only script output from older Nmap versions', async () => {
  const records = await parse(NMAP_TEXT_ONLY);
  assert.deepEqual(findingsOf(records).map((f) => [f.key, f.data.title, f.data.severity, f.data.references]), [
    ['CVE-2014-3566', 'SSL POODLE information leak', 'Medium', ['https://www.imperialviolet.org/2014/10/14/poodle.html']],
    ['CVE-2016-0777', 'CVE-2016-0777', 'Medium', ['https://vulners.com/cve/CVE-2016-0777']],
  ]);
  assert.deepEqual(linksOf(records).map((l) => [l.detail.port, l.detail.cpe]), [[443, undefined], [22, 'cpe:/a:openbsd:openssh:6.6.1p1']]);
});

test('scores and risk factors map to severities; a CVSSv3 score wins over the risk factor', async () => {
  const script = `<script id="http-vuln-x" output="Risk factor: Low"><table key="CVE-2017-8917"><elem key="title">Joomla SQLi</elem>
    <elem key="state">VULNERABLE (Exploitable)</elem><table key="scores"><elem key="CVSSv3">9.8 (CRITICAL) (CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H)</elem></table></table></script>`;
  const [finding] = findingsOf(await parse(run(upHost(`<ports><port protocol="tcp" portid="80"><state state="open"/>${script}</port></ports>`))));
  assert.deepEqual([finding?.key, finding?.data.severity, finding?.data.cvssV3Score, finding?.data.cvssV3Vector],
    ['CVE-2017-8917', 'Critical', 9.8, 'CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H']);
});

test('gives the same records whatever the chunk size (1 and 7 bytes split multi-byte characters)', async () => {
  const whole = await parse(NMAP_VULN_SCRIPTS);
  for (const size of [1, 7]) {
    assert.deepEqual(await collect(nmapParser.parse(byteChunks(NMAP_VULN_SCRIPTS, size))), whole, `chunk size ${size}`);
  }
});

test('a host that is up without an address is rejected with its position', async () => {
  const err = await rejectsWith(run('\n<host><status state="up"/></host>'), /<host> is up but has no <address>; expected its IP address \(at line 2/);
  assert.ok((err.position.column ?? 0) > 0);
});

test('malformed XML fails with line and column', async () => {
  const broken = NMAP_VULN_SCRIPTS.replace('</hostnames>', '</hostname>');
  const err = await rejectsWith(broken, /malformed XML: a closing tag does not match the open element <hostnames>/);
  assert.equal(err.position.line, lineOf(broken, '</hostname>\n<ports>'));
});

test('a truncated (interrupted) or empty file fails as an unexpected end of file', async () => {
  await rejectsWith(NMAP_VULN_SCRIPTS.slice(0, NMAP_VULN_SCRIPTS.indexOf('<runstats>')), /unexpected end of file: element <nmaprun> is not closed/);
  await rejectsWith('', /unexpected end of file/);
});

test('a file of another tool is rejected: the root element is not nmaprun', async () => {
  await rejectsWith(SAMPLE_BURP, /expected the root element <nmaprun> of an Nmap XML output \(-oX\) file, found <issues>/);
  await rejectsWith(SAMPLE_NESSUS, /found <NessusClientData_v2>/);
});

test('sniff recognises an Nmap XML head only', () => {
  assert.equal(nmapParser.sniff(NMAP_VULN_SCRIPTS.slice(0, 400)), true);
  assert.equal(nmapParser.sniff(NMAP_PORTS_ONLY.slice(0, 100)), true);
  assert.equal(nmapParser.sniff(SAMPLE_BURP.slice(0, 2000)), false);
  assert.equal(nmapParser.sniff(SAMPLE_NESSUS.slice(0, 2000)), false);
  assert.equal(nmapParser.sniff('# Nmap 7.94 scan initiated as: nmap -oG - 10.0.0.1\nHost: 10.0.0.1 ()\tStatus: Up'), false);
});

test('the large generator streams a valid run with the expected counts', async () => {
  const text = (await collect(nmapFixtures.large(120))).join('');
  assert.deepEqual(await countRecords(nmapParser.parse(byteChunks(text, 4096))), { findings: 51, assets: 120, finding_assets: 240, evidence: 0 });
});

test('stopping early releases the input stream', async () => {
  const stream = Readable.from([Buffer.from(NMAP_VULN_SCRIPTS.slice(0, 5000)), Buffer.from(NMAP_VULN_SCRIPTS.slice(5000))]);
  for await (const record of nmapParser.parse(stream)) {
    assert.equal(record.kind, 'asset');
    break;
  }
  assert.ok(stream.destroyed);
});
