/**
 * Turns a PlexTrac finding ("flaw") object, as clients send it to create or update a finding, into
 * what Intake stores: the columns (title, severity, status, tags) and the parts of the `data`
 * document the finding view reads back. Rich-text fields are sanitised here, on write. Read-only
 * members a client echoes back from a GET (flaw_id, affected_assets, createdAt…) are ignored.
 */
import { AppError } from '../errors/app-error.js';
import { sanitizeRichText } from '../imports/rich-text.js';
import type { Severity } from '../parsers/contract.js';

export const SEVERITIES: readonly Severity[] = ['Critical', 'High', 'Medium', 'Low', 'Informational'];
export const STATUSES = ['Open', 'In Process', 'Closed'] as const;
export type FlawStatus = (typeof STATUSES)[number];

/** Members of a flaw object kept as they are (plain values, no markup). */
const PLAIN_MEMBERS = ['subStatus', 'assignedTo', 'visibility', 'calculated_severity', 'risk_score'] as const;

export interface FlawBody {
  title?: string;
  severity?: string;
  status?: string;
  description?: string;
  recommendations?: string;
  references?: string | string[];
  tags?: string[];
  fields?: Record<string, unknown>;
  common_identifiers?: { CVE?: unknown[]; CWE?: unknown[] };
  [member: string]: unknown;
}

export interface FlawWrite {
  title?: string;
  severity?: Severity;
  status?: FlawStatus;
  tags?: string[];
  /** Members of the finding's `data` document to set (absent ones are left as they are). */
  data: Record<string, unknown>;
}

export function flawWrite(body: FlawBody): FlawWrite {
  const write: FlawWrite = { data: {} };
  if (body.title !== undefined) {
    const title = body.title.trim();
    if (!title) throw new AppError('VALIDATION_FAILED', 'title must not be empty');
    write.title = title;
  }
  if (body.severity !== undefined) write.severity = severityOf(body.severity);
  if (body.status !== undefined) write.status = statusOf(body.status);
  if (body.tags !== undefined) write.tags = [...new Set(body.tags.map((t) => t.trim()).filter(Boolean))].sort();
  const data = write.data;
  if (body.description !== undefined) data.description = sanitizeRichText(body.description);
  if (body.recommendations !== undefined) data.solution = sanitizeRichText(body.recommendations);
  if (body.references !== undefined) {
    const refs = Array.isArray(body.references) ? body.references : [body.references];
    data.references = refs.map(sanitizeRichText).filter((r) => r.trim() !== '');
  }
  if (body.common_identifiers?.CVE !== undefined) data.cves = identifierNames(body.common_identifiers.CVE, 'CVE');
  if (body.common_identifiers?.CWE !== undefined) data.cwes = identifierNames(body.common_identifiers.CWE, 'CWE');
  if (body.fields !== undefined) data.fields = sanitizedFields(body.fields);
  for (const member of PLAIN_MEMBERS) if (body[member] !== undefined) data[member] = body[member];
  return write;
}

export function severityOf(value: string): Severity {
  const found = SEVERITIES.find((s) => s.toLowerCase() === value.trim().toLowerCase());
  if (!found) throw new AppError('VALIDATION_FAILED', `severity must be one of ${SEVERITIES.join(', ')}; found "${value}"`);
  return found;
}

function statusOf(value: string): FlawStatus {
  const wanted = value.trim().toLowerCase();
  // Some clients spell PlexTrac's "In Process" as "In Progress".
  const found = wanted === 'in progress' ? 'In Process' : STATUSES.find((s) => s.toLowerCase() === wanted);
  if (!found) throw new AppError('VALIDATION_FAILED', `status must be one of ${STATUSES.join(', ')}; found "${value}"`);
  return found;
}

/** `[{name: "CVE-2021-44228", …}]` or `["CVE-2021-44228"]` → the names, upper-cased, unique. */
function identifierNames(items: unknown[], kind: 'CVE' | 'CWE'): string[] {
  const names = items.map((item, index) => {
    const raw = typeof item === 'string' || typeof item === 'number' ? String(item) : (item as { name?: unknown } | null)?.name ?? (item as { id?: unknown } | null)?.id;
    const name = typeof raw === 'string' || typeof raw === 'number' ? String(raw).trim().toUpperCase() : '';
    const ok = kind === 'CVE' ? /^CVE-\d{4}-\d{4,}$/.test(name) : /^(CWE-)?\d+$/.test(name);
    if (!ok) {
      throw new AppError('VALIDATION_FAILED', `common_identifiers.${kind}[${index}] must name a ${kind} like ${kind === 'CVE' ? 'CVE-2021-44228' : 'CWE-79'}; found ${JSON.stringify(item)}`);
    }
    return kind === 'CWE' && !name.startsWith('CWE-') ? `CWE-${name}` : name;
  });
  return [...new Set(names)];
}

/** PlexTrac's `fields`: `{key: {label, value, …}}`; string values are rich text. */
function sanitizedFields(fields: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(fields)) {
    if (field === null || typeof field !== 'object' || Array.isArray(field)) {
      throw new AppError('VALIDATION_FAILED', `fields.${key} must be an object {label, value}; found ${JSON.stringify(field)}`);
    }
    out[key] = sanitizeStrings(field);
  }
  return out;
}

function sanitizeStrings(value: unknown): unknown {
  if (typeof value === 'string') return sanitizeRichText(value);
  if (Array.isArray(value)) return value.map(sanitizeStrings);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, sanitizeStrings(v)]));
  return value;
}
