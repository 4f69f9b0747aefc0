import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import type { ParsedRecord } from '../contract.js';
import { countRecords } from '../support/count-records.js';
import { byteChunks, collect, lineOf, rejectsWith as rejectsWithParser } from '../support/testing.js';
import { SAMPLE_NESSUS } from '../nessus/fixtures/sample-nessus.js';
import { SAMPLE_BURP } from '../burp/fixtures/sample-burp.js';
import { NUCLEI_V3_LINES } from '../nuclei/fixtures/nuclei.fixtures.js';
import { SARIF_CODEQL } from '../sarif/fixtures/sarif.fixtures.js';
import { NIKTO_JSON_ARRAY, NIKTO_JSON_OBJECT, NIKTO_XML_215, NIKTO_XML_216, NIKTO_XML_25, niktoFixtures } from './fixtures/nikto.fixtures.js';
import { niktoParser } from './nikto.parser.js';

const parse = (text: string): Promise<ParsedRecord[]> => collect(niktoParser.parse(Readable.from([Buffer.from(text)])));
const rejectsWith = (text: string, message: RegExp) => rejectsWithParser(niktoParser, text, message);
const keysOf = (records: ParsedRecord[], kind: 'asset' | 'finding') => [...new Set(records.flatMap((r) => (r.kind === kind ? [r.key] : [])))];

test('counts of every sample follow the Nikto identity rule (test id, site origin, pairs; no evidence)', async () => {
  for (const sample of niktoFixtures.samples) {
    assert.deepEqual(await countRecords(niktoParser.parse(byteChunks(sample.content, 64))), sample.expected, sample.name);
  }
});

test('maps an XML site to an asset and an item to a finding and a link with the message as evidence', async () => {
  const [asset, finding, link] = await parse(NIKTO_XML_25);
  assert.deepEqual(asset, {
    kind: 'asset', key: 'https://shop.example.test:443',
    data: { name: 'https://shop.example.test:443', ip: '192.0.2.10', hostname: 'shop.example.test', extra: { port: '443', banner: 'nginx & friends' } },
  });
  assert.deepEqual(finding, {
    kind: 'finding', key: '999100',
    data: { title: "Uncommon header 'x-cache' found, with contents: HIT", severity: 'Informational', description: "Uncommon header 'x-cache' found, with contents: HIT" },
  });
  assert.deepEqual(link, {
    kind: 'link', findingKey: '999100', assetKey: 'https://shop.example.test:443',
    detail: {
      method: 'GET', path: '/', url: 'https://Shop.Example.test:443/', ipUrl: 'https://192.0.2.10:443/',
      evidence: "GET https://Shop.Example.test:443/\nUncommon header 'x-cache' found, with contents: HIT",
    },
  });
});

test('keeps OSVDB ids, references and CVEs; the title drops the leading path', async () => {
  const records = await parse(NIKTO_XML_25);
  const osvdb = records.find((r) => r.kind === 'finding' && r.key === '000366');
  assert.deepEqual(osvdb?.kind === 'finding' ? osvdb.data : undefined, {
    title: 'Default example pages present.',
    severity: 'Informational',
    description: '/examples/index.html: Default example pages present.',
    references: ['https://example.org/a', 'https://example.org/b', 'http://osvdb.org/3233'],
    extra: { osvdbId: '3233' },
  });
  const cve = records.find((r) => r.kind === 'finding' && r.key === '999957');
  assert.deepEqual(cve?.kind === 'finding' ? cve.data.cves : undefined, ['CVE-2003-1418']);
});

test('every site is an asset, also one without items; the three XML shapes of Nikto are read', async () => {
  assert.deepEqual(keysOf(await parse(NIKTO_XML_25), 'asset'), ['https://shop.example.test:443', 'http://10.0.0.7:8080', 'http://intranet.example.test:80']);
  assert.deepEqual(keysOf(await parse(NIKTO_XML_216), 'asset'), ['https://shop.example.test:443']);
  const old = await parse(NIKTO_XML_215);
  assert.deepEqual(keysOf(old, 'asset'), ['http://localhost:8070']);
  assert.deepEqual(keysOf(old, 'finding'), ['999976', '999990']);
});

test('reads Nikto JSON: one host object or an array of hosts, numeric ids, a host without vulnerabilities', async () => {
  const single = await parse(NIKTO_JSON_OBJECT);
  assert.deepEqual(keysOf(single, 'asset'), ['https://juice.example.test:443']);
  assert.deepEqual(keysOf(single, 'finding'), ['999986', '740001']);
  const hosts = await parse(NIKTO_JSON_ARRAY);
  assert.deepEqual(keysOf(hosts, 'asset'), ['https://www.example.test:8443', 'http://static.example.test:80']);
  const [, finding, link] = hosts;
  assert.deepEqual(finding, {
    kind: 'finding', key: '999978',
    data: {
      title: 'X-Frame-Options header is deprecated – «CSP» instead.', severity: 'Informational',
      description: '/: X-Frame-Options header is deprecated – «CSP» instead.',
      references: ['https://developer.mozilla.org/en-US/docs/Web/HTTP/Headers/X-Frame-Options'],
    },
  });
  assert.deepEqual(link?.kind === 'link' ? link.detail : undefined, {
    method: 'GET', path: '/', evidence: 'GET /\n/: X-Frame-Options header is deprecated – «CSP» instead.',
  });
});

test('gives the same records whatever the chunk size (1 and 7 bytes split multi-byte characters)', async () => {
  for (const text of [NIKTO_XML_25, NIKTO_JSON_ARRAY, `\uFEFF${NIKTO_JSON_OBJECT}`]) {
    const whole = await parse(text);
    for (const size of [1, 7]) {
      assert.deepEqual(await collect(niktoParser.parse(byteChunks(text, size))), whole, `chunk size ${size}`);
    }
  }
});

test('malformed XML or JSON fails with its line', async () => {
  const xml = NIKTO_XML_215.replace('</uri>', '</url>');
  const xmlError = await rejectsWith(xml, /malformed XML: a closing tag does not match the open element <uri>/);
  assert.equal(xmlError.position.line, lineOf(xml, '</url>'));
  const json = NIKTO_JSON_OBJECT.replace('"method": "HEAD",', '"method": "HEAD"');
  const jsonError = await rejectsWith(json, /malformed JSON: expected ',' .*in record 1/);
  assert.equal(jsonError.position.line, lineOf(json, '"method": "HEAD"') + 1);
});

test('truncated and empty files fail', async () => {
  await rejectsWith(NIKTO_XML_25.slice(0, NIKTO_XML_25.indexOf('<statistics')), /unexpected end of file: element <scandetails> is not closed/);
  await rejectsWith(NIKTO_JSON_ARRAY.slice(0, 200), /unexpected end of file.*in record 1 \(\[0\]\)/);
  await rejectsWith('', /empty file: expected a Nikto XML or JSON report/);
  await rejectsWith(' \n\t', /empty file/);
});

test('files of other formats are rejected with what was expected', async () => {
  await rejectsWith(SAMPLE_NESSUS, /expected the root element <niktoscan> or <niktoscans> of a Nikto XML report, found <NessusClientData_v2>/);
  await rejectsWith(SAMPLE_BURP, /found <issues>/);
  await rejectsWith(SARIF_CODEQL, /host record 1 names no host/);
  await rejectsWith(NUCLEI_V3_LINES, /host record 1 has no "vulnerabilities" array; expected a Nikto JSON report/);
  await rejectsWith('host,port\nexample.test,80\n', /expected a Nikto XML or JSON report, but the file starts with "h"/);
});

test('an item without id and a vulnerability that is not an object are rejected', async () => {
  await rejectsWith('<niktoscan><scandetails sitename="http://a:80/"><item method="GET"/></scandetails></niktoscan>', /<item> has no id attribute/);
  await rejectsWith('{"host":"a","port":"80","vulnerabilities":[1]}', /host record 1: vulnerability 1 is not a JSON object/);
  await rejectsWith('{"host":"a","port":"80","vulnerabilities":[{"msg":"x"}]}', /vulnerability 1 has no "id"/);
});

test('sniff recognises Nikto XML and JSON only', () => {
  assert.equal(niktoParser.sniff(NIKTO_XML_25.slice(0, 200)), true);
  assert.equal(niktoParser.sniff(NIKTO_XML_215.slice(0, 200)), true);
  assert.equal(niktoParser.sniff(NIKTO_JSON_OBJECT.slice(0, 300)), true);
  assert.equal(niktoParser.sniff(NIKTO_JSON_ARRAY.slice(0, 300)), true);
  assert.equal(niktoParser.sniff(SAMPLE_NESSUS.slice(0, 500)), false);
  assert.equal(niktoParser.sniff(SAMPLE_BURP.slice(0, 500)), false);
  assert.equal(niktoParser.sniff(SARIF_CODEQL.slice(0, 2000)), false);
  assert.equal(niktoParser.sniff(NUCLEI_V3_LINES.slice(0, 2000)), false);
});
