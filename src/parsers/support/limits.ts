import type { ParseOptions } from '../contract.js';

/** Largest single token (text run, CDATA, attribute value, DTD) accepted by default: 64 MiB of characters. */
export const DEFAULT_MAX_TOKEN_CHARS = 64 * 1024 * 1024;
/** Deepest element nesting accepted by default; real scanner files stay under 10. */
export const DEFAULT_MAX_DEPTH = 256;

export interface ParseLimits {
  maxTokenChars: number;
  maxDepth: number;
}

/** Fills in the defaults, rejecting nonsense values early rather than parsing without a guard. */
export function resolveLimits(options: ParseOptions = {}): ParseLimits {
  return {
    maxTokenChars: positiveInteger('maxTokenChars', options.maxTokenChars ?? DEFAULT_MAX_TOKEN_CHARS),
    maxDepth: positiveInteger('maxDepth', options.maxDepth ?? DEFAULT_MAX_DEPTH),
  };
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new RangeError(`ParseOptions.${name} must be a positive integer, got ${value}`);
  }
  return value;
}
