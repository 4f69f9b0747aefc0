/**
 * Pure mapping from Nexpose XML export elements to normalised data: a `<node>`'s attributes and
 * fingerprints to an asset, a `<test>` to link detail, a `<vulnerability>` definition to a finding.
 */
import type { AssetData, FindingData, Severity } from '../contract.js';
import { compact, nonEmpty, normaliseCwe, parseScore, unique } from '../support/fields.js';
import { childTexts, findChildren, type XmlElement } from '../support/xml.js';

/** Nexpose severity 1–10: Critical 9–10, High 7–8, Medium 4–6, Low 1–3; 0 or none is Informational. */
export function nexposeSeverity(raw: string | undefined): Severity {
  const level = parseScore(raw);
  if (level === undefined || level < 1) return 'Informational';
  if (level >= 9) return 'Critical';
  if (level >= 7) return 'High';
  if (level >= 4) return 'Medium';
  return 'Low';
}

/** A test result that means the asset is affected; `not-vulnerable`, `skipped-*`, `error` are not. */
export function isVulnerableStatus(status: string | undefined): boolean {
  if (status === undefined) return true; // exports that list only findings may omit it
  const word = status.trim().toLowerCase();
  return word.startsWith('vulnerable') || word === 'potential';
}

/** Nexpose ids are case-insensitive (`FTP-GENERIC-0006` defines the test `ftp-generic-0006`). */
export function vulnerabilityKey(id: string | undefined): string {
  return (id ?? '').trim().toLowerCase();
}

/** `20210211T164506081` (UTC) → `2021-02-11T16:45:06.081Z`; anything else → undefined. */
export function nexposeTimestamp(raw: string | undefined): string | undefined {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(\d{3})?/.exec(raw?.trim() ?? '');
  if (!match) return undefined;
  const [, year, month, day, hour, minute, second, millis = '000'] = match;
  const time = Date.parse(`${year}-${month}-${day}T${hour}:${minute}:${second}.${millis}Z`);
  return Number.isNaN(time) ? undefined : new Date(time).toISOString();
}

/** What a node says about itself before its tests: names and fingerprints. */
export interface NodeFacts {
  names: string[];
  os?: Record<string, string>;
}

export function nodeAssetData(attributes: Record<string, string>, address: string, facts: NodeFacts): AssetData {
  const hostname = facts.names[0];
  const os = facts.os;
  const osName = os ? unique([os.vendor, os.product ?? os.family, os.version].filter(isText)).join(' ') : '';
  const extra = compact({
    names: facts.names.length > 1 ? facts.names : undefined,
    status: text(attributes.status),
    deviceId: text(attributes['device-id']),
    siteName: text(attributes['site-name']),
    siteImportance: text(attributes['site-importance']),
    scanTemplate: text(attributes['scan-template']),
    riskScore: parseScore(attributes['risk-score']),
    deviceClass: text(os?.['device-class']),
  });
  return compact({
    name: hostname ?? address,
    ip: /^[0-9a-f:.]+$/i.test(address) && /[.:]/.test(address) ? address : undefined,
    hostname,
    os: osName || undefined,
    mac: text(attributes['hardware-address']),
    extra: Object.keys(extra).length > 0 ? extra : undefined,
  });
}

/** Where a test ran (port, protocol, service) and what it found, as link detail. */
export interface TestPlace {
  port?: number;
  protocol?: string;
  service?: string;
}

export function testDetail(attributes: Record<string, string>, place: TestPlace, output: string): Record<string, unknown> {
  return compact({
    ...place,
    status: text(attributes.status),
    key: text(attributes.key),
    vulnerableSince: nexposeTimestamp(attributes['vulnerable-since']),
    scanId: text(attributes['scan-id']),
    pciComplianceStatus: text(attributes['pci-compliance-status']),
    evidence: output || undefined,
  });
}

/** The parts of a `<vulnerability>` definition collected by the parser (rich text already rendered). */
export interface Definition {
  attributes: Record<string, string>;
  description?: string;
  solution?: string;
  references?: XmlElement;
  tags?: XmlElement;
  exploits?: XmlElement;
  malware?: XmlElement;
}

export function definitionFindingData(definition: Definition, firstSeen: string | undefined): FindingData {
  const { attributes } = definition;
  const refs = definitionReferences(definition.references);
  const cvss = cvssOf(attributes);
  return compact({
    title: text(attributes.title) ?? text(attributes.id) ?? 'Nexpose vulnerability',
    severity: nexposeSeverity(attributes.severity),
    toolSeverity: text(attributes.severity),
    description: definition.description || undefined,
    solution: definition.solution || undefined,
    references: nonEmpty(refs.references),
    cves: nonEmpty(refs.cves),
    cwes: nonEmpty(refs.cwes),
    ...cvss,
    firstSeen,
    extra: compact({
      id: text(attributes.id),
      pciSeverity: text(attributes.pciSeverity),
      riskScore: parseScore(attributes.riskScore),
      published: nexposeTimestamp(attributes.published),
      added: nexposeTimestamp(attributes.added),
      modified: nexposeTimestamp(attributes.modified),
      tags: definition.tags ? nonEmpty(childTexts(definition.tags, 'tag')) : undefined,
      exploits: definition.exploits ? nonEmpty(findChildren(definition.exploits, 'exploit').map((e) => compact({
        id: text(e.attributes.id), title: text(e.attributes.title), type: text(e.attributes.type),
        link: text(e.attributes.link), skillLevel: text(e.attributes.skillLevel),
      }))) : undefined,
      malware: definition.malware ? nonEmpty(malwareNames(definition.malware)) : undefined,
    }),
  });
}

/** A finding for a test id that the file never defines: only its id is known. */
export function undefinedFindingData(id: string, firstSeen: string | undefined): FindingData {
  return compact({ title: id, severity: 'Informational' as const, firstSeen, extra: { id, defined: false } });
}

/** `<reference source="CVE|CWE|URL|BID|MS|…">value</reference>`: CVEs and CWEs apart, URLs as they are, others as `SOURCE:value`. */
function definitionReferences(list: XmlElement | undefined): { references: string[]; cves: string[]; cwes: string[] } {
  const references: string[] = [];
  const cves: string[] = [];
  const cwes: string[] = [];
  for (const reference of list ? findChildren(list, 'reference') : []) {
    const value = reference.text.trim();
    const source = (reference.attributes.source ?? '').trim();
    if (!value) continue;
    if (/^cve$/i.test(source)) cves.push(value.toUpperCase());
    else if (/^cwe$/i.test(source)) { const cwe = normaliseCwe(value); if (cwe) cwes.push(cwe); }
    else if (/^url$/i.test(source) || source === '') references.push(value);
    else references.push(`${source}:${value}`);
  }
  return { references: unique(references), cves: unique(cves), cwes: unique(cwes) };
}

type CvssFields = Pick<FindingData, 'cvssV3Score' | 'cvssV3Vector' | 'cvssV2Score' | 'cvssV2Vector'>;

/** `cvssScore`/`cvssVector` (`(AV:N/…)`, version 2), and the v3 pair where an export has it. */
function cvssOf(attributes: Record<string, string>): CvssFields {
  const lookup = (pattern: RegExp): string | undefined => text(Object.entries(attributes).find(([name]) => pattern.test(name))?.[1]);
  const vector = lookup(/^cvssVector$/i)?.replace(/^\(|\)$/g, '');
  const score = parseScore(lookup(/^cvssScore$/i));
  const v3Vector = lookup(/^cvss_?v?3_?vector$/i)?.replace(/^\(|\)$/g, '');
  const v3Score = parseScore(lookup(/^cvss_?v?3_?score$/i));
  if (vector?.startsWith('CVSS:3')) return compact({ cvssV3Score: v3Score ?? score, cvssV3Vector: vector });
  return compact({ cvssV2Score: score, cvssV2Vector: vector || undefined, cvssV3Score: v3Score, cvssV3Vector: v3Vector });
}

/** Malware kit names, whether written directly (`<malware><name>`) or one level down. */
function malwareNames(malware: XmlElement): string[] {
  return unique([...childTexts(malware, 'name'), ...malware.children.flatMap((child) => childTexts(child, 'name'))]);
}

function text(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

function isText(value: string | undefined): value is string {
  return value !== undefined && value.trim() !== '';
}
