/**
 * The Qualys VM scan report (`SCAN`, scan-1.dtd): `HEADER` (`KEY value="DATE"`…), then one
 * `IP value="…" name="…"` per host with `OS`, `NETBIOS_HOSTNAME` and sections `INFOS`, `SERVICES`,
 * `VULNS`, `PRACTICES`, each holding `CAT value=… port=… protocol=…` categories of items
 * (`INFO`, `SERVICE`, `VULN`, `PRACTICE` with `number` = QID and `severity`).
 *
 * Each item carries its own description, so a finding is emitted with every item (the engine
 * merges repeats by QID) followed by its link; one item is held in memory at a time.
 */
import { assetKey, type AssetData, type ParsedRecord } from '../contract.js';
import { compact, parseWholeNumber } from '../support/fields.js';
import { findChild, type XmlElement, type XmlOpen, type XmlReader } from '../support/xml.js';
import { isoTimestamp, qualysFindingData, resultText, type QualysKind } from './qualys.mapping.js';

/** The kind each item element stands for. */
const KIND_BY_ITEM: Readonly<Record<string, QualysKind>> = {
  VULN: 'Vuln', PRACTICE: 'Practice', INFO: 'Ig', SERVICE: 'Ig',
};

/** Host children that hold categories of items; anything else under `IP` is host data. */
const SECTIONS = new Set(['VULNS', 'PRACTICES', 'INFOS', 'SERVICES']);

export async function* scanReportRecords(xml: XmlReader, root: XmlOpen): AsyncGenerator<ParsedRecord> {
  let scanDate: string | undefined;
  for await (const child of xml.childElements(root)) {
    if (child.name === 'HEADER') scanDate = headerDate(await xml.readElement(child));
    else if (child.name === 'IP') yield* ipRecords(xml, child, scanDate);
  }
}

/** `<KEY value="DATE">2019-04-02T10:14:53Z</KEY>`: when the scan ran, i.e. when its findings were last seen. */
function headerDate(header: XmlElement): string | undefined {
  const key = header.children.find((child) => child.name === 'KEY' && child.attributes.value === 'DATE');
  return isoTimestamp(key?.text.trim());
}

/** One host: its asset (once OS and NetBIOS name are read), then a finding and link per item. */
async function* ipRecords(xml: XmlReader, ip: XmlOpen, scanDate: string | undefined): AsyncGenerator<ParsedRecord> {
  const address = ip.attributes.value?.trim();
  if (!address) throw xml.errorAt(ip, '<IP> has no value attribute; expected the address of the scanned host');
  const key = assetKey(address);
  const hostFields = new Map<string, string>();
  let assetEmitted = false;
  for await (const child of xml.childElements(ip)) {
    if (!SECTIONS.has(child.name)) {
      const text = (await xml.readElement(child)).text.trim();
      if (text) hostFields.set(child.name, text);
      continue;
    }
    if (!assetEmitted) {
      assetEmitted = true;
      yield { kind: 'asset', key, data: ipData(ip, address, hostFields) };
    }
    for await (const category of xml.childElements(child)) {
      if (category.name !== 'CAT') continue;
      for await (const item of xml.childElements(category)) {
        yield* itemRecords(xml, await xml.readElement(item), category, key, scanDate);
      }
    }
  }
  if (!assetEmitted) yield { kind: 'asset', key, data: ipData(ip, address, hostFields) };
}

function ipData(ip: XmlOpen, address: string, fields: ReadonlyMap<string, string>): AssetData {
  // Qualys writes this placeholder when reverse DNS gave nothing.
  const name = ip.attributes.name?.trim();
  const hostname = name && !/^no registered hostname$/i.test(name) ? name : undefined;
  return compact({
    name: hostname ?? address,
    ip: address,
    hostname: hostname ?? fields.get('NETBIOS_HOSTNAME'),
    fqdn: hostname,
    os: fields.get('OS'),
    extra: fields.has('NETBIOS_HOSTNAME') ? { netbios: fields.get('NETBIOS_HOSTNAME') } : undefined,
  });
}

function* itemRecords(xml: XmlReader, item: XmlElement, category: XmlOpen, asset: string, scanDate: string | undefined): Generator<ParsedRecord> {
  const kind = KIND_BY_ITEM[item.name];
  if (kind === undefined) return; // not a detection (a future element type)
  const qid = item.attributes.number?.trim();
  if (!qid) throw xml.errorAt(item, `<${item.name}> has no number attribute; expected the Qualys QID`);
  const categoryName = category.attributes.value?.trim() || undefined;
  yield { kind: 'finding', key: qid, data: qualysFindingData(item, { qid, kind, category: categoryName, lastSeen: scanDate }) };
  yield {
    kind: 'link',
    findingKey: qid,
    assetKey: asset,
    detail: compact({
      port: parseWholeNumber(category.attributes.port),
      protocol: category.attributes.protocol?.trim() || undefined,
      fqdn: category.attributes.fqdn?.trim() || undefined,
      category: categoryName,
      misc: category.attributes.misc?.trim() || undefined,
      type: kind,
      evidence: resultText(findChild(item, 'RESULT')),
    }),
  };
}
