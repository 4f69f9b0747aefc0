/**
 * Qualys VM XML reports, in the two shapes users download: the asset data report
 * (`<ASSET_DATA_REPORT>`, hosts then a glossary of QIDs) and the scan report (`<SCAN>`, hosts with
 * their detections described inline). Both reference an external DTD, which is never fetched.
 *
 * Identity rules:
 * - finding: the Qualys QID (`<QID>` of a `VULN_INFO`, `number` of a scan report item); every
 *   type is imported: confirmed (`Vuln`), potential (`Practice`) and information gathered (`Ig`,
 *   always Informational). In an asset data report only QIDs detected on a host are findings,
 *   not every glossary entry.
 * - asset: the host's IP address (`<IP>` of a `HOST`, `value` of a scan report `IP`), trimmed and
 *   lower-cased; a host listed without detections is still an asset. Hosts listed only in the
 *   appendix as "no results" are not.
 * - link: one per detection; port, protocol, service, FQDN, status and first/last found are its
 *   detail, the `<RESULT>` text its `evidence` (no evidence records: DESIGN.md has no rule yet).
 *
 * An empty report (no `HOST_LIST`, no `IP`) is valid and yields nothing.
 */
import type { ByteSource, ParseOptions, ParsedRecord, Parser } from '../contract.js';
import { XmlReader, type XmlOpen } from '../support/xml.js';
import { assetDataReportRecords } from './qualys-asset-report.js';
import { scanReportRecords } from './qualys-scan-report.js';

const ASSET_DATA_REPORT = 'ASSET_DATA_REPORT';
const SCAN_REPORT = 'SCAN';

export const qualysParser: Parser = {
  source: 'qualys',
  displayName: 'Qualys VM (asset data report or scan report, XML)',
  fileTypes: ['.xml'],
  sniff: sniffQualys,
  parse: parseQualys,
};

async function* parseQualys(input: ByteSource, options?: ParseOptions): AsyncGenerator<ParsedRecord> {
  const xml = new XmlReader(input, options);
  try {
    const root = await expectQualysRoot(xml);
    if (root.name === ASSET_DATA_REPORT) yield* assetDataReportRecords(xml, root);
    else yield* scanReportRecords(xml, root);
    await xml.expectEnd();
  } finally {
    await xml.close();
  }
}

async function expectQualysRoot(xml: XmlReader): Promise<XmlOpen> {
  for (let event = await xml.next(); event !== undefined; event = await xml.next()) {
    if (event.type !== 'open') continue;
    if (event.name === ASSET_DATA_REPORT || event.name === SCAN_REPORT) return event;
    throw xml.errorAt(event, `expected the root element <${ASSET_DATA_REPORT}> or <${SCAN_REPORT}> of a Qualys VM XML report, found <${event.name}>`);
  }
  // Unreachable in practice: the tokenizer rejects a document without a root.
  throw new Error('no root element');
}

/** The root element's name and attribute text, past the declaration, comments and DOCTYPE. */
const ROOT_TAG = /^(?:\s|<\?[\s\S]*?\?>|<!--[\s\S]*?-->|<!DOCTYPE[^[>]*(?:\[[\s\S]*?\])?\s*>)*<([A-Za-z_][\w.:-]*)([^>]*)/;

/**
 * `ASSET_DATA_REPORT` is Qualys' own name. `SCAN` is generic, so it must also look like Qualys:
 * a `value` attribute (`scan/123.456`), the scan-1.dtd, or header `KEY` elements.
 */
function sniffQualys(head: string): boolean {
  const root = ROOT_TAG.exec(head.replace(/^\uFEFF/, ''));
  if (!root) return false;
  if (root[1] === ASSET_DATA_REPORT) return true;
  if (root[1] !== SCAN_REPORT) return false;
  return /\bvalue\s*=/.test(root[2] ?? '') || /scan-1\.dtd/i.test(head) || /<KEY\s+value\s*=/.test(head);
}
