/**
 * The explicit list of scanner parsers: the `{source}` path segment selects one. Adding a tool
 * means adding its folder and one line here.
 */
import type { Parser } from './contract.js';
import { burpParser } from './burp/burp.parser.js';
import { nessusParser } from './nessus/nessus.parser.js';

const parsers: ReadonlyMap<string, Parser> = new Map<string, Parser>([
  [nessusParser.source, nessusParser],
  [burpParser.source, burpParser],
]);

/** The parser for a source name, or undefined when none is registered under it. */
export function getParser(source: string): Parser | undefined {
  return parsers.get(source);
}

/** Every registered source name, in registration order. */
export function listSources(): string[] {
  return [...parsers.keys()];
}

/**
 * The source whose parser recognises the first bytes of a file (for `source=auto`), or
 * undefined when none does. `head` should be the first few KiB, decoded as UTF-8.
 */
export function detectSource(head: string): string | undefined {
  for (const parser of parsers.values()) {
    if (parser.sniff(head)) return parser.source;
  }
  return undefined;
}
