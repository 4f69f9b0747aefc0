/**
 * Spec 1 sends tags as a JSON *string* `{"assets": [...], "findings": [...]}`; scripts also send the
 * object itself, or nothing. Anything else is a 400 naming what was wrong.
 */
import { AppError } from '../errors/app-error.js';

export interface ImportTags {
  assets: string[];
  findings: string[];
}

export function parseTags(raw: unknown): ImportTags {
  if (raw === undefined || raw === null || raw === '') return { assets: [], findings: [] };
  let value: unknown = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw);
    } catch (error) {
      throw new AppError('TAGS_INVALID', `tags must be a JSON string like {"assets":[],"findings":[]}; found ${JSON.stringify(raw.slice(0, 60))}`, { cause: error });
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new AppError('TAGS_INVALID', 'tags must be an object with "assets" and "findings" arrays');
  }
  const record = value as Record<string, unknown>;
  return { assets: tagList(record.assets, 'assets'), findings: tagList(record.findings, 'findings') };
}

function tagList(value: unknown, name: string): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || !value.every((t) => typeof t === 'string')) {
    throw new AppError('TAGS_INVALID', `tags.${name} must be an array of strings`);
  }
  return [...new Set(value.map((t: string) => t.trim()).filter((t) => t !== ''))];
}
