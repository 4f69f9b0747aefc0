import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import type { ParsedRecord } from '../contract.js';
import { ParseError } from '../parse-error.js';
import { countRecords } from '../support/count-records.js';
import { byteChunks, collect, lineOf, rejectsWith as rejectsWithParser } from '../support/testing.js';
import { SAMPLE_NESSUS } from '../nessus/fixtures/sample-nessus.js';
import { SAMPLE_BURP, XSS_REQUEST, XSS_RESPONSE } from './fixtures/sample-burp.js';
import { burpParser } from './burp.parser.js';

const parse = (text: string): Promise<ParsedRecord[]> => collect(burpParser.parse(Readable.from([Buffer.from(text)])));

const rejectsWith = (text: string, message: RegExp): Promise<ParseError> => rejectsWithParser(burpParser, text, message);
const issuesFile = (issues: string): string => `<issues burpVersion="2024.1">${issues}</issues>`;

test('counts follow the identity rules: distinct types, hosts, pairs; one evidence per requestresponse', async () => {
  assert.deepEqual(await countRecords(burpParser.parse(byteChunks(SAMPLE_BURP, 64))), {
    findings: 2, assets: 2, finding_assets: 2, evidence: 3,
  });
});

test('maps an issue to an asset, a finding and a link', async () => {
  const [asset, finding, link] = await parse(SAMPLE_BURP);
  assert.deepEqual(asset, { kind: 'asset', key: 'https://shop.example.test', data: { name: 'https://Shop.Example.test', ip: '203.0.113.10', hostname: 'shop.example.test' } });
  assert.deepEqual(finding, {
    kind: 'finding',
    key: '2097920',
    data: {
      title: 'Cross-site scripting (reflected)',
      severity: 'High',
      toolSeverity: 'High',
      description: '<p>Reflected XSS arises when…</p>\n\nThe value of the <b>q</b> parameter is copied into the page.',
      solution: '<p>Encode output.</p>',
      references: ['https://portswigger.net/web-security/cross-site-scripting', 'https://example.test/?a=1&b=2'],
      cwes: ['CWE-79', 'CWE-116'],
      extra: { burpSeverity: 'High' },
    },
  });
  assert.deepEqual(link, {
    kind: 'link', findingKey: '2097920', assetKey: 'https://shop.example.test',
    detail: { path: '/search', location: '/search [q parameter]', confidence: 'Certain', serialNumber: '1001' },
  });
});

test('evidence decodes base64 requests and responses, and keeps exchanges with a blank or missing response', async () => {
  const evidence = (await parse(SAMPLE_BURP)).filter((r) => r.kind === 'evidence');
  assert.deepEqual(evidence.map((e) => e.kind === 'evidence' && [e.findingKey, e.assetKey, e.label, e.content]), [
    ['2097920', 'https://shop.example.test', 'GET /search [q parameter] (issue 1001, request 1)', `REQUEST\n${XSS_REQUEST}\n\nRESPONSE\n${XSS_RESPONSE}`],
    ['2097920', 'https://shop.example.test', 'GET /search [q parameter] (issue 1001, request 2)', 'REQUEST\nGET /search?q=test HTTP/1.1\n\nRESPONSE\n'],
    ['2097920', 'https://shop.example.test', 'POST /profile [name parameter] (issue 1002, request 1)', 'REQUEST\nPOST /profile HTTP/1.1\n\nRESPONSE\n'],
  ]);
});

test('maps Burp "Information" to Informational and keeps issue detail items on the link', async () => {
  const records = await parse(SAMPLE_BURP);
  const finding = records.find((r) => r.kind === 'finding' && r.key === '5245344');
  assert.equal(finding?.kind === 'finding' ? finding.data.severity : undefined, 'Informational');
  const link = records.find((r) => r.kind === 'link' && r.findingKey === '5245344');
  assert.deepEqual(link?.kind === 'link' ? link.detail.detailItems : undefined, ['/a', '/b']);
  const asset = records.find((r) => r.kind === 'asset' && r.key === 'https://api.example.test');
  assert.deepEqual(asset?.kind === 'asset' ? asset.data : undefined, { name: 'https://api.example.test', hostname: 'api.example.test' });
});

test('gives the same records whatever the chunk size (1 and 7 bytes split multi-byte characters)', async () => {
  const whole = await parse(SAMPLE_BURP);
  for (const size of [1, 7]) {
    assert.deepEqual(await collect(burpParser.parse(byteChunks(SAMPLE_BURP, size))), whole, `chunk size ${size}`);
  }
});

test('binary bodies never carry NUL characters into the evidence text', async () => {
  const body = Buffer.from([0x47, 0x49, 0x46, 0x00, 0x01]).toString('base64');
  const records = await parse(issuesFile(`<issue><type>1</type><host>http://h</host><severity>Low</severity>
    <requestresponse><request base64="true">${body}</request><response base64="true">${body}</response></requestresponse></issue>`));
  const evidence = records.find((r) => r.kind === 'evidence');
  assert.equal(evidence?.kind === 'evidence' ? evidence.content : undefined, 'REQUEST\nGIF\uFFFD\u0001\n\nRESPONSE\nGIF\uFFFD\u0001');
});

test('a Nessus file is rejected: the root element is not issues', async () => {
  const err = await rejectsWith(SAMPLE_NESSUS, /expected the root element <issues> of a Burp Suite issues export, found <NessusClientData_v2>/);
  assert.equal(err.position.line, 2);
});

test('malformed XML fails with line and column', async () => {
  const broken = SAMPLE_BURP.replace('<confidence>Firm</confidence>', '<confidence>Firm</confidense>');
  const err = await rejectsWith(broken, /malformed XML: a closing tag does not match the open element <confidence>/);
  assert.equal(err.position.line, lineOf(broken, '</confidense>'));
  assert.ok((err.position.column ?? 0) > 0);
});

test('a truncated file fails as an unexpected end of file', async () => {
  await rejectsWith(SAMPLE_BURP.slice(0, SAMPLE_BURP.indexOf('<serialNumber>1003')), /unexpected end of file: element <issue> is not closed/);
});

test('an issue without type or host is rejected', async () => {
  await rejectsWith(issuesFile('<issue><host>http://h</host></issue>'), /<issue> has no <type>/);
  await rejectsWith(issuesFile('<issue><type>42</type></issue>'), /<issue> of type 42 has no <host>/);
});

test('sniff recognises a Burp head (DTD or burpVersion) only', () => {
  assert.equal(burpParser.sniff(SAMPLE_BURP.slice(0, 60)), true);
  assert.equal(burpParser.sniff('<?xml version="1.0"?><issues burpVersion="2024.1" exportTime="x">'), true);
  assert.equal(burpParser.sniff(SAMPLE_NESSUS.slice(0, 500)), false);
  assert.equal(burpParser.sniff('<issues><issue/></issues>'), false);
});
