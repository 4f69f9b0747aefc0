/** Small value normalisers shared by parsers, so every tool spells CWEs, scores and lists alike. */

/** A copy without the undefined members, so records compare and serialise cleanly. */
export function compact<T extends object>(value: T): T {
  // A plain loop: this runs for every record of a file, and entries/fromEntries cost 4× more.
  const out: Record<string, unknown> = {};
  for (const key in value) {
    const member = value[key];
    if (member !== undefined) out[key] = member;
  }
  return out as T;
}

/** Distinct values in first-seen order. */
export function unique(values: Iterable<string>): string[] {
  return [...new Set(values)];
}

/** An array, or undefined when empty (optional list fields stay absent rather than `[]`). */
export function nonEmpty<T>(values: T[]): T[] | undefined {
  return values.length > 0 ? values : undefined;
}

/** `79`, `CWE-79`, `CWE:79`, `cwe 79` → `CWE-79`; anything else → undefined. */
export function normaliseCwe(raw: string): string | undefined {
  const match = /^\s*(?:cwe[\s:-]*)?(\d+)\s*$/i.exec(raw);
  return match ? `CWE-${Number(match[1])}` : undefined;
}

/** Every `CWE-nnn` mentioned in a free text (HTML lists of classifications, for instance). */
export function cwesInText(text: string): string[] {
  return unique([...text.matchAll(/\bCWE-(\d+)\b/gi)].map((m) => `CWE-${Number(m[1])}`));
}

/** A finite decimal score (CVSS), or undefined when absent or not a number. */
export function parseScore(raw: string | undefined): number | undefined {
  if (raw === undefined || raw.trim() === '') return undefined;
  const value = Number(raw.trim());
  return Number.isFinite(value) ? value : undefined;
}

/** A non-negative integer (a port), or undefined. */
export function parseWholeNumber(raw: string | undefined): number | undefined {
  if (raw === undefined || !/^\s*\d+\s*$/.test(raw)) return undefined;
  return Number(raw.trim());
}
