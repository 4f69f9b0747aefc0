/**
 * Helpers for parser tests: feed a document in chosen chunk sizes, and collect what comes out.
 * Not used by production code.
 */

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
