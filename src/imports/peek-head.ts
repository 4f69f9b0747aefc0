/**
 * Reads the first bytes of a stream without losing them: returns them decoded as text, and an
 * iterable that yields the whole stream from its first byte.
 */
export async function peekHead(source: AsyncIterable<Buffer>, bytes: number): Promise<{ head: string; body: AsyncIterable<Buffer> }> {
  const iterator = source[Symbol.asyncIterator]();
  const buffered: Buffer[] = [];
  let size = 0;
  let done = false;
  while (size < bytes) {
    const next = await iterator.next();
    if (next.done) {
      done = true;
      break;
    }
    buffered.push(next.value);
    size += next.value.length;
  }
  // A multi-byte character cut at the end of the head decodes as U+FFFD; harmless for sniffing.
  const head = Buffer.concat(buffered).subarray(0, bytes).toString('utf8');
  async function* body(): AsyncGenerator<Buffer> {
    try {
      yield* buffered;
      if (done) return;
      for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
    } finally {
      await iterator.return?.();
    }
  }
  return { head, body: body() };
}
