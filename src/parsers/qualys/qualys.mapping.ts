/**
 * Pure mapping from collected Qualys VM elements to normalised data, shared by both report
 * shapes: the knowledge-base part of a vulnerability (a `<VULN_DETAILS>` of an asset data report,
 * or a `<VULN>`/`<INFO>`/`<SERVICE>`/`<PRACTICE>` of a scan report) has the same children in both.
 * Qualys text fields are HTML fragments (`<P>`, `<BR>`); they are kept as they are.
 */
import type { FindingData, Severity } from '../contract.js';
import { childText, childTexts, findChild, findChildren, type XmlElement } from '../support/xml.js';
import { compact, nonEmpty, parseScore, unique } from '../support/fields.js';

/**
 * What Qualys says a detection is: a confirmed vulnerability (`Vuln`), a potential one
 * (`Practice`), or information gathered (`Ig`). Scan reports spell it by element name instead.
 */
export type QualysKind = 'Vuln' | 'Practice' | 'Ig';

/** Qualys levels 1–5 (Minimal, Medium, Serious, Critical, Urgent) for vulnerabilities. */
const SEVERITY_BY_LEVEL: Readonly<Record<string, Severity>> = {
  '1': 'Informational', '2': 'Low', '3': 'Medium', '4': 'High', '5': 'Critical',
};

/**
 * Confirmed and potential vulnerabilities map their level 1–5; information gathered is
 * Informational whatever its level (Qualys levels information by how sensitive it is, not by risk).
 */
export function qualysSeverity(level: string | undefined, kind: QualysKind): Severity {
  if (kind === 'Ig') return 'Informational';
  return SEVERITY_BY_LEVEL[level?.trim() ?? ''] ?? 'Informational';
}

/** `Vuln`, `Practice`, `Ig` as written in `<TYPE>`; anything unknown counts as a vulnerability. */
export function kindOf(type: string | undefined): QualysKind {
  const word = type?.trim().toLowerCase();
  if (word === 'ig' || word === 'info' || word === 'information gathered') return 'Ig';
  if (word === 'practice' || word === 'potential') return 'Practice';
  return 'Vuln';
}

/** The more alarming of two kinds, for a QID reported with different types on different hosts. */
export function strongerKind(a: QualysKind, b: QualysKind): QualysKind {
  const rank = { Ig: 0, Practice: 1, Vuln: 2 } as const;
  return rank[a] >= rank[b] ? a : b;
}

/** `9.3 (AV:N/AC:M/…)`, `5`, `-` or blank → score and vector where present. */
export function parseQualysCvss(raw: string | undefined): { score?: number; vector?: string } {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(?:\(([^)]*)\))?\s*$/.exec(raw ?? '');
  if (!match) return {};
  return compact({ score: parseScore(match[1]), vector: match[2]?.trim() || undefined });
}

/** The text of a nested child such as `CVSS_SCORE/CVSS_BASE` (older reports put it directly). */
function nestedText(item: XmlElement, path: string[]): string | undefined {
  let current: XmlElement | undefined = item;
  for (const name of path.slice(0, -1)) current = current && findChild(current, name);
  return current ? childText(current, path[path.length - 1]!) : undefined;
}

function cvssField(item: XmlElement, group: string, name: string): string | undefined {
  return nestedText(item, [group, name]) ?? childText(item, name);
}

const CVE_PATTERN = /^CVE-\d{4}-\d{4,}$/;

/** CVEs from `<CVE_ID_LIST>` and, in scan reports, the `cveid="CVE-…,CVE-…"` attribute. */
export function qualysCves(item: XmlElement): string[] {
  const listed = listIds(item, 'CVE_ID_LIST', 'CVE_ID');
  const attribute = (item.attributes.cveid ?? '').split(',');
  return unique([...listed, ...attribute].map((cve) => cve.trim().toUpperCase()).filter((cve) => CVE_PATTERN.test(cve)));
}

/** The `<ID>` of each entry of a `<…_LIST>` (vendor references, Bugtraq ids, CVEs). */
function listIds(item: XmlElement, list: string, entry: string): string[] {
  const container = findChild(item, list);
  return container ? findChildren(container, entry).map((e) => childText(e, 'ID')).filter(isString) : [];
}

function listUrls(item: XmlElement, list: string, entry: string): string[] {
  const container = findChild(item, list);
  return container ? findChildren(container, entry).map((e) => childText(e, 'URL')).filter(isString) : [];
}

/** Known exploits (`CORRELATION/EXPLOITABILITY/EXPLT_SRC/EXPLT_LIST/EXPLT`), flattened. */
function exploits(item: XmlElement): Record<string, string>[] | undefined {
  const sources = findChild(findChild(item, 'CORRELATION') ?? item, 'EXPLOITABILITY');
  if (!sources) return undefined;
  return nonEmpty(findChildren(sources, 'EXPLT_SRC').flatMap((source) => {
    const list = findChild(source, 'EXPLT_LIST');
    return (list ? findChildren(list, 'EXPLT') : []).map((exploit) => compact({
      source: childText(source, 'SRC_NAME'),
      ref: childText(exploit, 'REF'),
      description: childText(exploit, 'DESC'),
      link: childText(exploit, 'LINK'),
    }) as Record<string, string>);
  }));
}

/** Malware known to use the vulnerability (`CORRELATION/MALWARE/MW_SRC/MW_LIST/MW_INFO`). */
function malware(item: XmlElement): Record<string, string>[] | undefined {
  const sources = findChild(findChild(item, 'CORRELATION') ?? item, 'MALWARE');
  if (!sources) return undefined;
  return nonEmpty(findChildren(sources, 'MW_SRC').flatMap((source) => {
    const list = findChild(source, 'MW_LIST');
    return (list ? findChildren(list, 'MW_INFO') : []).map((info) => compact({
      source: childText(source, 'SRC_NAME'),
      id: childText(info, 'MW_ID'),
      type: childText(info, 'MW_TYPE'),
      rating: childText(info, 'MW_RATING'),
      link: childText(info, 'MW_LINK'),
    }) as Record<string, string>);
  }));
}

export interface KnowledgeContext {
  qid: string;
  kind: QualysKind;
  /** The severity level when the element does not carry one (`severity` attribute or `<SEVERITY>`). */
  level?: string;
  /** The Qualys category (`<CATEGORY>`, or the scan report's `<CAT value>`). */
  category?: string;
  firstSeen?: string;
  lastSeen?: string;
}

/**
 * The finding of one QID from its knowledge-base element. Threat/diagnosis and impact/consequence
 * make up the description, as Qualys presents them one after the other.
 */
export function qualysFindingData(item: XmlElement, context: KnowledgeContext): FindingData {
  const level = item.attributes.severity?.trim() || childText(item, 'SEVERITY') || context.level;
  const cvss2 = parseQualysCvss(cvssField(item, 'CVSS_SCORE', 'CVSS_BASE'));
  const cvss3 = parseQualysCvss(cvssField(item, 'CVSS3_SCORE', 'CVSS3_BASE'));
  const impact = childText(item, 'IMPACT') ?? childText(item, 'CONSEQUENCE');
  const threat = childText(item, 'THREAT') ?? childText(item, 'DIAGNOSIS');
  return compact({
    title: childText(item, 'TITLE') ?? `Qualys QID ${context.qid}`,
    severity: qualysSeverity(level, context.kind),
    toolSeverity: level,
    description: joinSections(threat, impact === undefined || isNotApplicable(impact) ? undefined : `<B>Impact</B><BR>\n${impact}`),
    solution: childText(item, 'SOLUTION'),
    references: nonEmpty(unique([...listUrls(item, 'VENDOR_REFERENCE_LIST', 'VENDOR_REFERENCE'), ...listUrls(item, 'BUGTRAQ_ID_LIST', 'BUGTRAQ_ID')])),
    cves: nonEmpty(qualysCves(item)),
    cvssV3Score: cvss3.score,
    cvssV3Vector: cvss3.vector,
    cvssV2Score: cvss2.score,
    cvssV2Vector: cvss2.vector,
    firstSeen: context.firstSeen,
    lastSeen: context.lastSeen,
    extra: compact({
      qid: context.qid,
      qualysType: context.kind,
      category: childText(item, 'CATEGORY') ?? context.category,
      pciFlag: childText(item, 'PCI_FLAG'),
      lastUpdate: childText(item, 'LAST_UPDATE'),
      cvssV2Temporal: parseQualysCvss(cvssField(item, 'CVSS_SCORE', 'CVSS_TEMPORAL')).score,
      cvssV3Temporal: parseQualysCvss(cvssField(item, 'CVSS3_SCORE', 'CVSS3_TEMPORAL')).score,
      vendorReferences: nonEmpty(listIds(item, 'VENDOR_REFERENCE_LIST', 'VENDOR_REFERENCE')),
      bugtraqIds: nonEmpty(listIds(item, 'BUGTRAQ_ID_LIST', 'BUGTRAQ_ID')),
      exploits: exploits(item),
      malware: malware(item),
      compliance: nonEmpty(childTexts(item, 'COMPLIANCE')),
    }),
  });
}

/** A finding for a QID the report detected but did not describe (no glossary entry). */
export function undescribedFindingData(context: KnowledgeContext): FindingData {
  return compact({
    title: `Qualys QID ${context.qid}`,
    severity: qualysSeverity(context.level, context.kind),
    toolSeverity: context.level,
    firstSeen: context.firstSeen,
    lastSeen: context.lastSeen,
    extra: { qid: context.qid, qualysType: context.kind, described: false },
  });
}

/**
 * A `<RESULT>` as text: Qualys may base64-encode it (`base64="true"`). NUL characters, which
 * PostgreSQL text rejects, become U+FFFD.
 */
export function resultText(result: XmlElement | undefined): string | undefined {
  if (!result) return undefined;
  const raw = result.attributes.base64?.trim() === 'true' ? Buffer.from(result.text, 'base64').toString('utf8') : result.text;
  const text = raw.replace(/\u0000/g, '\uFFFD');
  return text.trim() === '' ? undefined : text;
}

/** Qualys timestamps are already ISO 8601 (`2019-07-31T21:57:48Z`); anything else is dropped. */
export function isoTimestamp(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const time = Date.parse(raw);
  return Number.isNaN(time) ? undefined : new Date(time).toISOString();
}

function isNotApplicable(text: string): boolean {
  return /^(n\/?a|not\s+applicable\.?)$/i.test(text.replace(/\s+/g, ' ').trim());
}

function joinSections(...parts: (string | undefined)[]): string | undefined {
  const present = parts.filter(isString);
  return present.length > 0 ? present.join('\n<P>\n') : undefined;
}

function isString(value: string | undefined): value is string {
  return value !== undefined;
}
