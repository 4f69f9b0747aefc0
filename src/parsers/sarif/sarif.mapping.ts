/**
 * Pure mapping from SARIF 2.1.0 objects (a `reportingDescriptor` rule, a `result`) to normalised
 * data. SARIF is written by many tools; each fills different members, so every field has a
 * fallback chain and nothing is required beyond the ids.
 */
import type { AssetData, FindingData, Severity } from '../contract.js';
import { compact, nonEmpty, normaliseCwe, unique } from '../support/fields.js';
import { firstText, isoTimestamp, isJsonObject, memberOf, nonEmptyObject, numberOf, objectAt, textsOf, type JsonObject } from '../support/json.js';

/** What a rule says about its findings, kept until a result refers to the rule. */
export interface RuleInfo {
  data: Omit<FindingData, 'severity' | 'toolSeverity'>;
  /** `properties.security-severity`: a CVSS-like 0.0–10.0 score (GitHub code scanning convention). */
  securitySeverity?: string;
  /** `defaultConfiguration.level`. */
  defaultLevel?: string;
}

/** What the first result of a rule says about severity: its level and any security-severity of its own. */
export interface ResultSeverity {
  level?: string;
  securitySeverity?: string;
}

const LEVELS: Readonly<Record<string, Severity>> = { error: 'High', warning: 'Medium', note: 'Low', none: 'Informational' };
const SEVERITY_WORDS: Readonly<Record<string, Severity>> = {
  critical: 'Critical', high: 'High', medium: 'Medium', moderate: 'Medium', low: 'Low', info: 'Informational', informational: 'Informational', none: 'Informational',
};

/**
 * The finding's severity: a numeric security-severity wins (≥9 Critical, ≥7 High, ≥4 Medium,
 * >0 Low, 0 Informational), or a severity word written there (`MEDIUM`); else the first result's level, the rule's default level, or SARIF's
 * default `warning` (error High, warning Medium, note Low, none Informational).
 */
export function severityOf(rule: RuleInfo | undefined, result: ResultSeverity): Pick<FindingData, 'severity' | 'toolSeverity'> {
  const rawScore = rule?.securitySeverity ?? result.securitySeverity;
  const score = numberOf(rawScore);
  if (score !== undefined) {
    const severity: Severity = score >= 9 ? 'Critical' : score >= 7 ? 'High' : score >= 4 ? 'Medium' : score > 0 ? 'Low' : 'Informational';
    return { severity, toolSeverity: rawScore };
  }
  // Some tools (Semgrep's GitLab rules) write a word there instead of a score.
  const named = SEVERITY_WORDS[rawScore?.toLowerCase() ?? ''];
  if (named !== undefined) return { severity: named, toolSeverity: rawScore };
  const level = (result.level ?? rule?.defaultLevel ?? 'warning').toLowerCase();
  return { severity: LEVELS[level] ?? 'Medium', toolSeverity: result.level ?? rule?.defaultLevel };
}

export function ruleInfo(rule: JsonObject, id: string, toolName: string | undefined): RuleInfo {
  const properties = objectAt(rule, 'properties');
  const tags = textsOf(memberOf(properties, 'tags'));
  const shortText = messageText(memberOf(rule, 'shortDescription'));
  const fullText = messageText(memberOf(rule, 'fullDescription'));
  const name = firstText(rule, 'name');
  return {
    data: compact({
      title: shortText ?? name ?? firstLine(fullText) ?? id,
      description: fullText ?? shortText,
      solution: messageText(memberOf(rule, 'help')),
      references: nonEmpty(unique([firstText(rule, 'helpUri'), ...textsOf(memberOf(properties, 'references'))].filter((r): r is string => r !== undefined))),
      cves: nonEmpty(cvesIn([id, name ?? '', ...tags])),
      cwes: nonEmpty(unique([...tags.flatMap(cwesInTag), ...textsOf(memberOf(properties, 'cwe')).flatMap(cwesInValue), ...relationshipCwes(rule)])),
      extra: nonEmptyObject(compact({
        tool: toolName,
        ruleName: name !== undefined && name !== id ? name : undefined,
        tags: nonEmpty(tags),
        precision: firstText(properties, 'precision'),
        problemSeverity: firstText(properties, 'problem.severity') ?? firstText(objectAt(properties, 'problem'), 'severity'),
      })),
    }),
    securitySeverity: firstText(properties, 'security-severity'),
    defaultLevel: firstText(objectAt(rule, 'defaultConfiguration'), 'level'),
  };
}

/** A finding for a rule id that no rule in the file describes: the result's message stands in. */
export function ruleInfoFromResult(result: JsonObject, id: string, toolName: string | undefined): RuleInfo {
  const text = messageText(memberOf(result, 'message'));
  return { data: compact({ title: firstLine(text) ?? id, description: text, cves: nonEmpty(cvesIn([id])), extra: nonEmptyObject(compact({ tool: toolName })) }) };
}

export function resultSeverity(result: JsonObject): ResultSeverity {
  return compact({ level: firstText(result, 'level'), securitySeverity: firstText(objectAt(result, 'properties'), 'security-severity') });
}

/** When the tool first and last detected the result (`provenance`), where it says so. */
export interface SeenTimes {
  firstSeen?: string;
  lastSeen?: string;
}

export function resultTimes(result: JsonObject): SeenTimes {
  const provenance = objectAt(result, 'provenance');
  return compact({
    firstSeen: isoTimestamp(memberOf(provenance, 'firstDetectionTimeUtc')),
    lastSeen: isoTimestamp(memberOf(provenance, 'lastDetectionTimeUtc')),
  });
}

export function findingData(rule: RuleInfo, severity: ResultSeverity, times: SeenTimes): FindingData {
  return { ...rule.data, ...compact(severityOf(rule, severity)), ...times } as FindingData;
}

/** The first location of a result: its physical location, the SARIF notion of "where". */
export function firstPhysicalLocation(result: JsonObject): JsonObject | undefined {
  const locations = memberOf(result, 'locations');
  return Array.isArray(locations) ? objectAt(locations[0], 'physicalLocation') : undefined;
}

export function assetData(uri: string, artifactLocation: JsonObject | undefined): AssetData {
  return compact({ name: uri, extra: nonEmptyObject(compact({ uriBaseId: firstText(artifactLocation, 'uriBaseId') })) });
}

/** Where in the artifact, what the tool said, and the code snippet as the proof text. */
export function linkDetail(result: JsonObject, uri: string): Record<string, unknown> {
  const physical = firstPhysicalLocation(result);
  const region = objectAt(physical, 'region');
  const locations = memberOf(result, 'locations');
  const logical = Array.isArray(locations) ? memberOf(locations[0], 'logicalLocations') : undefined;
  const suppressions = memberOf(result, 'suppressions');
  const kind = firstText(result, 'kind');
  return compact({
    path: uri,
    startLine: numberOf(memberOf(region, 'startLine')),
    endLine: numberOf(memberOf(region, 'endLine')),
    startColumn: numberOf(memberOf(region, 'startColumn')),
    logicalLocation: Array.isArray(logical) ? firstText(logical[0], 'fullyQualifiedName', 'name') : undefined,
    message: messageText(memberOf(result, 'message')),
    level: firstText(result, 'level'),
    kind: kind !== 'fail' ? kind : undefined,
    suppressed: Array.isArray(suppressions) && suppressions.length > 0 ? true : undefined,
    evidence: snippetOf(region) ?? snippetOf(objectAt(physical, 'contextRegion')),
  });
}

function snippetOf(region: JsonObject | undefined): string | undefined {
  const snippet = memberOf(objectAt(region, 'snippet'), 'text');
  return typeof snippet === 'string' && snippet.trim() !== '' ? snippet : undefined;
}

/** A SARIF `message`/`multiformatMessageString`: markdown when given (richer), else text. */
function messageText(message: unknown): string | undefined {
  return isJsonObject(message) ? firstText(message, 'markdown', 'text') : undefined;
}

function firstLine(text: string | undefined): string | undefined {
  const line = text?.split(/\r?\n/, 1)[0]?.trim();
  return line ? (line.length > 200 ? `${line.slice(0, 199)}…` : line) : undefined;
}

/** CWE ids in a tag: `external/cwe/cwe-079` (CodeQL), `CWE-89: SQL Injection` (Semgrep), `cwe:22`. */
function cwesInTag(tag: string): string[] {
  return unique([...tag.matchAll(/\bcwe[-:_/ ]?0*(\d+)/gi)].map((m) => `CWE-${Number(m[1])}`));
}

/** A `properties.cwe` value: `79`, `CWE-79` or a text naming CWEs. */
function cwesInValue(value: string): string[] {
  const plain = normaliseCwe(value);
  return plain ? [plain] : cwesInTag(value);
}

/** CWE ids a rule relates to through a taxonomy named CWE (`relationships[].target`). */
function relationshipCwes(rule: JsonObject): string[] {
  const relationships = memberOf(rule, 'relationships');
  if (!Array.isArray(relationships)) return [];
  return relationships.flatMap((relationship) => {
    const target = objectAt(relationship, 'target');
    const taxonomy = firstText(objectAt(target, 'toolComponent'), 'name');
    const id = firstText(target, 'id');
    const cwe = taxonomy && /cwe/i.test(taxonomy) && id ? normaliseCwe(id) : undefined;
    return cwe ? [cwe] : [];
  });
}

function cvesIn(texts: string[]): string[] {
  return unique(texts.flatMap((text) => [...text.matchAll(/\bCVE-\d{4}-\d{4,}\b/gi)].map((m) => m[0].toUpperCase())));
}
