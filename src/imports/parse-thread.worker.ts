/**
 * The worker-thread side of parse-thread.ts: pulls input chunks from the parent as the parser
 * wants them, runs the parser, drops repeated records here (they would cost a copy across the
 * threads for nothing), and sends the rest back in batches, waiting for credit when
 * BATCHES_IN_FLIGHT are not yet taken.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { getParser } from '../parsers/registry.js';
import type { ParsedRecord } from '../parsers/contract.js';
import { ParseError } from '../parsers/parse-error.js';
import { dropRepeats } from './repeat-detector.js';
import { BATCHES_IN_FLIGHT, BATCH_EVIDENCE_CHARS, CHUNKS_AHEAD, RECORDS_PER_BATCH, type FromThread, type ThreadParseRequest, type ToThread } from './parse-thread.js';

const port = parentPort!;
const { source } = workerData as ThreadParseRequest;

let credit = BATCHES_IN_FLIGHT;
let creditWaiter: (() => void) | undefined;
/** Input messages received and not yet parsed, and the parser waiting for the next one. */
const arrived: ToThread[] = [];
let inputWaiter: (() => void) | undefined;

port.on('message', (message: ToThread) => {
  if (message.type === 'credit') {
    credit++;
    creditWaiter?.();
    creditWaiter = undefined;
  } else {
    arrived.push(message);
    inputWaiter?.();
    inputWaiter = undefined;
  }
});

const send = (message: FromThread) => port.postMessage(message);

/**
 * The input, chunk by chunk. CHUNKS_AHEAD are asked for at the start and one more each time one is
 * taken, so the parent, busy staging records between its turns of the event loop, keeps this
 * thread supplied instead of answering one request at a time.
 */
async function* input(): AsyncGenerator<Buffer> {
  for (let i = 0; i < CHUNKS_AHEAD; i++) send({ type: 'pull' });
  for (;;) {
    while (arrived.length === 0) await new Promise<void>((resolve) => (inputWaiter = resolve));
    const message = arrived.shift()!;
    if (message.type !== 'chunk') return;
    send({ type: 'pull' });
    yield Buffer.from(message.chunk.buffer, message.chunk.byteOffset, message.chunk.byteLength);
  }
}

async function sendBatch(records: ParsedRecord[]): Promise<void> {
  while (credit === 0) await new Promise<void>((resolve) => (creditWaiter = resolve));
  credit--;
  send({ type: 'records', records });
}

async function run(): Promise<void> {
  const parser = getParser(source);
  if (!parser) throw new Error(`no parser for source "${source}"`);
  let batch: ParsedRecord[] = [];
  let evidenceChars = 0;
  for await (const record of dropRepeats(parser.parse(input()))) {
    batch.push(record);
    if (record.kind === 'evidence') evidenceChars += record.content.length;
    if (batch.length >= RECORDS_PER_BATCH || evidenceChars >= BATCH_EVIDENCE_CHARS) {
      await sendBatch(batch);
      batch = [];
      evidenceChars = 0;
    }
  }
  if (batch.length > 0) await sendBatch(batch);
  send({ type: 'done' });
}

// The port stays open after the end: the parent terminates the thread once it has every message.
run().catch((error: Error) => {
  const position = error instanceof ParseError ? error.position : undefined;
  send({ type: 'error', error: { name: error instanceof ParseError ? 'ParseError' : error.name, message: error.message, position } });
});
