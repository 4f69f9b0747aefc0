/**
 * Acunetix XML exports (WVS 10 to Acunetix 15 "Export to XML"): `<ScanGroup ExportedOn>` ›
 * `<Scan>` › (`Name`, `StartURL`, `StartTime`, …, `Crawler`, `ReportItems` › `ReportItem`*).
 *
 * Identity rule: an asset is one `<Scan>`, keyed by the origin of its StartURL
 * (scheme://host[:port], default port omitted, lower-cased; a bare "host:port" target takes the
 * crawler's scheme, else http). A scan is an asset even with no ReportItem. A finding is one
 * Acunetix vulnerability type, keyed by the ReportItem's `<Name>` (e.g. "Blind SQL Injection",
 * "Cookie(s) without Secure flag set (verified)"): the export carries no type id, and the name is
 * what Acunetix groups alerts by; `<ModuleName>` is not part of the key because the same alert is
 * raised by differently named modules across Acunetix versions (kept in `extra.moduleName`).
 * Every ReportItem is one link record of its (finding, scan) pair, with `path` (Affects),
 * `parameter` and the proof text (attack details, request, response) as `evidence`; Acunetix
 * files count no `evidence` records.
 *
 * A ScanGroup without scans is valid and empty. Not read: Acunetix 360 / Invicti exports (other
 * roots, rejected as a wrong format). Streaming: one ReportItem at a time; the crawler's site
 * tree is skipped without being held.
 */
import { assetKey, type ByteSource, type ParseOptions, type ParsedRecord, type Parser } from '../contract.js';
import { childText, XmlReader, type XmlElement, type XmlOpen } from '../support/xml.js';
import { itemFinding, itemLinkDetail, SCAN_FIELD_NAMES, scanAssetData, targetOrigin } from './acunetix.mapping.js';

const ROOT = 'ScanGroup';

type AssetRecord = Extract<ParsedRecord, { kind: 'asset' }>;

export const acunetixParser: Parser = {
  source: 'acunetix',
  displayName: 'Acunetix XML export',
  fileTypes: ['.xml'],
  sniff: (head) => new RegExp(`<${ROOT}[\\s>/]`).test(head),
  parse: parseAcunetix,
};

async function* parseAcunetix(input: ByteSource, options?: ParseOptions): AsyncGenerator<ParsedRecord> {
  const xml = new XmlReader(input, options);
  try {
    const root = await xml.expectRoot(ROOT, 'an Acunetix XML export');
    for await (const child of xml.childElements(root)) {
      if (child.name === 'Scan') yield* scanRecords(xml, child);
    }
    await xml.expectEnd();
  } finally {
    await xml.close();
  }
}

/**
 * The scan's own fields come before `<Crawler>` and `<ReportItems>`; the asset is yielded when
 * the first report items start (or when the scan closes, for a scan without any).
 */
async function* scanRecords(xml: XmlReader, scan: XmlOpen): AsyncGenerator<ParsedRecord> {
  const fields: XmlElement = { name: scan.name, attributes: scan.attributes, text: '', children: [], line: scan.line, column: scan.column };
  let crawlerStartUrl: string | undefined;
  let asset: string | undefined;
  for await (const child of xml.childElements(scan)) {
    if (SCAN_FIELD_NAMES.has(child.name)) {
      fields.children.push(await xml.readElement(child));
    } else if (child.name === 'Crawler') {
      crawlerStartUrl = child.attributes.StartUrl; // its site tree is skipped, not collected
    } else if (child.name === 'ReportItems') {
      if (asset === undefined) {
        const record = scanAsset(xml, fields, crawlerStartUrl);
        asset = record.key;
        yield record;
      }
      for await (const item of xml.childElements(child)) {
        if (item.name === 'ReportItem') yield* reportItemRecords(xml, await xml.readElement(item), asset);
      }
    }
  }
  if (asset === undefined) yield scanAsset(xml, fields, crawlerStartUrl);
}

function scanAsset(xml: XmlReader, fields: XmlElement, crawlerStartUrl: string | undefined): AssetRecord {
  const identity = targetOrigin(childText(fields, 'StartURL'), crawlerStartUrl);
  if (identity === undefined) throw xml.errorAt(fields, '<Scan> has no <StartURL> before its report items; expected the scanned URL');
  return { kind: 'asset', key: assetKey(identity), data: scanAssetData(fields, identity) };
}

function* reportItemRecords(xml: XmlReader, item: XmlElement, asset: string): Generator<ParsedRecord> {
  const key = childText(item, 'Name');
  if (key === undefined) throw xml.errorAt(item, '<ReportItem> has no <Name>; expected the Acunetix vulnerability name');
  yield { kind: 'finding', key, data: itemFinding(item, key) };
  yield { kind: 'link', findingKey: key, assetKey: asset, detail: itemLinkDetail(item) };
}
