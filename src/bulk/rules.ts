/**
 * Field rules for bulk objects, with failure reasons in the spec's style:
 * "The 'value' field cannot be null." Each rule returns the value or throws an ObjectInvalid.
 */
export class ObjectInvalid extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'ObjectInvalid';
  }
}

export type Fields = Record<string, unknown>;

function present(fields: Fields, name: string): boolean {
  return Object.prototype.hasOwnProperty.call(fields, name) && fields[name] !== undefined;
}

export function requiredString(fields: Fields, name: string, maxLength = 500): string {
  if (!present(fields, name)) throw new ObjectInvalid(`The '${name}' field is required.`);
  return checkString(fields[name], name, maxLength);
}

export function optionalString(fields: Fields, name: string, maxLength = 100_000): string | undefined {
  if (!present(fields, name) || fields[name] === null) return undefined;
  return checkString(fields[name], name, maxLength, true);
}

function checkString(value: unknown, name: string, maxLength: number, allowEmpty = false): string {
  if (value === null) throw new ObjectInvalid(`The '${name}' field cannot be null.`);
  if (typeof value !== 'string') throw new ObjectInvalid(`The '${name}' field must be a string; found ${typeName(value)}.`);
  const trimmed = value.trim();
  if (!allowEmpty && trimmed === '') throw new ObjectInvalid(`The '${name}' field cannot be empty.`);
  if (trimmed.length > maxLength) throw new ObjectInvalid(`The '${name}' field must be at most ${maxLength} characters long.`);
  return trimmed;
}

export function requiredId(fields: Fields, name: string): number {
  if (!present(fields, name)) throw new ObjectInvalid(`The '${name}' field is required.`);
  const value = fields[name];
  if (value === null) throw new ObjectInvalid(`The '${name}' field cannot be null.`);
  const number = typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isSafeInteger(number) || number < 1) {
    throw new ObjectInvalid(`The '${name}' field must be a positive integer; found ${JSON.stringify(value)}.`);
  }
  return number;
}

export function optionalStringList(fields: Fields, name: string, maxItems = 1000): string[] {
  if (!present(fields, name) || fields[name] === null) return [];
  const value = fields[name];
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list) || !list.every((item) => typeof item === 'string')) {
    throw new ObjectInvalid(`The '${name}' field must be an array of strings.`);
  }
  if (list.length > maxItems) throw new ObjectInvalid(`The '${name}' field may hold at most ${maxItems} items.`);
  return [...new Set(list.map((item) => item.trim()).filter((item) => item !== ''))];
}

export function oneOf<T extends string>(fields: Fields, name: string, allowed: readonly T[], fallback?: T): T {
  if (!present(fields, name) || fields[name] === null) {
    if (fallback !== undefined) return fallback;
    throw new ObjectInvalid(`The '${name}' field is required.`);
  }
  const value = fields[name];
  const match = typeof value === 'string' ? allowed.find((a) => a.toLowerCase() === value.trim().toLowerCase()) : undefined;
  if (!match) throw new ObjectInvalid(`The '${name}' field must be one of ${allowed.join(', ')}; found ${JSON.stringify(value)}.`);
  return match;
}

export function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
