/** PlexTrac's shapes of flaws (findings) and client assets (see docs/plextrac-compat.md). */
import type { AffectedAssetRow, AssetRow, FindingRow } from '../../db/repositories/findings.repository.js';
import type { FindingData as ParsedFindingData } from '../../parsers/contract.js';

/**
 * What a finding row's `data` holds: the parser's FindingData without the columns of its own,
 * plus what API clients set on manual or edited findings (flaw-input.ts).
 */
type FindingData = Omit<ParsedFindingData, 'title' | 'severity'> & {
  fields?: Record<string, unknown>;
  risk_score?: Record<string, unknown>;
  subStatus?: string;
  assignedTo?: string;
  visibility?: string;
  calculated_severity?: boolean;
};

/** A row of GET …/flaws: PlexTrac's positional `data` array. */
export function flawRowView(f: FindingRow) {
  const updated = f.updated_at.getTime();
  return {
    id: `flaw_${f.client_id}-${f.report_id}-${f.id}`,
    doc_id: [String(f.id)],
    data: [f.id, f.severity, f.title, f.status, updated, null, f.created_at.getTime(), null, updated, null, 'published', ''],
  };
}

export function flawView(f: FindingRow, affected: AffectedAssetRow[]) {
  const data = f.data as FindingData;
  return {
    flaw_id: f.id,
    client_id: f.client_id,
    report_id: f.report_id,
    doc_type: 'flaw',
    title: f.title,
    severity: f.severity,
    status: f.status,
    visibility: data.visibility ?? 'published',
    ...(data.subStatus !== undefined ? { subStatus: data.subStatus } : {}),
    ...(data.assignedTo !== undefined ? { assignedTo: data.assignedTo } : {}),
    ...(data.calculated_severity !== undefined ? { calculated_severity: data.calculated_severity } : {}),
    source: f.source,
    source_id: f.tool_key,
    description: data.description ?? '',
    recommendations: data.solution ?? '',
    references: (data.references ?? []).join('\n'),
    tags: f.tags,
    tool_severity: data.toolSeverity ?? null,
    first_seen: data.firstSeen ?? f.created_at.toISOString(),
    last_seen: data.lastSeen ?? f.updated_at.toISOString(),
    createdAt: f.created_at.getTime(),
    last_update: f.updated_at.getTime(),
    common_identifiers: {
      CVE: (data.cves ?? []).map(cveView),
      CWE: (data.cwes ?? []).map(cweView),
    },
    risk_score: data.risk_score ?? {
      CVSS3: data.cvssV3Score !== undefined ? { overall: data.cvssV3Score, vector: data.cvssV3Vector ?? '' } : undefined,
      CVSS2: data.cvssV2Score !== undefined ? { overall: data.cvssV2Score, vector: data.cvssV2Vector ?? '' } : undefined,
    },
    // A tool's extra data, then fields set through the API (PlexTrac's {key: {label, value}}).
    fields: {
      ...Object.fromEntries(Object.entries(data.extra ?? {}).map(([key, value]) => [key, { label: key, value }])),
      ...(data.fields ?? {}),
    },
    affected_assets: Object.fromEntries(affected.map((a) => [String(a.id), affectedAssetView(a)])),
  };
}

function affectedAssetView(a: AffectedAssetRow) {
  return { ...assetView(a), ports: portsOf(a.details), locations: locationsOf(a.details), evidence: a.evidence };
}

export function assetView(a: AssetRow) {
  const d = a.data as { name?: string; ip?: string; hostname?: string; fqdn?: string; os?: string; mac?: string };
  return {
    id: String(a.id),
    asset: d.name ?? a.identity,
    type: 'General',
    client_id: a.client_id,
    doc_type: 'client_asset',
    knownIps: d.ip ? [d.ip] : [],
    hostname: d.hostname ?? '',
    host_fqdn: d.fqdn ?? '',
    mac_address: d.mac ?? '',
    operating_system: d.os ? [d.os] : [],
    tags: a.tags,
    createdAt: a.created_at.getTime(),
    created: a.created_at.toISOString(),
  };
}

/** PlexTrac keys ports by number: {"443": {number, protocol, service}}. */
function portsOf(details: unknown[]): Record<string, { number: string; protocol: string; service: string }> {
  const ports: Record<string, { number: string; protocol: string; service: string }> = {};
  for (const detail of details as Record<string, unknown>[]) {
    const port = detail?.port;
    if (port === undefined || port === null || String(port) === '0' || String(port) === '') continue;
    ports[String(port)] = { number: String(port), protocol: String(detail.protocol ?? ''), service: String(detail.svc_name ?? detail.service ?? '') };
  }
  return ports;
}

/** Web findings (Burp) are located by path rather than by port. */
function locationsOf(details: unknown[]): string[] {
  const paths = (details as Record<string, unknown>[]).map((d) => d?.location ?? d?.path).filter((p): p is string => typeof p === 'string');
  return [...new Set(paths)];
}

function cveView(id: string) {
  const match = /^CVE-(\d{4})-(\d+)$/i.exec(id);
  return { name: id.toUpperCase(), year: match ? Number(match[1]) : null, id: match ? Number(match[2]) : null, link: `https://www.cve.org/CVERecord?id=${id.toUpperCase()}` };
}

function cweView(id: string) {
  const number = Number(String(id).replace(/^CWE-/i, ''));
  return { name: `CWE-${number}`, id: number, link: `https://cwe.mitre.org/data/definitions/${number}.html` };
}
