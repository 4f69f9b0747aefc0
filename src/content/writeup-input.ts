/**
 * A writeup (reusable finding text in WriteupsDB) from the JSON clients send to
 * POST /api/v1/template/create: PlexTrac's copy-to-WriteupsDB sends the finding object a GET of
 * the flaw returned, plus the target repository's id. Finding-only members (flaw_id,
 * affected_assets, status, dates…) are dropped; rich text is sanitised.
 */
import { AppError } from '../errors/app-error.js';
import { sanitizeRichText } from '../imports/rich-text.js';
import type { Severity } from '../parsers/contract.js';
import { severityOf } from './flaw-input.js';

export interface WriteupInput {
  repositoryId: string;
  title: string;
  severity: Severity;
  tags: string[];
  /** description, recommendations, references, fields, common_identifiers, risk_score, source… */
  data: Record<string, unknown>;
}

/** PlexTrac's documentation spells the member `repositoryID`; its responses say `repositoryId`. */
const REPOSITORY_MEMBERS = ['repositoryId', 'repositoryID', 'repository_id'] as const;

export function writeupInput(body: Record<string, unknown>): WriteupInput {
  const repository = REPOSITORY_MEMBERS.map((m) => body[m]).find((v) => v !== undefined && v !== null && v !== '');
  if (typeof repository !== 'string') {
    throw new AppError('VALIDATION_FAILED', `repositoryId must name the WriteupsDB repository (its CUID); found ${repository === undefined ? 'nothing' : JSON.stringify(repository)}`);
  }
  const title = typeof body.title === 'string' ? body.title.trim() : '';
  if (!title) throw new AppError('VALIDATION_FAILED', 'title must be a non-empty string');
  if (typeof body.severity !== 'string') throw new AppError('VALIDATION_FAILED', `severity must be a string; found ${JSON.stringify(body.severity)}`);
  const data: Record<string, unknown> = {
    description: richText(body.description, 'description'),
    recommendations: richText(body.recommendations, 'recommendations'),
    references: richText(Array.isArray(body.references) ? body.references.join('\n') : body.references, 'references'),
    source: typeof body.source === 'string' && body.source ? body.source : 'Custom',
  };
  if (isObject(body.fields)) data.fields = sanitizeDeep(body.fields);
  if (isObject(body.common_identifiers)) data.common_identifiers = plainJson(body.common_identifiers);
  if (isObject(body.risk_score)) data.risk_score = plainJson(body.risk_score);
  if (typeof body.calculated_severity === 'boolean') data.calculated_severity = body.calculated_severity;
  return { repositoryId: repository, title, severity: severityOf(body.severity), tags: tagsOf(body.tags), data };
}

function richText(value: unknown, name: string): string {
  if (value === undefined || value === null) return '';
  if (typeof value !== 'string') throw new AppError('VALIDATION_FAILED', `${name} must be a string; found ${JSON.stringify(value)}`);
  return sanitizeRichText(value);
}

/** Tags as an array or, as PlexTrac's docs describe them for writeups, one comma-separated string. */
function tagsOf(value: unknown): string[] {
  const list = typeof value === 'string' ? value.split(',') : Array.isArray(value) ? value.filter((t): t is string => typeof t === 'string') : [];
  return [...new Set(list.map((t) => t.trim()).filter(Boolean))].sort();
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function sanitizeDeep(value: unknown): unknown {
  if (typeof value === 'string') return sanitizeRichText(value);
  if (Array.isArray(value)) return value.map(sanitizeDeep);
  if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, sanitizeDeep(v)]));
  return value;
}

/** Drops what JSON would not keep (undefined, functions) by a round trip. */
function plainJson(value: Record<string, unknown>): unknown {
  return JSON.parse(JSON.stringify(value));
}
