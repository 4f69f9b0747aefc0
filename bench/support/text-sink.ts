/**
 * Streaming output for the generators: text written with backpressure (we wait for 'drain'), so
 * a multi-gigabyte file never sits in memory, and the bytes written are counted.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { Writable } from 'node:stream';

export class TextSink {
  bytes = 0;

  constructor(private readonly out: Writable) {}

  async write(text: string): Promise<void> {
    this.bytes += Buffer.byteLength(text);
    if (!this.out.write(text)) await once(this.out, 'drain');
  }
}

/** Runs `render` against a new file at `path` and waits until every byte is on disk. */
export async function renderToFile<T>(path: string, render: (sink: TextSink) => Promise<T>): Promise<T & { bytes: number }> {
  const file = createWriteStream(path);
  const sink = new TextSink(file);
  const result = await render(sink);
  file.end();
  await once(file, 'finish');
  return { ...result, bytes: sink.bytes };
}
