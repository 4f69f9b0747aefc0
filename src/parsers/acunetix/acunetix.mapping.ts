/**
 * Pure mapping from collected Acunetix XML export elements to normalised data. The text fields
 * are HTML inside CDATA; they are kept as written (the engine sanitises rich text).
 */
import type { AssetData, FindingData, Severity } from '../contract.js';
import { childText, findChild, findChildren, type XmlElement } from '../support/xml.js';
import { compact, nonEmpty, normaliseCwe, parseScore, unique } from '../support/fields.js';

const SEVERITY_BY_WORD: Readonly<Record<string, Severity>> = {
  critical: 'Critical', high: 'High', medium: 'Medium', low: 'Low', info: 'Informational', informational: 'Informational', information: 'Informational',
};

/** Scan-level fields kept on the asset, as Acunetix wrote them. */
const SCAN_FIELDS = ['Name', 'ShortName', 'StartURL', 'StartTime', 'FinishTime', 'ScanTime', 'Aborted', 'Responsive', 'Banner', 'Os', 'WebServer', 'Technologies'] as const;
export const SCAN_FIELD_NAMES: ReadonlySet<string> = new Set(SCAN_FIELDS);

/**
 * Request and response texts longer than this are shortened in the link detail: the beginning
 * is the proof a reader needs, and each ReportItem becomes a detail row of its pair.
 */
export const MAX_MESSAGE_CHARS = 64 * 1024;

/**
 * The asset identity of a scan: the origin (scheme://host[:port], default port omitted) of its
 * StartURL. Acunetix also writes bare targets ("example.com:8080"); their scheme comes from the
 * crawler's StartUrl when it names the same host, else it is http (what Acunetix assumes).
 */
export function targetOrigin(startUrl: string | undefined, crawlerStartUrl: string | undefined): string | undefined {
  const raw = startUrl?.trim() || crawlerStartUrl?.trim();
  if (!raw) return undefined;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(raw)) return originOf(raw) ?? raw;
  const bare = originOf(`http://${raw}`);
  const crawler = crawlerStartUrl ? originOf(crawlerStartUrl.trim()) : undefined;
  if (crawler && bare && new URL(crawler).host === new URL(bare).host) return crawler;
  return bare ?? raw;
}

function originOf(url: string): string | undefined {
  try {
    const origin = new URL(url).origin;
    return origin === 'null' ? undefined : origin;
  } catch {
    return undefined;
  }
}

export function scanAssetData(scan: XmlElement, identity: string): AssetData {
  const extra: Record<string, unknown> = {};
  for (const name of SCAN_FIELDS) extra[lowerFirst(name)] = childText(scan, name);
  const os = childText(scan, 'Os');
  return compact({
    name: identity,
    hostname: hostnameOf(identity),
    os: os && !/^unknown$/i.test(os) ? os : undefined,
    extra: nonEmptyRecord(compact(extra)),
  });
}

/** Acunetix's severity word; a missing or unknown word counts as Informational (kept raw in toolSeverity). */
export function itemSeverity(item: XmlElement): Severity {
  return SEVERITY_BY_WORD[childText(item, 'Severity')?.toLowerCase() ?? ''] ?? 'Informational';
}

export function itemFinding(item: XmlElement, key: string): FindingData {
  const cvss2 = findChild(item, 'CVSS');
  const cvss3 = findChild(item, 'CVSS3');
  return compact({
    title: key,
    severity: itemSeverity(item),
    toolSeverity: childText(item, 'Severity'),
    description: joinParts(childText(item, 'Description'), childText(item, 'DetailedInformation')),
    solution: childText(item, 'Recommendation'),
    references: nonEmpty(references(item)),
    cves: nonEmpty(cves(item)),
    cwes: nonEmpty(cwes(item)),
    cvssV3Score: cvss3 ? parseScore(childText(cvss3, 'Score')) : undefined,
    cvssV3Vector: cvss3 ? childText(cvss3, 'Descriptor') : undefined,
    cvssV2Score: cvss2 ? parseScore(childText(cvss2, 'Score')) : undefined,
    cvssV2Vector: cvss2 ? childText(cvss2, 'Descriptor') : undefined,
    extra: nonEmptyRecord(compact({
      moduleName: childText(item, 'ModuleName'),
      type: childText(item, 'Type'),
      impact: childText(item, 'Impact'),
      cvss3TemporalScore: cvss3 ? parseScore(childText(cvss3, 'TempScore')) : undefined,
      cvss3EnvironmentalScore: cvss3 ? parseScore(childText(cvss3, 'EnvScore')) : undefined,
    })),
  });
}

/** Where the item was found (path, parameter, source file for AcuSensor items) and its proof. */
export function itemLinkDetail(item: XmlElement): Record<string, unknown> {
  const parameter = childText(item, 'Parameter');
  return compact({
    path: childText(item, 'Affects'),
    // Acunetix writes "<empty>" for a form or request without a named parameter.
    parameter: parameter && parameter !== '<empty>' ? parameter : undefined,
    sourceFile: childText(item, 'AOP_SourceFile'),
    sourceLine: childText(item, 'AOP_SourceLine'),
    falsePositive: /^true$/i.test(childText(item, 'IsFalsePositive') ?? '') ? true : undefined,
    reportItemId: item.attributes.id?.trim() || undefined,
    evidence: proofText(item),
  });
}

/** Attack details, AcuSensor notes, then the HTTP request and response. */
function proofText(item: XmlElement): string | undefined {
  const technical = findChild(item, 'TechnicalDetails');
  const request = technical ? shorten(childText(technical, 'Request')) : undefined;
  const response = technical ? shorten(childText(technical, 'Response')) : undefined;
  return joinParts(
    childText(item, 'Details'),
    childText(item, 'AOP_Additional'),
    request ? `REQUEST\n${request}` : undefined,
    response ? `RESPONSE\n${response}` : undefined,
  );
}

function references(item: XmlElement): string[] {
  const list = findChild(item, 'References');
  if (!list) return [];
  return unique(findChildren(list, 'Reference').flatMap((reference) => {
    const target = childText(reference, 'URL') ?? childText(reference, 'Database');
    return target ? [target] : [];
  }));
}

/** `<CVEList>` items: `<CVE>CVE-…</CVE>`, `<CVE id="CVE-…">` or `<CVE><Id>CVE-…</Id></CVE>`. */
function cves(item: XmlElement): string[] {
  const list = findChild(item, 'CVEList');
  if (!list) return [];
  const texts = list.children.flatMap((cve) => [cve.attributes.id ?? '', cve.text, ...cve.children.map((child) => child.text)]);
  return unique(texts.flatMap((text) => [...text.matchAll(/\bCVE-(\d{4})-(\d{4,})\b/gi)].map((m) => `CVE-${m[1]}-${m[2]}`)));
}

/** `<CWEList><CWE id="79">CWE-79</CWE></CWEList>`: the id attribute, else the text. */
function cwes(item: XmlElement): string[] {
  const list = findChild(item, 'CWEList');
  if (!list) return [];
  return unique(findChildren(list, 'CWE').flatMap((cwe) => {
    const normalised = normaliseCwe(cwe.attributes.id ?? '') ?? normaliseCwe(cwe.text);
    return normalised ? [normalised] : [];
  }));
}

function shorten(text: string | undefined): string | undefined {
  if (text === undefined || text.length <= MAX_MESSAGE_CHARS) return text;
  return `${text.slice(0, MAX_MESSAGE_CHARS)}\n[… ${text.length - MAX_MESSAGE_CHARS} more characters not kept]`;
}

function joinParts(...parts: (string | undefined)[]): string | undefined {
  const present = parts.filter((part): part is string => part !== undefined);
  return present.length > 0 ? present.join('\n\n') : undefined;
}

function hostnameOf(origin: string): string | undefined {
  try {
    return new URL(origin).hostname || undefined;
  } catch {
    return undefined;
  }
}

function nonEmptyRecord(record: Record<string, unknown>): Record<string, unknown> | undefined {
  return Object.keys(record).length > 0 ? record : undefined;
}

function lowerFirst(name: string): string {
  return name === 'StartURL' ? 'startUrl' : name.charAt(0).toLowerCase() + name.slice(1);
}
