import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import type { ByteSource, ParseOptions } from '../contract.js';
import { ParseError } from '../parse-error.js';
import { byteChunks, collect } from './testing.js';
import { childText, childTexts, findChild, xmlEventBatches, XmlReader, type XmlEvent } from './xml.js';

async function events(input: ByteSource, options?: ParseOptions): Promise<XmlEvent[]> {
  return (await collect(xmlEventBatches(input, options))).flat();
}

function fromString(text: string): ByteSource {
  return Readable.from([Buffer.from(text, 'utf8')]);
}

/** Asserts a ParseError whose message matches, and returns it for further checks. */
async function parseFailure(run: () => Promise<unknown>, message: RegExp): Promise<ParseError> {
  try {
    await run();
  } catch (err) {
    assert.ok(err instanceof ParseError, `expected a ParseError, got ${String(err)}`);
    assert.match(err.message, message);
    assert.equal(err.code, 'PARSE_ERROR');
    return err;
  }
  assert.fail('expected a ParseError, but parsing succeeded');
}

test('streams open, text and close events with depth, attributes and decoded entities', async () => {
  const got = await events(fromString('<?xml version="1.0"?>\n<r a="1 &amp; 2"><x>A &lt; B</x><y/><![CDATA[<raw>]]></r>'));
  const shape = got.map((e) => (e.type === 'open' ? ['open', e.name, e.depth, { ...e.attributes }, e.selfClosing] : e.type === 'text' ? ['text', e.text, e.depth] : ['close', e.name, e.depth]));
  assert.deepEqual(shape, [
    ['open', 'r', 1, { a: '1 & 2' }, false],
    ['open', 'x', 2, {}, false],
    ['text', 'A < B', 2],
    ['close', 'x', 2],
    ['open', 'y', 2, {}, true],
    ['close', 'y', 2],
    ['text', '<raw>', 1],
    ['close', 'r', 1],
  ]);
});

test('the same events whatever the chunk size, including multi-byte characters split across chunks', async () => {
  const doc = '<r><t lang="fr">déjà vu ✓ 🔒</t><t>€</t></r>';
  const whole = await events(fromString(doc));
  for (const size of [1, 2, 3, 7]) {
    const chunked = await events(byteChunks(doc, size));
    // Text may arrive in several pieces when chunks are small; compare the joined text per element.
    assert.deepEqual(joinTexts(chunked), joinTexts(whole), `chunk size ${size}`);
  }
  assert.deepEqual(joinTexts(whole).filter((e) => e.startsWith('text')), ['text déjà vu ✓ 🔒', 'text €']);
});

function joinTexts(list: XmlEvent[]): string[] {
  const out: string[] = [];
  for (const e of list) {
    const line = e.type === 'text' ? `text ${e.text}` : `${e.type} ${e.name} ${e.depth}`;
    if (e.type === 'text' && out.at(-1)?.startsWith('text ')) out[out.length - 1] += e.text;
    else out.push(line);
  }
  return out;
}

test('accepts string chunks and a leading byte-order mark', async () => {
  const got = await events(Readable.from(['\uFEFF<r>', 'ok</r>']));
  assert.deepEqual(got.filter((e) => e.type === 'text').map((e) => (e as { text: string }).text), ['ok']);
});

test('malformed XML becomes a ParseError with line and column', async () => {
  const err = await parseFailure(() => events(fromString('<root>\n  <a>\n  </b>\n</root>')), /malformed XML: a closing tag does not match the open element <a>/);
  assert.equal(err.position.line, 3);
  assert.equal(typeof err.position.column, 'number');
  assert.match(err.message, /at line 3, column \d+/);
});

test('an empty document is an unexpected end of file', async () => {
  await parseFailure(() => events(fromString('')), /unexpected end of file: the document has no root element/);
  await parseFailure(() => events(fromString('  \n ')), /unexpected end of file/);
});

test('a truncated document (unclosed root) is an unexpected end of file', async () => {
  const err = await parseFailure(() => events(fromString('<root>\n<item>text')), /unexpected end of file: element <item> is not closed/);
  assert.equal(err.position.line, 2);
  await parseFailure(() => events(fromString('<root><item a="x')), /unexpected end of file/);
});

test('billion laughs fails fast at the first entity reference, naming the entity', async () => {
  const laughs = ['<!ENTITY lol "lol">'];
  for (let i = 1; i <= 9; i++) laughs.push(`<!ENTITY lol${i} "${`&lol${i === 1 ? '' : i - 1};`.repeat(10)}">`);
  const doc = `<?xml version="1.0"?>\n<!DOCTYPE lolz [\n${laughs.join('\n')}\n]>\n<lolz>&lol9;</lolz>`;
  const started = performance.now();
  const err = await parseFailure(() => events(fromString(doc)), /entity &lol9; is declared in the document's DTD, but DTD entities are never expanded/);
  assert.ok(performance.now() - started < 1000, 'fails fast');
  assert.equal(err.position.line, 14);
});

test('an external entity is never resolved: its reference is an error', async () => {
  await parseFailure(
    () => events(fromString('<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><r>&xxe;</r>')),
    /entity &xxe; is declared in the document's DTD/,
  );
  await parseFailure(() => events(fromString('<r>&nbsp;</r>')), /reference to undefined entity &nbsp;/);
});

test('an internal DTD is tolerated and an external DTD is never fetched', async () => {
  let requests = 0;
  const server = createServer((_req, res) => { requests += 1; res.end('<!ELEMENT SCAN ANY>'); });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  try {
    const { port } = server.address() as AddressInfo;
    const doc = `<?xml version="1.0"?>\n<!DOCTYPE SCAN SYSTEM "http://127.0.0.1:${port}/scan.dtd">\n<SCAN value="1"><IP>10.0.0.1</IP></SCAN>`;
    const got = await events(fromString(doc));
    assert.equal(got.filter((e) => e.type === 'open').length, 2);
    const internal = '<!DOCTYPE issues [\n<!ELEMENT issues (issue*)>\n<!ATTLIST issues burpVersion CDATA "">\n]>\n<issues burpVersion="1"/>';
    assert.equal((await events(fromString(internal))).length, 2);
  } finally {
    server.close();
  }
  assert.equal(requests, 0, 'no request reached the DTD server');
});

test('a text longer than maxTokenChars is rejected, whether it arrives in one chunk or many', async () => {
  const doc = `<r><big>${'x'.repeat(100)}</big></r>`;
  await parseFailure(() => events(fromString(doc), { maxTokenChars: 50 }), /inside <big> is longer than the limit of 50 characters/);
  await parseFailure(() => events(byteChunks(doc, 7), { maxTokenChars: 50 }), /inside <big> is longer than the limit of 50 characters/);
  assert.ok((await events(fromString(doc), { maxTokenChars: 200 })).length > 0);
});

test('an attribute value or a DTD longer than maxTokenChars is rejected', async () => {
  await parseFailure(() => events(fromString(`<r a="${'v'.repeat(100)}"/>`), { maxTokenChars: 50 }), /longer than the limit of 50/);
  await parseFailure(() => events(fromString(`<!DOCTYPE r [${'<!-- -->'.repeat(20)}]><r/>`), { maxTokenChars: 50 }), /longer than the limit of 50/);
});

test('a never-ending token is stopped while it is still being buffered', async () => {
  let pulled = 0;
  async function* endless(): AsyncGenerator<string> {
    yield '<r><t>';
    for (;;) { pulled += 1; yield 'y'.repeat(1000); }
  }
  await parseFailure(() => events(endless(), { maxTokenChars: 10_000 }), /inside <t> is longer than the limit of 10000/);
  assert.ok(pulled <= 12, `stopped after ${pulled} chunks`);
});

test('nesting deeper than maxDepth is rejected', async () => {
  await parseFailure(() => events(fromString('<a><b><c><d/></c></b></a>'), { maxDepth: 3 }), /nested deeper than the limit of 3 levels \(at <d>\)/);
  assert.ok((await events(fromString('<a><b><c/></b></a>'), { maxDepth: 3 })).length > 0);
});

test('XmlReader collects a record, skips unconsumed children and checks the root', async () => {
  const doc = `<report><skip><deep><x>1</x></deep></skip>
    <item id="1"><name> first </name><cve>CVE-1</cve><cve>CVE-2</cve><host ip="10.0.0.1">h</host><empty/></item>
    <item id="2"/></report>`;
  const xml = new XmlReader(byteChunks(doc, 3));
  const root = await xml.expectRoot('report', 'a test report');
  const items = [];
  for await (const child of xml.childElements(root)) {
    if (child.name === 'item') items.push(await xml.readElement(child));
  }
  await xml.expectEnd();
  assert.equal(items.length, 2);
  const [first, second] = items;
  assert.equal(first!.attributes.id, '1');
  assert.equal(childText(first!, 'name'), 'first');
  assert.deepEqual(childTexts(first!, 'cve'), ['CVE-1', 'CVE-2']);
  assert.equal(findChild(first!, 'host')?.attributes.ip, '10.0.0.1');
  assert.equal(childText(first!, 'empty'), undefined);
  assert.deepEqual(second!.children, []);
});

test('XmlReader rejects an unexpected root element with its position', async () => {
  const xml = new XmlReader(fromString('<?xml version="1.0"?>\n<issues burpVersion="1"/>'));
  const err = await parseFailure(() => xml.expectRoot('NessusClientData_v2', 'a Nessus v2 file'), /expected the root element <NessusClientData_v2> of a Nessus v2 file, found <issues>/);
  assert.equal(err.position.line, 2);
  await xml.close();
});

test('XmlReader caps the text of one element even when it arrives in several pieces', async () => {
  const xml = new XmlReader(fromString(`<r><a>${'x'.repeat(6)}<!---->${'x'.repeat(6)}</a></r>`), { maxTokenChars: 10 });
  const root = await xml.expectRoot('r', 'a test document');
  await parseFailure(async () => {
    for await (const child of xml.childElements(root)) await xml.readElement(child);
  }, /the text of <a> is longer than the limit of 10 characters/);
  await xml.close();
});

test('XmlReader bounds the size of one collected record', async () => {
  const xml = new XmlReader(fromString(`<r><item>${'<cve>CVE</cve>'.repeat(300)}</item></r>`), { maxTokenChars: 1000 });
  const root = await xml.expectRoot('r', 'a test document');
  await parseFailure(async () => {
    for await (const child of xml.childElements(root)) await xml.readElement(child);
  }, /<item> is larger than the limit of 4000 characters for one record/);
  await xml.close();
});

test('XmlReader reads the source only as fast as events are consumed, and releases it on close', async () => {
  let pulled = 0;
  let released = false;
  async function* source(): AsyncGenerator<string> {
    try {
      yield '<root>';
      for (let i = 0; i < 1000; i++) { pulled += 1; yield `<item n="${i}"/>`; }
      yield '</root>';
    } finally {
      released = true;
    }
  }
  const xml = new XmlReader(source());
  await xml.expectRoot('root', 'a test document');
  const first = await xml.next();
  assert.equal(first?.type, 'open');
  assert.ok(pulled <= 2, `pulled ${pulled} chunks to get the first item`);
  await xml.close();
  assert.ok(released, 'the source generator was closed');
});

test('closing a reader early destroys a Readable source', async () => {
  const stream = Readable.from(['<root>', '<a/>', '<b/>', '</root>'], { objectMode: true });
  const xml = new XmlReader(stream);
  await xml.expectRoot('root', 'a test document');
  await xml.close();
  assert.ok(stream.destroyed);
});

test('text after the root element, or a second root, is rejected', async () => {
  const xml = new XmlReader(Readable.from(['<r/>', 'junk']));
  await xml.expectRoot('r', 'a test document');
  await parseFailure(() => xml.expectEnd(), /malformed XML: text data outside of root node/);
  await parseFailure(() => events(fromString('<r/><r/>')), /malformed XML: documents may contain only one root/);
});
