/**
 * Pure mapping from collected Nessus v2 elements to normalised data. No I/O, no streaming:
 * nessus.parser.ts walks the file and calls these once per `<HostProperties>` / `<ReportItem>`.
 */
import type { AssetData, FindingData, Severity } from '../contract.js';
import { childText, childTexts, type XmlElement } from '../support/xml.js';
import { compact, nonEmpty, normaliseCwe, parseScore, parseWholeNumber, unique } from '../support/fields.js';

/** The numeric `severity` attribute is authoritative (0–4). */
const SEVERITY_BY_NUMBER: Readonly<Record<string, Severity>> = {
  '0': 'Informational', '1': 'Low', '2': 'Medium', '3': 'High', '4': 'Critical',
};
/** Fallback for an item without a usable `severity` attribute. */
const SEVERITY_BY_RISK_FACTOR: Readonly<Record<string, Severity>> = {
  none: 'Informational', low: 'Low', medium: 'Medium', high: 'High', critical: 'Critical',
};

/** Single-valued item children kept in `extra` as they are (strings). */
const EXTRA_FIELDS = [
  'synopsis', 'plugin_type', 'risk_factor', 'exploit_available', 'exploitability_ease', 'exploit_code_maturity',
  'exploited_by_malware', 'exploited_by_nessus', 'exploit_framework_metasploit', 'exploit_framework_core',
  'plugin_publication_date', 'plugin_modification_date', 'vuln_publication_date', 'patch_publication_date',
  'cvss_temporal_score', 'cvss_temporal_vector', 'cvss3_temporal_score', 'cvss3_temporal_vector',
  'vpr_score', 'stig_severity', 'fname', 'script_version', 'unsupported_by_vendor', 'age_of_vuln',
] as const;
/** Repeatable item children kept in `extra` as string lists. */
const EXTRA_LISTS = ['bid', 'xref', 'cpe', 'iava', 'iavb', 'msft', 'mskb', 'cert'] as const;

/** Host property tags worth keeping beyond the AssetData columns. */
const EXTRA_HOST_TAGS = ['netbios-name', 'host-rdns', 'system-type', 'HOST_START', 'HOST_END', 'Credentialed_Scan'] as const;

/** `<tag name="…">value</tag>` children of `<HostProperties>`, trimmed, blanks dropped. */
export type HostTags = ReadonlyMap<string, string>;

export function hostTags(properties: XmlElement): HostTags {
  const tags = new Map<string, string>();
  for (const tag of properties.children) {
    const name = tag.attributes.name;
    const value = tag.text.trim();
    if (tag.name === 'tag' && name && value) tags.set(name, value);
  }
  return tags;
}

/** The raw asset identity: the `host-ip` tag, else the ReportHost `name` attribute. */
export function rawAssetIdentity(reportHostName: string, tags: HostTags): string {
  return tags.get('host-ip') ?? reportHostName;
}

export function assetData(reportHostName: string, tags: HostTags): AssetData {
  const extra: Record<string, unknown> = {};
  for (const name of EXTRA_HOST_TAGS) if (tags.has(name)) extra[name] = tags.get(name);
  return compact({
    name: reportHostName.trim() || tags.get('host-ip') || '',
    ip: tags.get('host-ip'),
    hostname: tags.get('host-fqdn') ?? tags.get('hostname') ?? tags.get('netbios-name'),
    fqdn: tags.get('host-fqdn'),
    os: tags.get('operating-system') ?? tags.get('os'),
    mac: tags.get('mac-address'),
    extra: Object.keys(extra).length > 0 ? extra : undefined,
  });
}

/** The item's severity, or undefined when neither `severity` nor `risk_factor` is usable. */
export function itemSeverity(item: XmlElement): Severity | undefined {
  return SEVERITY_BY_NUMBER[item.attributes.severity?.trim() ?? '']
    ?? SEVERITY_BY_RISK_FACTOR[childText(item, 'risk_factor')?.toLowerCase() ?? ''];
}

/** What the severity came from, as Nessus wrote it: the number (0–4), else `risk_factor`. */
function rawSeverity(item: XmlElement): string | undefined {
  const number = item.attributes.severity?.trim() ?? '';
  return SEVERITY_BY_NUMBER[number] ? number : childText(item, 'risk_factor');
}

export function findingData(item: XmlElement, severity: Severity): FindingData {
  const pluginId = item.attributes.pluginID?.trim() ?? '';
  const xrefCwes = childTexts(item, 'xref').filter((x) => /^CWE:/i.test(x));
  return compact({
    title: item.attributes.pluginName?.trim() || childText(item, 'plugin_name') || `Nessus plugin ${pluginId}`,
    severity,
    toolSeverity: rawSeverity(item),
    description: childText(item, 'description'),
    solution: childText(item, 'solution'),
    references: nonEmpty(unique(childTexts(item, 'see_also').flatMap(splitLines))),
    cves: nonEmpty(unique(childTexts(item, 'cve'))),
    cwes: nonEmpty(unique([...childTexts(item, 'cwe'), ...xrefCwes].map(normaliseCwe).filter(isString))),
    cvssV3Score: parseScore(childText(item, 'cvss3_base_score')),
    cvssV3Vector: childText(item, 'cvss3_vector'),
    cvssV2Score: parseScore(childText(item, 'cvss_base_score')),
    cvssV2Vector: childText(item, 'cvss_vector'),
    extra: itemExtra(item),
  });
}

function itemExtra(item: XmlElement): Record<string, unknown> {
  const extra: Record<string, unknown> = { pluginFamily: item.attributes.pluginFamily?.trim() || undefined };
  for (const name of EXTRA_FIELDS) extra[name] = childText(item, name);
  for (const name of EXTRA_LISTS) extra[name] = nonEmpty(childTexts(item, name));
  return compact(extra);
}

/** Where on the asset the finding was seen: a detail of the (finding, asset) pair. */
export function linkDetail(item: XmlElement): Record<string, unknown> {
  const { port, protocol, svc_name: svcName } = item.attributes;
  return compact({ port: parseWholeNumber(port), protocol: protocol?.trim() || undefined, svc_name: svcName?.trim() || undefined });
}

/** The evidence label Nessus users know: `tcp/443 (www)`. */
export function evidenceLabel(item: XmlElement): string {
  const { port = '0', protocol = 'tcp', svc_name: svcName } = item.attributes;
  return svcName ? `${protocol}/${port} (${svcName})` : `${protocol}/${port}`;
}

function splitLines(text: string): string[] {
  return text.split(/\r?\n/).map((line) => line.trim()).filter((line) => line.length > 0);
}

function isString(value: string | undefined): value is string {
  return value !== undefined;
}
