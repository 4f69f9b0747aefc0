/**
 * OWASP ZAP XML reports ("Traditional XML Report", with or without requests and responses):
 * `<OWASPZAPReport version generated>` › `<site name host port ssl>` › `<alerts>` › `<alertitem>`.
 *
 * Identity rule (DESIGN.md): a finding is one ZAP scan rule, keyed by `<pluginid>` (else the rule
 * id at the start of `<alertRef>`); an asset is one `<site>`, keyed by its `name` attribute,
 * trimmed and lower-cased. A site is an asset even when it has no alerts. Every instance of an
 * alert on a site is one link record of the same (finding, asset) pair, its uri as `location`,
 * with method, parameter, attack and the proof text (evidence, other info, request/response) as
 * detail; ZAP files therefore count no `evidence` records.
 *
 * Versions: ZAP 2.5+ lists instances in `<instances>`; ZAP 2.4 and older wrote one `<alertitem>`
 * per instance with its `<uri>`, `<param>`, `<attack>`, `<evidence>` inline; both are read. A
 * report without any `<site>` is valid and empty. Streaming: one `<instance>` (and the small
 * fields of its alert) is held in memory at a time.
 */
import { assetKey, type ByteSource, type ParseOptions, type ParsedRecord, type Parser } from '../contract.js';
import { findChild, XmlReader, type XmlElement, type XmlOpen } from '../support/xml.js';
import { alertFinding, alertKey, instanceDetail, siteAssetData, siteIdentity } from './zap.mapping.js';

const ROOT = 'OWASPZAPReport';

export const zapParser: Parser = {
  source: 'owaspzap',
  aliases: ['zap'],
  displayName: 'OWASP ZAP XML report',
  fileTypes: ['.xml'],
  sniff: (head) => new RegExp(`<${ROOT}[\\s>/]`).test(head),
  parse: parseZap,
};

async function* parseZap(input: ByteSource, options?: ParseOptions): AsyncGenerator<ParsedRecord> {
  const xml = new XmlReader(input, options);
  try {
    const root = await xml.expectRoot(ROOT, 'an OWASP ZAP XML report');
    for await (const child of xml.childElements(root)) {
      if (child.name === 'site') yield* siteRecords(xml, child);
    }
    await xml.expectEnd();
  } finally {
    await xml.close();
  }
}

async function* siteRecords(xml: XmlReader, site: XmlOpen): AsyncGenerator<ParsedRecord> {
  const identity = siteIdentity(site.attributes);
  if (identity === undefined) throw xml.errorAt(site, '<site> has neither a name nor a host attribute; expected the site URL');
  const asset = assetKey(identity);
  yield { kind: 'asset', key: asset, data: siteAssetData(identity, site.attributes) };
  for await (const child of xml.childElements(site)) {
    if (child.name !== 'alerts') continue; // statistics and anything newer: not findings
    for await (const item of xml.childElements(child)) {
      if (item.name === 'alertitem') yield* alertRecords(xml, item, asset);
    }
  }
}

/**
 * Links are yielded as instances stream past; the alert's other fields are small and kept until
 * it closes, when the finding is yielded. `<pluginid>` comes first in every ZAP version; should
 * a file put it after the instances, their details wait until the key is known.
 */
async function* alertRecords(xml: XmlReader, item: XmlOpen, asset: string): AsyncGenerator<ParsedRecord> {
  const fields: XmlElement = { name: item.name, attributes: item.attributes, text: '', children: [], line: item.line, column: item.column };
  const waiting: Record<string, unknown>[] = [];
  let key: string | undefined;
  let links = 0;
  for await (const child of xml.childElements(item)) {
    if (child.name === 'instances') {
      for await (const instance of xml.childElements(child)) {
        if (instance.name !== 'instance') continue;
        const detail = instanceDetail(await xml.readElement(instance));
        if (key === undefined) {
          waiting.push(detail);
        } else {
          links += 1;
          yield { kind: 'link', findingKey: key, assetKey: asset, detail };
        }
      }
    } else {
      fields.children.push(await xml.readElement(child));
      if (child.name === 'pluginid' || child.name === 'alertRef') key = alertKey(fields) || undefined;
    }
  }
  if (key === undefined) throw xml.errorAt(item, '<alertitem> has no <pluginid>; expected the ZAP scan rule id');

  for (const detail of waiting) yield { kind: 'link', findingKey: key, assetKey: asset, detail };
  links += waiting.length;
  // ZAP 2.4 and older: the alertitem is itself the one instance.
  if (findChild(fields, 'uri') !== undefined) {
    links += 1;
    yield { kind: 'link', findingKey: key, assetKey: asset, detail: instanceDetail(fields) };
  }
  // An alert listed without any instance still names the site it was raised on.
  if (links === 0) yield { kind: 'link', findingKey: key, assetKey: asset, detail: {} };
  yield { kind: 'finding', key, data: alertFinding(fields, key) };
}
