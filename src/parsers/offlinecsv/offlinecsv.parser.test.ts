import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import type { ParsedRecord } from '../contract.js';
import { ParseError } from '../parse-error.js';
import { countRecords } from '../support/count-records.js';
import { byteChunks, collect, lineOf, rejectsWith as rejectsWithParser } from '../support/testing.js';
import { SAMPLE_BURP } from '../burp/fixtures/sample-burp.js';
import { SAMPLE_NESSUS } from '../nessus/fixtures/sample-nessus.js';
import { offlinecsvFixtures } from './fixtures/offlinecsv.fixtures.js';
import { SAMPLE_PLEXTRAC_TEMPLATE, SAMPLE_SEMICOLON_EXPORT, SAMPLE_TAB_SEPARATED } from './fixtures/sample-offlinecsv.js';
import { offlinecsvParser } from './offlinecsv.parser.js';
import { isoDate, severityOf, splitList, titleKey } from './offlinecsv.values.js';

const parse = (text: string): Promise<ParsedRecord[]> => collect(offlinecsvParser.parse(Readable.from([Buffer.from(text)])));
const rejectsWith = (text: string, message: RegExp): Promise<ParseError> => rejectsWithParser(offlinecsvParser, text, message);
const findings = (records: ParsedRecord[]) => records.flatMap((r) => (r.kind === 'finding' ? [r] : []));

test('counts follow the identity rules for every sample', async () => {
  for (const sample of offlinecsvFixtures.samples) {
    assert.deepEqual(await countRecords(offlinecsvParser.parse(byteChunks(sample.content, 64))), sample.expected, sample.name);
  }
});

test("maps a row of PlexTrac's template: lists split, URL commas kept, unknown columns as custom fields", async () => {
  const [finding, asset, link, secondAsset] = await parse(SAMPLE_PLEXTRAC_TEMPLATE);
  assert.deepEqual(finding, {
    kind: 'finding',
    key: 'sql injection',
    data: {
      title: 'SQL Injection',
      severity: 'Critical',
      toolSeverity: 'Critical',
      description: '<p>User input reaches a query.</p>',
      solution: 'Use parameterised queries.',
      references: ['https://owasp.org/www-community/attacks/SQL_Injection', 'https://cwe.mitre.org/data/definitions/89.html'],
      cves: ['CVE-2021-1234', 'CVE-2021-5678'],
      cwes: ['CWE-89'],
      extra: { status: 'Open', tags: 'web;injection', cvss_temporal: '9.1', category: 'Web' },
    },
  });
  assert.deepEqual(asset, { kind: 'asset', key: 'https://shop.example.test/login', data: { name: 'https://shop.example.test/login', hostname: 'shop.example.test' } });
  assert.deepEqual(link, { kind: 'link', findingKey: 'sql injection', assetKey: 'https://shop.example.test/login', detail: {} });
  assert.equal(secondAsset?.kind === 'asset' && secondAsset.key, 'https://shop.example.test/search?q=1,2');
});

test('the finding key is the normalised title: case and spacing do not make a second finding', async () => {
  const keys = findings(await parse(SAMPLE_PLEXTRAC_TEMPLATE)).map((f) => [f.key, f.data.title, f.data.severity]);
  assert.deepEqual(keys.filter(([key]) => key === 'sql injection'), [
    ['sql injection', 'SQL Injection', 'Critical'],
    ['sql injection', 'sql   INJECTION', 'Critical'],
  ]);
  assert.equal(titleKey('  Ｗeak\u00a0TLS\n config '), 'weak tls config');
});

test('an id column is the key; host details, port and evidence go where they belong', async () => {
  const records = await parse(SAMPLE_SEMICOLON_EXPORT);
  assert.deepEqual(records.slice(0, 3), [
    {
      kind: 'finding',
      key: '10001',
      data: {
        title: 'Weak ciphers', severity: 'High', toolSeverity: 'High', description: 'Weak ciphers are enabled.', solution: 'Disable RC4.',
        references: ['https://example.test/a'], cves: ['CVE-2020-0001'], cvssV3Score: 7.5,
        extra: { Synopsis: 'Weak TLS.', Owner: 'Team Ünïcode' },
      },
    },
    { kind: 'asset', key: '10.0.0.5', data: { name: '10.0.0.5', ip: '10.0.0.5' } },
    { kind: 'link', findingKey: '10001', assetKey: '10.0.0.5', detail: { port: 443, protocol: 'tcp', evidence: 'Cipher: RC4\nCipher: 3DES' } },
  ]);
  const info = findings(records).find((f) => f.key === '19506');
  assert.deepEqual([info?.data.severity, info?.data.toolSeverity], ['Informational', 'None']);
  // A row without a host: a finding, no asset, no link.
  assert.deepEqual(records.slice(-1).map((r) => [r.kind, r.kind === 'finding' && r.key]), [['finding', '10004']]);
});

test('numeric severities, hostname before IP address, bare CWE numbers and ISO dates', async () => {
  const records = await parse(SAMPLE_TAB_SEPARATED);
  assert.deepEqual(records.slice(0, 2), [
    {
      kind: 'finding',
      key: 'F-1',
      data: {
        title: 'Default credentials', severity: 'Critical', toolSeverity: '4', cwes: ['CWE-798'], cvssV3Score: 9.8,
        firstSeen: '2024-01-05T00:00:00.000Z', lastSeen: '2024-03-01T10:00:00.000Z',
      },
    },
    { kind: 'asset', key: 'printer01', data: { name: 'printer01', ip: '192.0.2.10', hostname: 'printer01' } },
  ]);
  assert.deepEqual(findings(records).map((f) => f.data.severity), ['Critical', 'Low', 'Informational', 'Critical']);
});

test('severity words, levels and CVSS scores', () => {
  const cases: [string, string | undefined][] = [
    ['', 'Informational'], ['CRIT', 'Critical'], ['high', 'High'], ['Moderate', 'Medium'], ['med', 'Medium'], ['low', 'Low'],
    ['Info', 'Informational'], ['informational', 'Informational'], ['None', 'Informational'],
    ['0', 'Informational'], ['1', 'Low'], ['2', 'Medium'], ['3', 'High'], ['4', 'Critical'],
    ['0.0', 'Informational'], ['3.9', 'Low'], ['4.0', 'Medium'], ['5', 'Medium'], ['7.5', 'High'], ['9', 'Critical'], ['10', 'Critical'],
    ['11', undefined], ['urgent', undefined], ['-1', undefined],
  ];
  for (const [cell, expected] of cases) assert.equal(severityOf(cell), expected, JSON.stringify(cell));
});

test('cell lists split on line breaks, commas and semicolons, but not inside a URL', () => {
  assert.deepEqual(splitList('a, b;c\r\nd\n\n a '), ['a', 'b', 'c', 'd']);
  assert.deepEqual(splitList('https://x.test/?a=1,2;b=3, https://y.test/,https://z.test'), ['https://x.test/?a=1,2;b=3', 'https://y.test/', 'https://z.test']);
  assert.equal(isoDate('2024-03-01 10:15'), '2024-03-01T10:15:00.000Z');
  assert.equal(isoDate('2024-03-01T10:15:00+0200'), '2024-03-01T08:15:00.000Z');
  assert.equal(isoDate('03/01/2024'), undefined);
});

test('keeps what it cannot read as custom fields; skips blank rows', async () => {
  const records = await parse('Title,Risk,CVSS,CVE,First Seen\n' +
    'A,High,CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H,see vendor note,03/01/2024\n' +
    ',,,,\n' +
    'B,Low,12,n/a,\n');
  assert.deepEqual(findings(records).map((f) => f.data), [
    {
      title: 'A', severity: 'High', toolSeverity: 'High', cvssV3Vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H',
      extra: { CVE: 'see vendor note', 'First Seen': '03/01/2024' },
    },
    { title: 'B', severity: 'Low', toolSeverity: 'Low', extra: { CVSS: '12' } },
  ]);
});

test('a row without an asset keeps its port and evidence as custom fields; odd column names stay plain keys', async () => {
  const records = await parse('title,severity,host,port,evidence,__proto__\nA,Low,,443,banner,x\n');
  assert.deepEqual(records, [{
    kind: 'finding', key: 'a',
    data: { title: 'A', severity: 'Low', toolSeverity: 'Low', extra: Object.fromEntries([['port', '443'], ['evidence', 'banner'], ['__proto__', 'x']]) },
  }]);
});

test('gives the same records whatever the chunk size (1 and 7 bytes split multi-byte characters)', async () => {
  for (const text of [SAMPLE_PLEXTRAC_TEMPLATE, SAMPLE_SEMICOLON_EXPORT]) {
    const whole = await parse(text);
    for (const size of [1, 7]) assert.deepEqual(await collect(offlinecsvParser.parse(byteChunks(text, size))), whole, `chunk size ${size}`);
  }
});

test('a row with a blank title is an error naming the row and its line', async () => {
  const text = 'title,severity,host\nA,High,h1\n"  ",Low,h2\n';
  const err = await rejectsWith(text, /^row 2 has a blank title \(column "title"\); every finding needs one \(at line 3, column 1\)$/);
  assert.equal(err.position.record, 2);
});

test('an unknown severity is an error naming the row', async () => {
  await rejectsWith('name;severity\nA;Urgent\n', /^row 1 has severity "Urgent"; expected Critical, High, Medium, Low, Informational/);
});

test('a header without title and severity columns is not this format', async () => {
  const nessus = await rejectsWith(SAMPLE_NESSUS, /^expected a findings CSV header row with a title column \(title, name, finding, finding name…\) and a severity column .*found 1 column: "<\?xml version=\\"1.0\\" \?>" \(at line 1, column 1\)$/);
  assert.equal(nessus.position.line, 1);
  await rejectsWith(SAMPLE_BURP, /^expected a findings CSV header row/);
  await rejectsWith('{"template-id":"x","info":{"name":"n","severity":"high"}}\n', /^expected a findings CSV header row/);
  await rejectsWith('title,host\nA,h\n', /^expected a findings CSV header row with a severity column \(severity, sev, severity level, risk…\); found 2 columns: "title", "host"/);
});

test('an empty file is an error; a header row alone is an empty report', async () => {
  await rejectsWith('', /^the file is empty: expected a CSV header row/);
  assert.deepEqual(await parse('Title,Severity\r\n\r\n'), []);
});

test('malformed and truncated files fail with the row and line', async () => {
  const unclosed = SAMPLE_SEMICOLON_EXPORT.slice(0, SAMPLE_SEMICOLON_EXPORT.indexOf('Cipher: 3DES'));
  const err = await rejectsWith(unclosed, /^unbalanced quotes: a quoted field of row 1 is still open at the end of the file/);
  assert.equal(err.position.line, 2);
  const cut = SAMPLE_TAB_SEPARATED.slice(0, SAMPLE_TAB_SEPARATED.indexOf('\t192.0.2.11'));
  await rejectsWith(cut, new RegExp(`^inconsistent column count: row 3 has 3 fields, the header has 9 \\(at line ${lineOf(SAMPLE_TAB_SEPARATED, 'F-3')}, column 1\\)$`));
});

test('sniff recognises a findings header only', () => {
  for (const sample of offlinecsvFixtures.samples) assert.equal(offlinecsvParser.sniff(sample.content.slice(0, 4096)), true, sample.name);
  assert.equal(offlinecsvParser.sniff('sep=;\r\nName;Risk;Host\r\n'), true);
  assert.equal(offlinecsvParser.sniff(SAMPLE_NESSUS.slice(0, 4096)), false);
  assert.equal(offlinecsvParser.sniff(SAMPLE_BURP.slice(0, 4096)), false);
  assert.equal(offlinecsvParser.sniff('title,host\nA,h\n'), false, 'no severity column');
  assert.equal(offlinecsvParser.sniff('[{"title":"x","severity":"high"}]'), false);
  assert.equal(offlinecsvParser.sniff(''), false);
});

test('stopping early releases the input stream', async () => {
  const stream = Readable.from([Buffer.from(SAMPLE_SEMICOLON_EXPORT.slice(0, 300)), Buffer.from(SAMPLE_SEMICOLON_EXPORT.slice(300))]);
  for await (const record of offlinecsvParser.parse(stream)) {
    assert.equal(record.kind, 'finding');
    break;
  }
  assert.ok(stream.destroyed);
});
