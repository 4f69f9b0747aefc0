/**
 * Helpers for parser tests: feed a document in chosen chunk sizes, and collect what comes out.
 * Not used by production code.
 */
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import type { Parser } from '../contract.js';
import { ParseError } from '../parse-error.js';

/** The document's UTF-8 bytes in chunks of `size` bytes (1 splits every multi-byte character). */
export async function* byteChunks(text: string, size: number): AsyncGenerator<Buffer> {
  const bytes = Buffer.from(text, 'utf8');
  for (let start = 0; start < bytes.length; start += size) yield bytes.subarray(start, start + size);
}

export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

/** Parses the whole text with `parser`; fails the test unless that ends in a ParseError matching `message`. */
export async function rejectsWith(parser: Parser, text: string, message: RegExp): Promise<ParseError> {
  try {
    await collect(parser.parse(Readable.from([Buffer.from(text)])));
  } catch (err) {
    assert.ok(err instanceof ParseError, `expected a ParseError, got ${String(err)}`);
    assert.match(err.message, message);
    return err;
  }
  assert.fail('expected a ParseError');
}

/** The 1-based line on which `needle` first occurs in `text`. */
export const lineOf = (text: string, needle: string): number => text.slice(0, text.indexOf(needle)).split('\n').length;
