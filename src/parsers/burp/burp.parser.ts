/**
 * Burp Suite "issues" XML exports: `<issues burpVersion=…>` › `<issue>`*, usually after an
 * internal DTD. One issue (with its request/response pairs) is held in memory at a time.
 *
 * Records per issue: the asset (the `<host>` URL), the finding keyed by the issue `type`, the
 * link (path, location, confidence, serial number as detail) and one evidence per
 * `<requestresponse>`.
 */
import { assetKey, type ByteSource, type ParseOptions, type ParsedRecord, type Parser } from '../contract.js';
import { childText, findChild, XmlReader, type XmlElement } from '../support/xml.js';
import { assetData, evidenceOf, findingData, linkDetail } from './burp.mapping.js';

const ROOT = 'issues';

export const burpParser: Parser = {
  source: 'burp',
  displayName: 'Burp Suite issues export (XML)',
  fileTypes: ['.xml'],
  // Burp writes `<!DOCTYPE issues [` then `<issues burpVersion="…">`; either is enough.
  sniff: (head) => /<!DOCTYPE\s+issues[\s[>]|<issues\s[^>]*\bburpVersion\s*=/.test(head),
  parse: parseBurp,
};

async function* parseBurp(input: ByteSource, options?: ParseOptions): AsyncGenerator<ParsedRecord> {
  const xml = new XmlReader(input, options);
  try {
    const root = await xml.expectRoot(ROOT, 'a Burp Suite issues export');
    for await (const child of xml.childElements(root)) {
      if (child.name === 'issue') yield* issueRecords(xml, await xml.readElement(child));
    }
    await xml.expectEnd();
  } finally {
    await xml.close();
  }
}

function* issueRecords(xml: XmlReader, issue: XmlElement): Generator<ParsedRecord> {
  const findingKey = childText(issue, 'type');
  if (!findingKey) throw xml.errorAt(issue, '<issue> has no <type>; expected the Burp issue type number');
  const host = findChild(issue, 'host');
  const asset = host ? assetKey(host.text) : '';
  if (!host || asset === '') throw xml.errorAt(issue, `<issue> of type ${findingKey} has no <host>; expected the target URL`);

  yield { kind: 'asset', key: asset, data: assetData(host) };
  yield { kind: 'finding', key: findingKey, data: findingData(issue, findingKey) };
  yield { kind: 'link', findingKey, assetKey: asset, detail: linkDetail(issue) };
  for (const { label, content } of evidenceOf(issue)) {
    yield { kind: 'evidence', findingKey, assetKey: asset, label, content };
  }
}
