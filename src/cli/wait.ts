/**
 * Following a job until it ends: poll with a growing interval (quick at first, then once a second
 * at most, so short jobs end quickly and long ones do not hammer the API), report each answer,
 * and on Ctrl-C stop waiting with a note that the job carries on on the server.
 */
import type { Terminal } from './terminal.js';
import { EXIT_INTERRUPTED } from './errors.js';

export interface PollOptions<T> {
  fetch: () => Promise<T>;
  isDone: (value: T) => boolean;
  onUpdate: (value: T) => void;
  sleep: (ms: number) => Promise<void>;
  firstIntervalMs?: number;
  maxIntervalMs?: number;
}

export async function pollUntilDone<T>(options: PollOptions<T>): Promise<T> {
  let interval = options.firstIntervalMs ?? 200;
  const max = options.maxIntervalMs ?? 1000;
  for (;;) {
    const value = await options.fetch();
    options.onUpdate(value);
    if (options.isDone(value)) return value;
    await options.sleep(interval);
    interval = Math.min(max, Math.round(interval * 1.5));
  }
}

/**
 * Runs `work`; a Ctrl-C meanwhile calls `cleanUp` (erase the progress line), prints `message` and
 * exits 130 — the server-side job is not affected.
 */
export async function interruptible<T>(terminal: Terminal, message: () => string, cleanUp: () => void, work: () => Promise<T>): Promise<T> {
  const onInterrupt = () => {
    cleanUp();
    terminal.stderr.write(`\n${message()}\n`);
    process.exit(EXIT_INTERRUPTED);
  };
  process.once('SIGINT', onInterrupt);
  try {
    return await work();
  } finally {
    process.off('SIGINT', onInterrupt);
  }
}

/** Without progress bars: one stderr line each time the status changes. */
export class StatusLines {
  private last: string | undefined;

  constructor(
    private readonly terminal: Terminal,
    private readonly prefix: string,
  ) {}

  report(status: string): void {
    if (this.terminal.progress || status === this.last) return;
    this.last = status;
    this.terminal.stderr.write(`${this.prefix}: ${status}\n`);
  }
}
