import type { ByteSource } from '../contract.js';

/**
 * Pieces handed to a tokenizer are cut to this size so that one huge source chunk (a caller may
 * pass a whole file as one Buffer) never produces an unbounded burst of events at once.
 */
export const MAX_PIECE_CHARS = 64 * 1024;

/**
 * Turns a byte source into text pieces of at most `maxPieceChars` characters, decoding UTF-8
 * correctly when a multi-byte character is split across source chunks (the streaming decoder
 * keeps the incomplete tail for the next chunk). Pulls the next source chunk only when the
 * consumer asks for more, so a Readable source keeps its backpressure.
 *
 * TextDecoder rather than StringDecoder: a third faster on large files (measured 2026-11-28), and
 * decoding runs on the thread that bounds an import. `ignoreBOM` keeps a byte order mark in the
 * text, as StringDecoder did; bytes that are not UTF-8 become U+FFFD either way.
 */
export async function* textChunks(input: ByteSource, maxPieceChars = MAX_PIECE_CHARS): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
  for await (const chunk of input as AsyncIterable<Buffer | Uint8Array | string>) {
    // A string chunk (Readable with setEncoding, or a test) is already text; flush any bytes
    // still pending from a previous Buffer chunk first so the order is kept.
    const text = typeof chunk === 'string' ? decoder.decode() + chunk : decoder.decode(chunk, { stream: true });
    yield* slices(text, maxPieceChars);
  }
  yield* slices(decoder.decode(), maxPieceChars);
}

function* slices(text: string, size: number): Generator<string> {
  // Cutting may split a surrogate pair; the XML tokenizer carries a trailing high surrogate
  // over to the next piece, so that is safe.
  for (let start = 0; start < text.length; start += size) yield text.slice(start, start + size);
}
