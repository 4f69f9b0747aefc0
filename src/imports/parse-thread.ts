/**
 * Runs a parser in a worker thread, so that tokenizing and building records (about two thirds of
 * an import's JavaScript time) use one core while this thread stages the records into PostgreSQL.
 *
 * Flow control both ways keeps memory bounded: the thread asks for input a few chunks ahead of its
 * parser (CHUNKS_AHEAD), and it sends records in batches (RECORDS_PER_BATCH, or fewer when their
 * evidence reaches BATCH_EVIDENCE_CHARS), with at most BATCHES_IN_FLIGHT batches not yet taken by
 * the consumer. A parse error crosses back as a ParseError with the same message
 * and position; stopping early (the consumer returns or throws) ends the thread.
 */
import { Worker } from 'node:worker_threads';
import type { ParsedRecord } from '../parsers/contract.js';
import { ParseError, type ParsePosition } from '../parsers/parse-error.js';

/** Records per message: large enough that messaging costs little, small enough to stay light. */
export const RECORDS_PER_BATCH = 256;
/**
 * A batch is also cut once its evidence holds this many characters: evidence bodies can be
 * megabytes each, and what is in flight must stay bounded in bytes, not only in records.
 */
export const BATCH_EVIDENCE_CHARS = 2 * 1024 * 1024;
/** Batches the thread may send ahead of the consumer. */
export const BATCHES_IN_FLIGHT = 8;
/** Input chunks the thread asks for ahead of its parser (a few MB at most). */
export const CHUNKS_AHEAD = 8;

/** Messages from the thread. */
export type FromThread =
  | { type: 'pull' }
  | { type: 'records'; records: ParsedRecord[] }
  | { type: 'done' }
  | { type: 'error'; error: { name: string; message: string; position?: ParsePosition } };

/** Messages to the thread. */
export type ToThread = { type: 'chunk'; chunk: Uint8Array } | { type: 'end' } | { type: 'credit' };

export interface ThreadParseRequest {
  source: string;
}

const WORKER_FILE = new URL('./parse-thread.worker.js', import.meta.url);

/**
 * Parses `input` with the parser of `source` in a worker thread, yielding its records in order,
 * less repeated findings and assets (as `dropRepeats` does).
 */
export async function* parseInThread(source: string, input: AsyncIterable<Buffer>): AsyncGenerator<ParsedRecord> {
  const worker = new Worker(WORKER_FILE, { workerData: { source } satisfies ThreadParseRequest });
  const inputIterator = input[Symbol.asyncIterator]();
  const batches: ParsedRecord[][] = [];
  let finished = false;
  let failure: Error | undefined;
  let wake: (() => void) | undefined;
  const notify = () => {
    wake?.();
    wake = undefined;
  };
  let feeding = Promise.resolve();
  let ended = false;

  const feed = async () => {
    try {
      const next = await inputIterator.next();
      if (next.done) {
        if (!ended) worker.postMessage({ type: 'end' } satisfies ToThread);
        ended = true;
        return;
      }
      // A copy the thread can own: stream chunks often share one pooled ArrayBuffer.
      const chunk = new Uint8Array(next.value);
      worker.postMessage({ type: 'chunk', chunk } satisfies ToThread, [chunk.buffer]);
    } catch (error) {
      failure ??= error as Error;
      notify();
    }
  };

  worker.on('message', (message: FromThread) => {
    switch (message.type) {
      case 'pull':
        // One read at a time, in order.
        feeding = feeding.then(feed);
        break;
      case 'records':
        batches.push(message.records);
        notify();
        break;
      case 'done':
        finished = true;
        notify();
        break;
      case 'error':
        failure ??= rebuildError(message.error);
        notify();
        break;
    }
  });
  worker.on('error', (error) => {
    failure ??= error;
    notify();
  });
  worker.on('exit', (code) => {
    if (!finished) failure ??= new Error(`the parser thread stopped unexpectedly (exit code ${code})`);
    notify();
  });

  try {
    for (;;) {
      const batch = batches.shift();
      if (batch) {
        worker.postMessage({ type: 'credit' } satisfies ToThread);
        yield* batch;
        continue;
      }
      if (failure) throw failure;
      if (finished) return;
      await new Promise<void>((resolve) => (wake = resolve));
    }
  } finally {
    await worker.terminate();
    await feeding.catch(() => {});
    await inputIterator.return?.();
  }
}

/** The thread's error, as the caller would have seen it had the parser run here. */
function rebuildError(error: { name: string; message: string; position?: ParsePosition }): Error {
  if (error.name !== 'ParseError') return Object.assign(new Error(error.message), { name: error.name });
  // The message already names the position: keep it as it is rather than have it appended again.
  const rebuilt = new ParseError(error.message);
  Object.defineProperty(rebuilt, 'position', { value: error.position ?? {} });
  Object.defineProperty(rebuilt, 'details', { value: { ...error.position } });
  return rebuilt;
}
