/**
 * Drops finding and asset records that repeat the last one under their key: a Nessus plugin
 * repeats its whole text on every host it was found on, and the merge would only fold the copies
 * back into one. Links and evidence always pass.
 *
 * The check compares the parsed values themselves with the last ones kept for the key, before any
 * serialising or sanitising: a repeat then costs a comparison of strings the parser already made,
 * instead of a JSON serialisation, a sanitiser pass and a digest. What is kept is bounded by an
 * estimate of its size; once the budget is spent, records under keys not yet kept are always staged
 * (correct, only slower), while keys already kept keep being compared.
 */

import type { ParsedRecord } from '../parsers/contract.js';

/** Estimated bytes of records kept to recognise repeats; past this, new keys always pass. */
export const REPEAT_BUDGET_BYTES = 32 * 1024 * 1024;

/**
 * The records of `records` less the repeated findings and assets. Dropping them before parser
 * actions or staging changes nothing: both treat a record by its key and content alone.
 */
export async function* dropRepeats(records: AsyncIterable<ParsedRecord>, budgetBytes = REPEAT_BUDGET_BYTES): AsyncGenerator<ParsedRecord> {
  const detector = new RepeatDetector(budgetBytes);
  for await (const record of records) {
    if (record.kind === 'finding' && detector.repeats(`f:${record.key}`, record.data)) continue;
    if (record.kind === 'asset' && detector.repeats(`a:${record.key}`, record.data)) continue;
    yield record;
  }
}

/** Rough bytes held for a value: two per UTF-16 unit plus a little per slot. */
function estimateSize(value: unknown): number {
  if (typeof value === 'string') return 16 + value.length * 2;
  if (Array.isArray(value)) return value.reduce<number>((sum, item) => sum + estimateSize(item), 16);
  if (value !== null && typeof value === 'object') {
    let sum = 16;
    for (const key in value) sum += key.length * 2 + estimateSize((value as Record<string, unknown>)[key]);
    return sum;
  }
  return 8;
}

/** Equality of JSON-like values: the same primitives, arrays and plain objects, in any key order. */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameValue(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  let keys = 0;
  for (const key in left) {
    if (left[key] === undefined) continue;
    keys++;
    if (!sameValue(left[key], right[key])) return false;
  }
  for (const key in right) if (right[key] !== undefined) keys--;
  return keys === 0;
}

export class RepeatDetector {
  private readonly kept = new Map<string, { value: unknown; size: number }>();
  private keptBytes = 0;

  constructor(private readonly budgetBytes: number) {}

  /**
   * True when `value` equals the last value seen under `key` that was not a repeat; otherwise
   * remembers a copy of `value` and answers false.
   */
  repeats(key: string, value: unknown): boolean {
    const last = this.kept.get(key);
    if (last && sameValue(last.value, value)) return true;
    if (last) {
      this.keptBytes -= last.size;
      this.kept.delete(key);
    }
    const size = estimateSize(value);
    if (this.keptBytes + size <= this.budgetBytes) {
      this.keptBytes += size;
      // A copy: parsers' strings are often slices of a whole input chunk, which a kept slice
      // would keep alive with it.
      this.kept.set(key, { value: structuredClone(value), size });
    }
    return false;
  }
}
