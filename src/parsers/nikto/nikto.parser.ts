/**
 * Nikto web server scanner reports, XML (`-Format xml`, see nikto.xml.ts) or JSON (`-Format json`,
 * see nikto.json.ts); the first significant byte of the file tells which (`<` or `{`/`[`).
 *
 * Identity (chosen for this project; DESIGN.md has no Nikto rule yet):
 * - finding key = the Nikto test id (`<item id=…>`, JSON `id`), e.g. `999986`;
 * - asset key = the scanned web server as an origin `scheme://host:port`, lower-cased: from the
 *   XML `<scandetails sitename=…>` (its port, else `targetport`), or for JSON from `host` and
 *   `port` with scheme https for ports 443/8443 and http otherwise. Every scanned site is an asset,
 *   even when no test reported anything on it.
 * - link detail: method, path, URL (by name and by IP), OSVDB id, and the Nikto message with the
 *   URL as `detail.evidence`. No evidence records. Nikto rates nothing: all findings are
 *   Informational.
 */
import type { ByteSource, ParseOptions, ParsedRecord, Parser } from '../contract.js';
import { ParseError } from '../parse-error.js';
import { niktoJsonRecords } from './nikto.json.js';
import { niktoXmlRecords } from './nikto.xml.js';

export const niktoParser: Parser = {
  source: 'nikto',
  displayName: 'Nikto web server scanner (XML or JSON)',
  fileTypes: ['.xml', '.json'],
  sniff: (head) =>
    /<!DOCTYPE\s+niktoscans?[\s[>]|<niktoscans?[\s>/]/.test(head) ||
    (/^\uFEFF?\s*[[{]/.test(head) && /"vulnerabilities"\s*:/.test(head) && /"host"\s*:/.test(head) && /"(?:banner|OSVDB)"\s*:/.test(head)),
  parse: parseNikto,
};

async function* parseNikto(input: ByteSource, options?: ParseOptions): AsyncGenerator<ParsedRecord> {
  const { first, rest, close } = await firstSignificantChar(input);
  if (first === '<') {
    yield* niktoXmlRecords(rest, options);
  } else if (first === '{' || first === '[') {
    yield* niktoJsonRecords(rest, options);
  } else {
    await close();
    if (first === undefined) throw new ParseError('empty file: expected a Nikto XML or JSON report', { line: 1, column: 1 });
    throw new ParseError(`expected a Nikto XML or JSON report, but the file starts with ${JSON.stringify(first)}`, { line: 1, column: 1 });
  }
}

const SKIPPED_BYTES = new Set([0x20, 0x09, 0x0a, 0x0d, 0xef, 0xbb, 0xbf]); // whitespace and the UTF-8 byte order mark

/**
 * Reads just enough of the source to see its first character that is not whitespace or a byte
 * order mark, and gives back a source that replays what was read before the rest.
 */
async function firstSignificantChar(input: ByteSource): Promise<{
  first: string | undefined;
  rest: AsyncIterable<Buffer | string>;
  /** Releases the source when `rest` will not be read. */
  close: () => Promise<unknown>;
}> {
  const iterator = (input as AsyncIterable<Buffer | string>)[Symbol.asyncIterator]();
  const held: (Buffer | string)[] = [];
  let first: string | undefined;
  while (first === undefined) {
    const next = await iterator.next();
    if (next.done) break;
    held.push(next.value);
    first = significantChar(next.value);
  }
  async function* rest(): AsyncGenerator<Buffer | string> {
    try {
      yield* held.splice(0);
      for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
    } finally {
      await iterator.return?.();
    }
  }
  return { first, rest: rest(), close: async () => iterator.return?.() };
}

function significantChar(chunk: Buffer | string): string | undefined {
  if (typeof chunk === 'string') return /[^\s\uFEFF]/.exec(chunk)?.[0];
  for (const byte of chunk) {
    if (!SKIPPED_BYTES.has(byte)) return String.fromCharCode(byte);
  }
  return undefined;
}
