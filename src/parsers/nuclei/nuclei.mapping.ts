/**
 * Pure mapping from one Nuclei result (a JSON object) to normalised data. Field names changed
 * over Nuclei's versions; both spellings are read:
 *
 * | meaning          | v2.5+ / v3            | before v2.5          |
 * |------------------|-----------------------|----------------------|
 * | template id      | `template-id`         | `templateID`         |
 * | where it matched | `matched-at`          | `matched`            |
 * | extracted values | `extracted-results`   | `extracted_results`  |
 * | matcher          | `matcher-name`        | `matcher_name`       |
 * | curl command     | `curl-command`        | `curl_command`       |
 *
 * `info.reference`, `info.tags`, `info.author` and the classification ids are a list in newer
 * versions and a string (comma- or line-separated) in older ones.
 */
import type { AssetData, FindingData, Severity } from '../contract.js';
import { compact, nonEmpty, normaliseCwe, unique } from '../support/fields.js';
import { firstText, isoTimestamp, memberOf, nonEmptyObject, numberOf, objectAt, textOf, textsOf, type JsonObject } from '../support/json.js';

const SEVERITIES: Readonly<Record<string, Severity>> = {
  critical: 'Critical', high: 'High', medium: 'Medium', low: 'Low', info: 'Informational', informational: 'Informational',
};

/** The template id: the finding key. Very old output only had `template` (a path such as `cves/x.yaml` in later versions). */
export function templateIdOf(result: JsonObject): string | undefined {
  const id = firstText(result, 'template-id', 'templateID', 'template_id');
  if (id !== undefined) return id;
  const template = firstText(result, 'template');
  return template?.replace(/^.*[\\/]/, '').replace(/\.ya?ml$/i, '') || undefined;
}

/**
 * The scanned target as Nuclei names it: `host`. Some releases leave it out; then the host name
 * of where the template matched stands in (`http://app:8080/x` → `app`, as newer releases write
 * `host`), so that every match on one target still names one asset; else the IP.
 */
export function hostOf(result: JsonObject): string | undefined {
  const host = firstText(result, 'host');
  if (host !== undefined) return host;
  const matchedAt = firstText(result, 'matched-at', 'matched');
  return (matchedAt && hostnameOf(matchedAt)) || firstText(result, 'ip');
}

/** Nuclei's severity word; `unknown` and anything else count as Informational. */
export function severityOf(info: JsonObject | undefined): Severity {
  return SEVERITIES[firstText(info, 'severity')?.toLowerCase() ?? ''] ?? 'Informational';
}

export function findingData(result: JsonObject, templateId: string): FindingData {
  const info = objectAt(result, 'info');
  const classification = objectAt(info, 'classification');
  return compact({
    title: firstText(info, 'name') ?? templateId,
    severity: severityOf(info),
    toolSeverity: firstText(info, 'severity'),
    description: firstText(info, 'description'),
    solution: firstText(info, 'remediation'),
    references: nonEmpty(unique(listOf(memberOf(info, 'reference')))),
    cves: nonEmpty(cvesOf(classification, templateId)),
    cwes: nonEmpty(unique(listOf(memberOf(classification, 'cwe-id')).map(normaliseCwe).filter((c): c is string => c !== undefined))),
    ...cvssOf(classification),
    extra: nonEmptyObject(compact({
      template: firstText(result, 'template', 'template-path'),
      templateUrl: firstText(result, 'template-url'),
      tags: nonEmpty(listOf(memberOf(info, 'tags'))),
      authors: nonEmpty(listOf(memberOf(info, 'author'))),
      impact: firstText(info, 'impact'),
      epssScore: numberOf(memberOf(classification, 'epss-score')),
      cpe: firstText(classification, 'cpe'),
      metadata: objectAt(info, 'metadata'),
    })),
  });
}

export function assetData(result: JsonObject, host: string): AssetData {
  return compact({ name: host, ip: firstText(result, 'ip'), hostname: hostnameOf(host) });
}

/** Where and how the template matched, with the proof as one text (Nuclei has no evidence rule). */
export function linkDetail(result: JsonObject): Record<string, unknown> {
  const matchedAt = firstText(result, 'matched-at', 'matched');
  const extracted = listOf(memberOf(result, 'extracted-results') ?? memberOf(result, 'extracted_results'));
  return compact({
    matchedAt,
    type: firstText(result, 'type'),
    port: numberOf(memberOf(result, 'port')),
    scheme: firstText(result, 'scheme'),
    path: firstText(result, 'path'),
    matcherName: firstText(result, 'matcher-name', 'matcher_name'),
    extractorName: firstText(result, 'extractor-name', 'extractor_name'),
    extractedResults: nonEmpty(extracted),
    timestamp: isoTimestamp(memberOf(result, 'timestamp')),
    evidence: evidenceText(result, matchedAt, extracted),
  });
}

function evidenceText(result: JsonObject, matchedAt: string | undefined, extracted: string[]): string | undefined {
  const parts = [
    matchedAt && `Matched at: ${matchedAt}`,
    extracted.length > 0 && `Extracted results:\n${extracted.join('\n')}`,
    rawText(result, 'curl-command', 'curl_command', 'Curl command'),
    rawText(result, 'request', undefined, 'REQUEST'),
    rawText(result, 'response', undefined, 'RESPONSE'),
  ].filter((part): part is string => typeof part === 'string' && part !== '');
  return parts.length > 0 ? parts.join('\n\n') : undefined;
}

/** A request, response or command as written (not trimmed: whitespace is part of HTTP), under a label. */
function rawText(result: JsonObject, key: string, oldKey: string | undefined, label: string): string | undefined {
  const value = memberOf(result, key) ?? (oldKey ? memberOf(result, oldKey) : undefined);
  return typeof value === 'string' && value.trim() !== '' ? `${label}\n${value}` : undefined;
}

/** `classification.cve-id`, else a template named after a CVE (`CVE-2021-44228`). */
function cvesOf(classification: JsonObject | undefined, templateId: string): string[] {
  const ids = listOf(memberOf(classification, 'cve-id'));
  if (ids.length === 0) ids.push(templateId);
  return unique(ids.map((id) => id.toUpperCase()).filter((id) => /^CVE-\d{4}-\d{4,}$/.test(id)));
}

/** The score goes with the vector's version: CVSS 3.x (`CVSS:3.1/…`), 2 (`AV:N/AC:L/Au:N/…`); others stay in `extra`. */
function cvssOf(classification: JsonObject | undefined): Pick<FindingData, 'cvssV3Score' | 'cvssV3Vector' | 'cvssV2Score' | 'cvssV2Vector'> {
  const score = numberOf(memberOf(classification, 'cvss-score'));
  const vector = firstText(classification, 'cvss-metrics');
  if (vector !== undefined && /^(\(?AV:[LAN]\/AC:[HML]\/Au:)/.test(vector)) return compact({ cvssV2Score: score, cvssV2Vector: vector });
  if (vector === undefined || vector.startsWith('CVSS:3')) return compact({ cvssV3Score: score, cvssV3Vector: vector });
  return {};
}

/**
 * A list field: an array of texts, or one text with an item per line (`- url` bullets included)
 * or, on a single line, items separated by commas (`tech,nginx`).
 */
function listOf(value: unknown): string[] {
  if (Array.isArray(value)) return textsOf(value);
  const text = textOf(value);
  if (text === undefined) return [];
  const parts = text.includes('\n') ? text.split(/\r?\n/) : text.split(',');
  return parts.map((part) => part.trim().replace(/^[-*]\s+/, '').trim()).filter(Boolean);
}

/** The host name of a URL (`https://a.example:8443/x`) or of `host[:port]`. */
function hostnameOf(host: string): string | undefined {
  if (/^[a-z][a-z\d+.-]*:\/\//i.test(host)) {
    try {
      return new URL(host).hostname.replace(/^\[(.*)\]$/, '$1') || undefined;
    } catch {
      return undefined;
    }
  }
  return host.replace(/^\[(.*)\](:\d+)?$/, '$1').replace(/^([^:]+):\d+$/, '$1') || undefined;
}
