/**
 * The Qualys VM "asset data report" (`ASSET_DATA_REPORT`): `HEADER`, `RISK_SCORE_PER_HOST`,
 * `HOST_LIST` › `HOST` (IP, DNS, OS… then `VULN_INFO_LIST` › `VULN_INFO`*), then `GLOSSARY` ›
 * `VULN_DETAILS_LIST` › `VULN_DETAILS`* describing each QID once, then `APPENDICES`.
 *
 * Hosts come before the glossary, so assets and links are emitted while the hosts stream by and
 * each finding when its glossary entry arrives. Only QIDs detected on a host are findings: the
 * glossary may describe others (the report template's selection), which are skipped. To know
 * which, the parser keeps one small entry per distinct QID (type, first and last found), bounded
 * by the Qualys knowledge base, never by the number of hosts or detections.
 */
import { assetKey, type AssetData, type ParsedRecord } from '../contract.js';
import { compact, nonEmpty, parseScore, parseWholeNumber } from '../support/fields.js';
import { childText, childTexts, findChild, type XmlElement, type XmlOpen, type XmlReader } from '../support/xml.js';
import {
  isoTimestamp, kindOf, qualysFindingData, resultText, strongerKind, undescribedFindingData, type QualysKind,
} from './qualys.mapping.js';

/** What the hosts said about one QID, kept until its glossary entry. */
interface Detected {
  kind: QualysKind;
  firstSeen?: string;
  lastSeen?: string;
  described: boolean;
}

export async function* assetDataReportRecords(xml: XmlReader, root: XmlOpen): AsyncGenerator<ParsedRecord> {
  const detected = new Map<string, Detected>();
  let hostListSeen = false;
  for await (const section of xml.childElements(root)) {
    if (section.name === 'HOST_LIST') {
      hostListSeen = true;
      for await (const host of xml.childElements(section)) {
        if (host.name === 'HOST') yield* hostRecords(xml, host, detected);
      }
    } else if (section.name === 'GLOSSARY') {
      yield* glossaryRecords(xml, section, detected, hostListSeen);
    }
  }
  // A QID detected on a host but missing from the glossary is still a finding of the report.
  for (const [qid, seen] of detected) {
    if (!seen.described) yield { kind: 'finding', key: qid, data: undescribedFindingData({ qid, ...seen }) };
  }
}

/**
 * One `HOST`: the asset (identity fields come first, so it is emitted when the detections start
 * or the host ends), then a link per `VULN_INFO`. A host holding only an `<ERROR>` has no identity
 * and is skipped.
 */
async function* hostRecords(xml: XmlReader, host: XmlOpen, detected: Map<string, Detected>): AsyncGenerator<ParsedRecord> {
  const fields = new Map<string, XmlElement>();
  let key: string | undefined;
  for await (const child of xml.childElements(host)) {
    if (child.name !== 'VULN_INFO_LIST') {
      fields.set(child.name, await xml.readElement(child));
      continue;
    }
    if (key === undefined) {
      key = hostKey(xml, host, fields);
      yield { kind: 'asset', key, data: hostData(fields) };
    }
    for await (const info of xml.childElements(child)) {
      if (info.name === 'VULN_INFO') yield vulnInfoLink(xml, await xml.readElement(info), key, detected);
    }
  }
  if (key === undefined && !(fields.has('ERROR') && identityOf(fields) === undefined)) {
    yield { kind: 'asset', key: hostKey(xml, host, fields), data: hostData(fields) };
  }
}

/** `<IP>` is the identity (DESIGN.md); an IPv6-only host has `<IPV6>` instead. */
function identityOf(fields: ReadonlyMap<string, XmlElement>): string | undefined {
  return text(fields, 'IP') ?? text(fields, 'IPV6');
}

function hostKey(xml: XmlReader, host: XmlOpen, fields: ReadonlyMap<string, XmlElement>): string {
  const identity = identityOf(fields);
  if (identity === undefined) throw xml.errorAt(host, '<HOST> has no <IP>; expected the address of the scanned host before its detections');
  return assetKey(identity);
}

function hostData(fields: ReadonlyMap<string, XmlElement>): AssetData {
  const ip = identityOf(fields) ?? '';
  const dns = text(fields, 'DNS');
  const groups = fields.get('ASSET_GROUPS');
  const tags = fields.get('ASSET_TAGS');
  return compact({
    name: dns ?? ip,
    ip,
    hostname: dns ?? text(fields, 'NETBIOS'),
    fqdn: text(fields, 'FQDN') ?? dns,
    os: text(fields, 'OPERATING_SYSTEM'),
    extra: nonEmptyObject(compact({
      netbios: text(fields, 'NETBIOS'),
      trackingMethod: text(fields, 'TRACKING_METHOD'),
      assetId: text(fields, 'ASSET_ID'),
      hostId: text(fields, 'HOST_ID'),
      ec2InstanceId: text(fields, 'EC2_INSTANCE_ID'),
      assetGroups: groups ? nonEmpty(childTexts(groups, 'ASSET_GROUP_TITLE')) : undefined,
      assetTags: tags ? nonEmpty(childTexts(tags, 'ASSET_TAG')) : undefined,
    })),
  });
}

/** One detection: the (QID, host) link with where and what Qualys found as detail. */
function vulnInfoLink(xml: XmlReader, info: XmlElement, asset: string, detected: Map<string, Detected>): ParsedRecord {
  const qid = qidOf(findChild(info, 'QID'));
  if (qid === undefined) throw xml.errorAt(info, '<VULN_INFO> has no <QID>; expected the Qualys id of the detected vulnerability');
  const kind = kindOf(childText(info, 'TYPE'));
  const firstFound = isoTimestamp(childText(info, 'FIRST_FOUND'));
  const lastFound = isoTimestamp(childText(info, 'LAST_FOUND'));
  remember(detected, qid, kind, firstFound, lastFound);
  const ssl = childText(info, 'SSL')?.toLowerCase();
  return {
    kind: 'link',
    findingKey: qid,
    assetKey: asset,
    detail: compact({
      port: parseWholeNumber(childText(info, 'PORT')),
      protocol: childText(info, 'PROTOCOL'),
      service: childText(info, 'SERVICE'),
      fqdn: childText(info, 'FQDN'),
      ssl: ssl === 'true' ? true : ssl === 'false' ? false : undefined,
      instance: childText(info, 'INSTANCE'),
      type: childText(info, 'TYPE'),
      status: childText(info, 'VULN_STATUS'),
      firstFound,
      lastFound,
      timesFound: parseWholeNumber(childText(info, 'TIMES_FOUND')),
      cvssFinal: parseScore(childText(info, 'CVSS_FINAL')),
      cvss3Final: parseScore(childText(info, 'CVSS3_FINAL')),
      evidence: resultText(findChild(info, 'RESULT')),
    }),
  };
}

function remember(detected: Map<string, Detected>, qid: string, kind: QualysKind, first?: string, last?: string): void {
  const seen = detected.get(qid);
  if (!seen) {
    detected.set(qid, compact({ kind, firstSeen: first, lastSeen: last, described: false }));
    return;
  }
  seen.kind = strongerKind(seen.kind, kind);
  // ISO 8601 UTC strings order like the instants they name.
  if (first !== undefined && (seen.firstSeen === undefined || first < seen.firstSeen)) seen.firstSeen = first;
  if (last !== undefined && (seen.lastSeen === undefined || last > seen.lastSeen)) seen.lastSeen = last;
}

/**
 * The glossary: a finding per described QID that a host had. If a file put the glossary before
 * the host list (the DTD does not), nothing is known yet, so every entry is emitted.
 */
async function* glossaryRecords(
  xml: XmlReader, glossary: XmlOpen, detected: Map<string, Detected>, hostListSeen: boolean,
): AsyncGenerator<ParsedRecord> {
  for await (const list of xml.childElements(glossary)) {
    if (list.name !== 'VULN_DETAILS_LIST') continue;
    for await (const entry of xml.childElements(list)) {
      if (entry.name !== 'VULN_DETAILS') continue;
      const details = await xml.readElement(entry);
      const qid = qidOf(findChild(details, 'QID')) ?? qidOf(details);
      if (qid === undefined) throw xml.errorAt(details, '<VULN_DETAILS> has no <QID>; expected the Qualys id it describes');
      let seen = detected.get(qid);
      if (!seen) {
        if (hostListSeen) continue; // described by the template, detected on no host
        seen = { kind: 'Vuln', described: false };
        detected.set(qid, seen);
      }
      seen.described = true;
      yield { kind: 'finding', key: qid, data: qualysFindingData(details, { qid, ...seen }) };
    }
  }
}

/** `<QID id="qid_6">6</QID>` → `6`; the `id` attribute (`qid_6`) when the text is blank. */
function qidOf(element: XmlElement | undefined): string | undefined {
  if (!element) return undefined;
  const text = element.text.trim();
  if (text) return text;
  const fromId = element.attributes.id?.trim().replace(/^qid_/i, '');
  return fromId ? fromId : undefined;
}

function text(fields: ReadonlyMap<string, XmlElement>, name: string): string | undefined {
  const value = fields.get(name)?.text.trim();
  return value ? value : undefined;
}

function nonEmptyObject<T extends object>(value: T): T | undefined {
  return Object.keys(value).length > 0 ? value : undefined;
}
