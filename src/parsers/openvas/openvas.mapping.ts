/**
 * Pure mapping from one collected Greenbone/OpenVAS `<result>` (and a report's `<host>` summary)
 * to normalised data. Covers GMP 7–22 results (`<refs><ref type id/>`, `<severities>`,
 * `<solution>`) and the older OMP shape (`<cve>`, `<bid>`, `<xref>` lists in the NVT).
 */
import type { AssetData, FindingData, Severity } from '../contract.js';
import { childText, findChild, findChildren, type XmlElement } from '../support/xml.js';
import { compact, nonEmpty, normaliseCwe, parseScore, parseWholeNumber, unique } from '../support/fields.js';

/** NVD ranges on Greenbone's 0–10 severity score (GVM 22.4+ shows Critical from 9.0 too). */
export function severityFromScore(score: number): Severity {
  if (score >= 9) return 'Critical';
  if (score >= 7) return 'High';
  if (score >= 4) return 'Medium';
  if (score > 0) return 'Low';
  return 'Informational'; // 0 = Log; negative = false positive, debug or error
}

const SEVERITY_BY_THREAT: Readonly<Record<string, Severity>> = {
  critical: 'Critical', high: 'High', medium: 'Medium', low: 'Low',
};

/** The result's numeric `<severity>`; its `<threat>` word when the number is missing. */
export function resultSeverity(result: XmlElement): { severity: Severity; toolSeverity?: string } {
  const raw = childText(result, 'severity');
  const score = parseScore(raw);
  if (score !== undefined) return { severity: severityFromScore(score), toolSeverity: raw };
  const threat = childText(result, 'threat');
  return { severity: SEVERITY_BY_THREAT[threat?.toLowerCase() ?? ''] ?? 'Informational', toolSeverity: threat };
}

/** NVT `<tags>`: `key=value|key=value`; a value may hold `|`, so split only before a `key=`. */
export function nvtTags(nvt: XmlElement | undefined): Map<string, string> {
  const tags = new Map<string, string>();
  const text = nvt ? childText(nvt, 'tags') : undefined;
  if (!text) return tags;
  for (const part of text.split(/\|(?=[A-Za-z_][\w-]*=)/)) {
    const equals = part.indexOf('=');
    if (equals <= 0) continue;
    const value = part.slice(equals + 1).trim();
    if (value) tags.set(part.slice(0, equals).trim(), value);
  }
  return tags;
}

/** Greenbone's section names, in the order its reports show them. */
const DESCRIPTION_SECTIONS: readonly [tag: string, label: string | undefined][] = [
  ['summary', undefined],
  ['insight', 'Vulnerability insight'],
  ['affected', 'Affected software/OS'],
  ['impact', 'Impact'],
  ['vuldetect', 'Vulnerability detection method'],
];

export function findingData(result: XmlElement, oid: string): FindingData {
  const nvt = findChild(result, 'nvt');
  const tags = nvtTags(nvt);
  const refs = nvtRefs(nvt);
  const cvss = nvtCvss(nvt, tags);
  const { severity, toolSeverity } = resultSeverity(result);
  const description = DESCRIPTION_SECTIONS
    .map(([tag, label]) => (tags.has(tag) ? (label ? `${label}:\n${tags.get(tag)}` : tags.get(tag)) : undefined))
    .filter((part): part is string => part !== undefined)
    .join('\n\n');
  const solution = nvt ? findChild(nvt, 'solution') : undefined;
  return compact({
    title: (nvt && childText(nvt, 'name')) ?? childText(result, 'name') ?? `OpenVAS NVT ${oid}`,
    severity,
    toolSeverity,
    description: description || undefined,
    solution: solution?.text.trim() || tags.get('solution') || tags.get('fix'),
    references: nonEmpty(refs.urls),
    cves: nonEmpty(refs.cves),
    cwes: nonEmpty(refs.cwes),
    ...cvss,
    extra: compact({
      oid,
      family: nvt ? childText(nvt, 'family') : undefined,
      threat: childText(result, 'threat'),
      solutionType: solution?.attributes.type?.trim() || tags.get('solution_type'),
      qodType: tags.get('qod_type') ?? tags.get('qodType'),
      advisories: nonEmpty(refs.advisories),
      bids: nonEmpty(refs.bids),
    }),
  });
}

interface NvtRefs {
  urls: string[];
  cves: string[];
  cwes: string[];
  bids: string[];
  /** CERT-Bund, DFN-CERT and other advisory ids, as `type:id`. */
  advisories: string[];
}

/** References in both shapes: `<refs><ref type="cve" id="…"/>` and the older `<cve>`/`<bid>`/`<xref>` lists. */
function nvtRefs(nvt: XmlElement | undefined): NvtRefs {
  const refs: NvtRefs = { urls: [], cves: [], cwes: [], bids: [], advisories: [] };
  if (!nvt) return refs;
  const add = (type: string, id: string): void => {
    const value = id.trim();
    if (!value || /^NO(CVE|BID|XREF)$/i.test(value)) return;
    switch (type.trim().toLowerCase()) {
      case 'url': refs.urls.push(value); break;
      case 'cve': refs.cves.push(value.toUpperCase()); break;
      case 'cwe': { const cwe = normaliseCwe(value); if (cwe) refs.cwes.push(cwe); break; }
      case 'bid': refs.bids.push(value); break;
      default: refs.advisories.push(`${type.trim()}:${value}`);
    }
  };
  const list = findChild(nvt, 'refs');
  for (const ref of list ? findChildren(list, 'ref') : []) add(ref.attributes.type ?? '', ref.attributes.id ?? '');
  for (const cve of (childText(nvt, 'cve') ?? '').split(',')) add('cve', cve);
  for (const bid of (childText(nvt, 'bid') ?? '').split(',')) add('bid', bid);
  // `URL:https://…, CERT-BUND:CB-K15/0001`: the type before the first colon.
  for (const xref of (childText(nvt, 'xref') ?? '').split(/,\s+/)) {
    const colon = xref.indexOf(':');
    if (colon > 0) add(xref.slice(0, colon), xref.slice(colon + 1));
  }
  return { urls: unique(refs.urls), cves: unique(refs.cves), cwes: unique(refs.cwes), bids: unique(refs.bids), advisories: unique(refs.advisories) };
}

type CvssFields = Pick<FindingData, 'cvssV3Score' | 'cvssV3Vector' | 'cvssV2Score' | 'cvssV2Vector'>;

/**
 * `<severities><severity type="cvss_base_v3"><score/><value>CVSS:3.1/…</value>` where present;
 * otherwise `<cvss_base>` with the `cvss_base_vector` tag, whose prefix tells the version.
 */
function nvtCvss(nvt: XmlElement | undefined, tags: ReadonlyMap<string, string>): CvssFields {
  const fields: CvssFields = {};
  const severities = nvt ? findChild(nvt, 'severities') : undefined;
  for (const entry of severities ? findChildren(severities, 'severity') : []) {
    const type = entry.attributes.type?.trim().toLowerCase() ?? '';
    const score = parseScore(childText(entry, 'score'));
    const vector = childText(entry, 'value');
    if (type.includes('v3') || type.includes('v4') || vector?.startsWith('CVSS:3')) {
      fields.cvssV3Score ??= score;
      fields.cvssV3Vector ??= vector;
    } else if (type.includes('v2')) {
      fields.cvssV2Score ??= score;
      fields.cvssV2Vector ??= vector;
    }
  }
  if (fields.cvssV3Score === undefined && fields.cvssV2Score === undefined) {
    const score = nvt ? parseScore(childText(nvt, 'cvss_base')) : undefined;
    const vector = tags.get('cvss_base_vector');
    if (vector?.startsWith('CVSS:3')) Object.assign(fields, { cvssV3Score: score, cvssV3Vector: vector });
    else if (score !== undefined || vector !== undefined) Object.assign(fields, { cvssV2Score: score, cvssV2Vector: vector });
  }
  return compact(fields);
}

/**
 * `443/tcp` → port 443, protocol tcp. Ports without a number (`general/tcp`, `general/CPE-T`,
 * `package`) keep their whole text as `portName`, with the protocol when it is a real one.
 */
export function parsePort(raw: string | undefined): { port?: number; protocol?: string; portName?: string } {
  const text = raw?.trim() ?? '';
  if (!text) return {};
  const [number, protocol] = text.split('/', 2).map((part) => part.trim());
  const port = parseWholeNumber(number);
  const knownProtocol = protocol && /^(tcp|udp|icmp|sctp)$/i.test(protocol) ? protocol.toLowerCase() : undefined;
  if (port !== undefined) return compact({ port, protocol: knownProtocol ?? protocol?.toLowerCase() });
  return compact({ protocol: knownProtocol, portName: text });
}

/** Where and how the result was seen on the host, with Greenbone's per-host output as evidence. */
export function linkDetail(result: XmlElement, host: XmlElement): Record<string, unknown> {
  const output = findChild(result, 'description')?.text;
  const qod = findChild(result, 'qod');
  return compact({
    ...parsePort(childText(result, 'port')),
    hostname: childText(host, 'hostname'),
    threat: childText(result, 'threat'),
    severity: parseScore(childText(result, 'severity')),
    qod: qod ? parseWholeNumber(childText(qod, 'value')) : undefined,
    resultId: result.attributes.id?.trim() || undefined,
    evidence: output?.trim() ? output.replace(/\s+$/, '') : undefined,
  });
}

/** The asset as a result names it: `<host>10.0.0.1<asset asset_id="…"/><hostname>h</hostname></host>`. */
export function resultAssetData(host: XmlElement, identity: string): AssetData {
  const hostname = childText(host, 'hostname');
  const assetId = findChild(host, 'asset')?.attributes.asset_id?.trim();
  return compact({ name: hostname ?? identity, ip: looksLikeIp(identity) ? identity : undefined, hostname, extra: assetId ? { assetId } : undefined });
}

/**
 * A report's `<host>` summary (`<ip>`, `<start>`, `<end>`, `<detail>` name/value pairs such as
 * `hostname`, `best_os_txt`, `best_os_cpe`), for an asset already named by a result.
 */
export function summaryAssetData(host: XmlElement, identity: string): AssetData {
  const details = new Map<string, string>();
  for (const detail of findChildren(host, 'detail')) {
    const name = childText(detail, 'name');
    const value = childText(detail, 'value');
    if (name && value && !details.has(name)) details.set(name, value);
  }
  const hostname = details.get('hostname');
  const extra = compact({
    osCpe: details.get('best_os_cpe'),
    mac: details.get('MAC'),
    scanStart: childText(host, 'start'),
    scanEnd: childText(host, 'end'),
  });
  return compact({
    name: hostname ?? identity,
    ip: looksLikeIp(identity) ? identity : undefined,
    hostname,
    os: details.get('best_os_txt'),
    mac: details.get('MAC'),
    extra: Object.keys(extra).length > 0 ? extra : undefined,
  });
}

function looksLikeIp(text: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(text) || (text.includes(':') && /^[0-9a-f:.]+$/i.test(text));
}
