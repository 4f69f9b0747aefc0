/**
 * Picks the parser for an import from its source and the file's first bytes: `auto` detects the
 * format; a named source whose file plainly belongs to another tool fails at once, saying both.
 */
import { AppError } from '../errors/app-error.js';
import type { Parser } from '../parsers/contract.js';
import { describeHead } from '../parsers/describe-head.js';
import { AUTO_SOURCE, detectSource, getParser, listSources } from '../parsers/registry.js';

export interface ParserChoice {
  parser: Parser;
  /** False when the parser did not recognise the head: its errors then say what the file looks like. */
  recognised: boolean;
}

export function chooseParser(source: string, head: string): ParserChoice {
  if (source === AUTO_SOURCE) {
    const detected = detectSource(head);
    if (!detected) {
      throw new AppError(
        'FORMAT_UNKNOWN',
        `could not recognise the file's format: it looks like ${describeHead(head)}; formats recognised automatically: ${listSources().join(', ')}`,
      );
    }
    return { parser: getParser(detected)!, recognised: true };
  }
  const parser = getParser(source);
  if (!parser) throw new AppError('SOURCE_UNKNOWN', `no parser for source "${source}"`);
  if (parser.sniff(head)) return { parser, recognised: true };
  const other = detectSource(head);
  if (other && other !== parser.source) {
    throw new AppError(
      'FORMAT_MISMATCH',
      `expected ${parser.displayName} (source "${parser.source}"), but the file looks like ${getParser(other)!.displayName} (source "${other}")`,
    );
  }
  return { parser, recognised: false };
}

/** Error text for a parse failure of a file the parser did not recognise from its first bytes. */
export function unrecognisedFileMessage(parser: Parser, head: string, parseMessage: string): string {
  return `expected ${parser.displayName} (source "${parser.source}"), but the file looks like ${describeHead(head)}: ${parseMessage}`;
}
