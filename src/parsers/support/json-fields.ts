/**
 * Careful readers for fields of a parsed JSON record. Scanner JSON varies by version (a field may
 * be a string in one release and a list in the next, or null), so mappings ask for "the text of"
 * or "the texts of" a field instead of trusting its type.
 */

export type JsonObject = Record<string, unknown>;

/** A JSON object (not null, not an array). */
export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The member `key` when it is an object. */
export function objectAt(parent: unknown, key: string): JsonObject | undefined {
  if (!isJsonObject(parent) || !Object.hasOwn(parent, key)) return undefined;
  const value = parent[key];
  return isJsonObject(value) ? value : undefined;
}

/** The member `key` of an object, own members only (never inherited ones such as `constructor`). */
export function memberOf(parent: unknown, key: string): unknown {
  return isJsonObject(parent) && Object.hasOwn(parent, key) ? parent[key] : undefined;
}

/** A string (trimmed), number or boolean as text; undefined for blank, null, objects and arrays. */
export function textOf(value: unknown): string | undefined {
  if (typeof value === 'string') {
    const text = value.trim();
    return text === '' ? undefined : text;
  }
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'boolean') return String(value);
  return undefined;
}

/** The text of the first of `keys` that has one. */
export function firstText(parent: unknown, ...keys: string[]): string | undefined {
  for (const key of keys) {
    const text = textOf(memberOf(parent, key));
    if (text !== undefined) return text;
  }
  return undefined;
}

/** The texts of a field that may be one value or a list of them (null and blanks dropped). */
export function textsOf(value: unknown): string[] {
  const items = Array.isArray(value) ? value : [value];
  const texts: string[] = [];
  for (const item of items) {
    const text = textOf(item);
    if (text !== undefined) texts.push(text);
  }
  return texts;
}

/** A number, or a numeric string, as a finite number. */
export function numberOf(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  const text = textOf(value);
  if (text === undefined || !/^[-+]?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(text)) return undefined;
  return Number(text);
}

/** An ISO 8601 UTC timestamp from a date text, or undefined when it is not a date. */
export function isoTimestamp(value: unknown): string | undefined {
  const text = textOf(value);
  if (text === undefined) return undefined;
  const time = Date.parse(text);
  return Number.isNaN(time) ? undefined : new Date(time).toISOString();
}

/** The object, or undefined when it has no members (optional `extra` objects stay absent rather than `{}`). */
export function nonEmptyObject<T extends object>(value: T): T | undefined {
  return Object.keys(value).length > 0 ? value : undefined;
}
