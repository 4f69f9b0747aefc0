/**
 * Tenable Nessus v2 (`.nessus`) files: `NessusClientData_v2` › `Report` › `ReportHost` ›
 * (`HostProperties`, `ReportItem`*). The `Policy` section is skipped. One ReportItem at a time
 * is held in memory, so a multi-gigabyte scan streams in flat memory.
 *
 * Records: one asset per ReportHost (even without items), and per ReportItem a finding keyed by
 * pluginID, a link (port/protocol/service as detail) and, when `plugin_output` is not blank,
 * one evidence. A ReportItem that repeats the last one of its plugin in everything but port,
 * protocol, service and plugin output (Nessus writes a plugin's whole text on every host) yields
 * no second finding: it would map to the same one (see support/repeated-elements.ts).
 */
import { assetKey, type ByteSource, type ParseOptions, type ParsedRecord, type Parser } from '../contract.js';
import { findChild, XmlReader, type XmlElement, type XmlOpen } from '../support/xml.js';
import { RepeatedElements } from '../support/repeated-elements.js';
import { assetData, evidenceLabel, findingData, hostTags, itemSeverity, linkDetail, rawAssetIdentity, type HostTags } from './nessus.mapping.js';

const ROOT = 'NessusClientData_v2';
/** What differs between hosts in a plugin's ReportItem: the link's detail and the evidence. */
const PER_HOST = { ignoredAttributes: ['port', 'protocol', 'svc_name'], ignoredChildren: ['plugin_output'] };

export const nessusParser: Parser = {
  source: 'nessus',
  displayName: 'Tenable Nessus (.nessus v2)',
  fileTypes: ['.nessus', '.xml'],
  sniff: (head) => new RegExp(`<${ROOT}[\\s>/]`).test(head),
  parse: parseNessus,
};

async function* parseNessus(input: ByteSource, options?: ParseOptions): AsyncGenerator<ParsedRecord> {
  const xml = new XmlReader(input, options);
  const repeated = new RepeatedElements(PER_HOST);
  try {
    const root = await xml.expectRoot(ROOT, 'a Nessus v2 (.nessus) file');
    for await (const section of xml.childElements(root)) {
      if (section.name !== 'Report') continue; // Policy and anything newer: read past, nothing kept
      for await (const host of xml.childElements(section)) {
        if (host.name === 'ReportHost') yield* reportHostRecords(xml, host, repeated);
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
async function* reportHostRecords(xml: XmlReader, host: XmlOpen, repeated: RepeatedElements): AsyncGenerator<ParsedRecord> {
  const hostName = host.attributes.name ?? '';
  let key: string | undefined;
  for await (const child of xml.childElements(host)) {
    if (child.name === 'HostProperties') {
      const tags = hostTags(await xml.readElement(child));
      key ??= hostKey(xml, host, tags);
      yield { kind: 'asset', key, data: assetData(hostName, tags) };
    } else if (child.name === 'ReportItem') {
      if (key === undefined) {
        key = hostKey(xml, host, NO_TAGS);
        yield { kind: 'asset', key, data: assetData(hostName, NO_TAGS) };
      }
      yield* reportItemRecords(xml, await xml.readElement(child), key, repeated);
    }
  }
  // A host listed without any properties or items is still an asset of the scan.
  if (key === undefined) yield { kind: 'asset', key: hostKey(xml, host, NO_TAGS), data: assetData(hostName, NO_TAGS) };
}

const NO_TAGS: HostTags = new Map();

function hostKey(xml: XmlReader, host: XmlOpen, tags: HostTags): string {
  const key = assetKey(rawAssetIdentity(host.attributes.name ?? '', tags));
  if (key === '') throw xml.errorAt(host, '<ReportHost> has neither a host-ip tag nor a name attribute');
  return key;
}

function* reportItemRecords(xml: XmlReader, item: XmlElement, asset: string, repeated: RepeatedElements): Generator<ParsedRecord> {
  const findingKey = item.attributes.pluginID?.trim();
  if (!findingKey) throw xml.errorAt(item, '<ReportItem> has no pluginID attribute');
  // A repeat was checked (severity included) and mapped when its first copy was.
  if (!repeated.repeats(findingKey, item)) {
    const severity = itemSeverity(item);
    if (!severity) {
      throw xml.errorAt(item, `<ReportItem pluginID="${findingKey}"> has severity "${item.attributes.severity ?? ''}"; expected 0 to 4`);
    }
    yield { kind: 'finding', key: findingKey, data: findingData(item, severity) };
  }
  yield { kind: 'link', findingKey, assetKey: asset, detail: linkDetail(item) };
  const output = findChild(item, 'plugin_output')?.text;
  if (output !== undefined && output.trim() !== '') {
    yield { kind: 'evidence', findingKey, assetKey: asset, label: evidenceLabel(item), content: output };
  }
}
