/**
 * Tenable Nessus v2 (`.nessus`) files: `NessusClientData_v2` › `Report` › `ReportHost` ›
 * (`HostProperties`, `ReportItem`*). The `Policy` section is skipped. One ReportItem at a time
 * is held in memory, so a multi-gigabyte scan streams in flat memory.
 *
 * Records: one asset per ReportHost (even without items), and per ReportItem a finding keyed by
 * pluginID, a link (port/protocol/service as detail) and, when `plugin_output` is not blank,
 * one evidence.
 */
import { assetKey, type ByteSource, type ParseOptions, type ParsedRecord, type Parser } from '../contract.js';
import { findChild, XmlReader, type XmlElement, type XmlOpen } from '../support/xml.js';
import { assetData, evidenceLabel, findingData, hostTags, itemSeverity, linkDetail, rawAssetIdentity, type HostTags } from './nessus.mapping.js';

const ROOT = 'NessusClientData_v2';

export const nessusParser: Parser = {
  source: 'nessus',
  displayName: 'Tenable Nessus (.nessus v2)',
  sniff: (head) => new RegExp(`<${ROOT}[\\s>/]`).test(head),
  parse: parseNessus,
};

async function* parseNessus(input: ByteSource, options?: ParseOptions): AsyncGenerator<ParsedRecord> {
  const xml = new XmlReader(input, options);
  try {
    const root = await xml.expectRoot(ROOT, 'a Nessus v2 (.nessus) file');
    for await (const section of xml.childElements(root)) {
      if (section.name !== 'Report') continue; // Policy and anything newer: skipped unread
      for await (const host of xml.childElements(section)) {
        if (host.name === 'ReportHost') yield* reportHostRecords(xml, host);
      }
    }
    await xml.expectEnd();
  } finally {
    await xml.close();
  }
}

/**
 * The asset's key comes from HostProperties, which Nessus writes before the items; it is fixed
 * at the first of: HostProperties closing, the first ReportItem, the ReportHost closing. If a
 * file put HostProperties after items, the key stays the one already used (the host name) and
 * the asset is emitted again with the fuller data, which the engine merges.
 */
async function* reportHostRecords(xml: XmlReader, host: XmlOpen): AsyncGenerator<ParsedRecord> {
  const hostName = host.attributes.name ?? '';
  let key: string | undefined;
  const asset = (tags: HostTags): ParsedRecord => {
    key ??= assetKey(rawAssetIdentity(hostName, tags));
    if (key === '') throw xml.errorAt(host, '<ReportHost> has neither a host-ip tag nor a name attribute');
    return { kind: 'asset', key, data: assetData(hostName, tags) };
  };

  for await (const child of xml.childElements(host)) {
    if (child.name === 'HostProperties') {
      yield asset(hostTags(await xml.readElement(child)));
    } else if (child.name === 'ReportItem') {
      if (key === undefined) yield asset(new Map());
      yield* reportItemRecords(xml, await xml.readElement(child), key!);
    }
  }
  if (key === undefined) yield asset(new Map());
}

function* reportItemRecords(xml: XmlReader, item: XmlElement, asset: string): Generator<ParsedRecord> {
  const findingKey = item.attributes.pluginID?.trim();
  if (!findingKey) throw xml.errorAt(item, '<ReportItem> has no pluginID attribute');
  const severity = itemSeverity(item);
  if (!severity) {
    throw xml.errorAt(item, `<ReportItem pluginID="${findingKey}"> has severity "${item.attributes.severity ?? ''}"; expected 0 to 4`);
  }
  yield { kind: 'finding', key: findingKey, data: findingData(item, severity) };
  yield { kind: 'link', findingKey, assetKey: asset, detail: linkDetail(item) };
  const output = findChild(item, 'plugin_output')?.text;
  if (output !== undefined && output.trim() !== '') {
    yield { kind: 'evidence', findingKey, assetKey: asset, label: evidenceLabel(item), content: output };
  }
}
