/**
 * Nikto XML reports, in the three shapes Nikto has written:
 * - 2.1.5: `<niktoscan …>` › `<scandetails>` › `<item>`*;
 * - 2.1.6: `<niktoscan>` › `<niktoscan …>` › `<scandetails>` (one inner niktoscan per host);
 * - 2.5:   `<niktoscans>` › `<niktoscan …>` › `<scandetails>`, items with a `<references>` child.
 * Every `<scandetails>` (one scanned site) is found wherever it sits; one `<item>` is held at a time.
 */
import type { ByteSource, ParseOptions, ParsedRecord } from '../contract.js';
import { childText, XmlReader, type XmlElement, type XmlOpen } from '../support/xml.js';
import { assetData, itemRecords, osvdbIdOf, referencesOf, targetOrigin, type NiktoItem, type NiktoTarget } from './nikto.mapping.js';

const ROOTS = new Set(['niktoscan', 'niktoscans']);

export async function* niktoXmlRecords(input: ByteSource, options?: ParseOptions): AsyncGenerator<ParsedRecord> {
  const xml = new XmlReader(input, options);
  try {
    await expectNiktoRoot(xml);
    for (let event = await xml.next(); event !== undefined; event = await xml.next()) {
      if (event.type === 'open' && event.name === 'scandetails') yield* scanDetailsRecords(xml, event);
    }
  } finally {
    await xml.close();
  }
}

async function expectNiktoRoot(xml: XmlReader): Promise<void> {
  for (let event = await xml.next(); event !== undefined; event = await xml.next()) {
    if (event.type !== 'open') continue;
    if (ROOTS.has(event.name)) return;
    throw xml.errorAt(event, `expected the root element <niktoscan> or <niktoscans> of a Nikto XML report, found <${event.name}>`);
  }
}

async function* scanDetailsRecords(xml: XmlReader, details: XmlOpen): AsyncGenerator<ParsedRecord> {
  const target = targetOf(details.attributes);
  const origin = targetOrigin(target);
  if (origin === undefined) {
    throw xml.errorAt(details, '<scandetails> names no target (no sitename, targethostname or targetip)');
  }
  // The site is an asset even when no test reported anything on it.
  yield { kind: 'asset', key: origin, data: assetData(origin, target) };
  for await (const child of xml.childElements(details)) {
    if (child.name !== 'item') continue;
    const item = itemOf(await xml.readElement(child), xml);
    yield* itemRecords(origin, item);
  }
}

function targetOf(attributes: Record<string, string>): NiktoTarget {
  const value = (name: string): string | undefined => attributes[name]?.trim() || undefined;
  return {
    siteName: value('sitename'),
    hostname: value('targethostname') ?? value('hostheader'),
    ip: value('targetip'),
    port: value('targetport'),
    banner: value('targetbanner'),
  };
}

function itemOf(element: XmlElement, xml: XmlReader): NiktoItem {
  const id = element.attributes.id?.trim();
  if (!id) throw xml.errorAt(element, '<item> has no id attribute; expected the Nikto test id');
  const osvdbId = osvdbIdOf(element.attributes.osvdbid);
  const link = (name: string): string | undefined => {
    const text = childText(element, name);
    // Nikto writes `http://:/path` when it lost the host name; that is no link.
    return text && !/^[a-z]+:\/\/:/i.test(text) ? text : undefined;
  };
  return {
    id,
    osvdbId,
    osvdbLink: osvdbId ? element.attributes.osvdblink?.trim() || undefined : undefined,
    method: element.attributes.method?.trim() || undefined,
    uri: childText(element, 'uri'),
    message: childText(element, 'description'),
    nameLink: link('namelink'),
    ipLink: link('iplink'),
    references: referencesOf(childText(element, 'references')),
  };
}
