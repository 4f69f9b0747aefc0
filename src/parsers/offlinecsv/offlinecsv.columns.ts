/**
 * Which header names mean what in a generic findings CSV (docs/csv-format.md lists them). Header
 * names are compared case-insensitively after `normaliseHeader`, so "Plugin ID", "plugin_id" and
 * "PLUGIN-ID" are one name. Each role lists its names in priority order: when a file has several
 * columns for one role, a row takes the first non-blank of them (lists take all of them).
 */
export type Role =
  | 'id' | 'title' | 'severity' | 'description' | 'solution' | 'references' | 'cves' | 'cwes'
  | 'cvssV3Score' | 'cvssV3Vector' | 'cvssV2Score' | 'cvssV2Vector' | 'firstSeen' | 'lastSeen'
  | 'asset' | 'ip' | 'hostname' | 'os' | 'mac'
  | 'port' | 'protocol' | 'service' | 'path' | 'location' | 'parameter' | 'evidence';

/** PlexTrac's own template columns are here too: title, severity, description, recommendations, references, affected_assets, cwe, cve. */
const NAMES: Readonly<Record<Role, readonly string[]>> = {
  id: ['id', 'finding id', 'plugin id', 'pluginid', 'vulnerability id', 'vuln id', 'issue id', 'rule id', 'check id', 'qid'],
  title: [
    'title', 'name', 'finding', 'finding name', 'finding title', 'vulnerability', 'vulnerability name', 'vulnerability title',
    'vuln name', 'issue', 'issue name', 'issue title', 'plugin name',
  ],
  severity: ['severity', 'sev', 'severity level', 'risk', 'risk level', 'risk rating', 'rating', 'criticality'],
  description: ['description', 'details', 'detail', 'summary', 'synopsis', 'finding description', 'vulnerability description', 'issue description', 'observation'],
  solution: ['recommendation', 'recommendations', 'solution', 'remediation', 'remediation steps', 'fix', 'mitigation'],
  references: ['references', 'reference', 'refs', 'links', 'see also'],
  cves: ['cve', 'cves', 'cve id', 'cve ids', 'cve s'],
  cwes: ['cwe', 'cwes', 'cwe id', 'cwe ids', 'cwe s'],
  cvssV3Score: [
    'cvss', 'cvss score', 'cvss base score', 'cvss3', 'cvss 3', 'cvss v3', 'cvss3 score', 'cvss v3 score', 'cvss3 base score',
    'cvss v3 base score', 'cvss v3 0 base score', 'cvss v3 1 base score',
  ],
  cvssV3Vector: ['cvss vector', 'cvss3 vector', 'cvss v3 vector', 'cvss v3 0 vector', 'cvss v3 1 vector'],
  cvssV2Score: ['cvss2', 'cvss 2', 'cvss v2', 'cvss2 score', 'cvss v2 score', 'cvss2 base score', 'cvss v2 base score', 'cvss v2 0 base score'],
  cvssV2Vector: ['cvss2 vector', 'cvss v2 vector', 'cvss v2 0 vector'],
  firstSeen: ['first seen', 'first found', 'first detected', 'first discovered', 'date found'],
  lastSeen: ['last seen', 'last found', 'last detected'],
  asset: [
    'asset', 'assets', 'affected asset', 'affected assets', 'host', 'hostname', 'host name', 'fqdn', 'dns name',
    'ip', 'ip address', 'target', 'url',
  ],
  ip: ['ip', 'ip address', 'host ip'],
  hostname: ['hostname', 'host name', 'fqdn', 'dns name'],
  os: ['os', 'operating system'],
  mac: ['mac', 'mac address'],
  port: ['port', 'ports'],
  protocol: ['protocol', 'proto'],
  service: ['service', 'svc name', 'service name'],
  path: ['path'],
  location: ['location'],
  parameter: ['parameter', 'param', 'vulnerable parameter'],
  evidence: ['evidence', 'proof', 'output', 'plugin output'],
};

/** Lower-cased, compatibility-normalised, every run of punctuation or spaces made one space. */
export function normaliseHeader(name: string): string {
  return name.normalize('NFKC').toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
}

/** For each role, the indexes of the columns that carry it, best first; and the columns with no role. */
export interface ColumnMap {
  roles: ReadonlyMap<Role, readonly number[]>;
  /** Indexes of the columns kept as custom fields (`extra`), under their names as written. */
  unknown: readonly number[];
}

export function mapColumns(columns: readonly string[]): ColumnMap {
  const normalised = columns.map(normaliseHeader);
  const roles = new Map<Role, number[]>();
  const known = new Set<number>();
  for (const [role, names] of Object.entries(NAMES) as [Role, readonly string[]][]) {
    const indexes = names.flatMap((name) => normalised.flatMap((header, index) => (header === name ? [index] : [])));
    if (indexes.length === 0) continue;
    roles.set(role, indexes);
    for (const index of indexes) known.add(index);
  }
  return { roles, unknown: columns.map((_, index) => index).filter((index) => !known.has(index)) };
}

/** Whether a header row names a title and a severity column: the mark of this format (sniff). */
export function looksLikeFindingsHeader(columns: readonly string[]): boolean {
  const { roles } = mapColumns(columns);
  return roles.has('title') && roles.has('severity');
}

/** The names accepted for a role, for error messages. */
export function namesFor(role: Role): readonly string[] {
  return NAMES[role];
}
