/**
 * The explicit list of scanner parsers: the `{source}` path segment selects one, by its name or
 * one of its aliases. Adding a tool means adding its folder and one line here.
 */
import type { Parser } from './contract.js';
import { acunetixParser } from './acunetix/acunetix.parser.js';
import { burpParser } from './burp/burp.parser.js';
import { nessusParser } from './nessus/nessus.parser.js';
import { nexposeParser } from './nexpose/nexpose.parser.js';
import { niktoParser } from './nikto/nikto.parser.js';
import { nmapParser } from './nmap/nmap.parser.js';
import { nucleiParser } from './nuclei/nuclei.parser.js';
import { offlinecsvParser } from './offlinecsv/offlinecsv.parser.js';
import { openvasParser } from './openvas/openvas.parser.js';
import { qualysParser } from './qualys/qualys.parser.js';
import { sarifParser } from './sarif/sarif.parser.js';
import { zapParser } from './zap/zap.parser.js';

/** Registration order is also the order `auto` tries the parsers' `sniff`. */
const PARSERS: readonly Parser[] = [nessusParser, burpParser, qualysParser, openvasParser, zapParser, nmapParser, nexposeParser, acunetixParser,
  nucleiParser, sarifParser, niktoParser,
  // Last: a CSV header is the least specific signature.
  offlinecsvParser];

const byName: ReadonlyMap<string, Parser> = new Map(
  PARSERS.flatMap((parser) => [parser.source, ...(parser.aliases ?? [])].map((name) => [name, parser] as const)),
);

/** The source that asks Intake to recognise the format from the file's first bytes. */
export const AUTO_SOURCE = 'auto';

/** The parser for a source name or alias, or undefined when none is registered under it. */
export function getParser(source: string): Parser | undefined {
  return byName.get(source);
}

/** Every registered parser, in registration order. */
export function listParsers(): readonly Parser[] {
  return PARSERS;
}

/** Every registered canonical source name, in registration order. */
export function listSources(): string[] {
  return PARSERS.map((parser) => parser.source);
}

/**
 * The source whose parser recognises the first bytes of a file (for `source=auto`), or
 * undefined when none does. `head` should be the first few KiB, decoded as UTF-8.
 */
export function detectSource(head: string): string | undefined {
  return PARSERS.find((parser) => parser.sniff(head))?.source;
}
