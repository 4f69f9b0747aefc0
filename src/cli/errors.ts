/**
 * The CLI's two kinds of failure and their exit codes: a usage error (2) is the command line's
 * fault and is answered with a pointer to `--help`; a CliError (1) is anything that went wrong
 * after the command line was understood (server refused, import failed, file unreadable…).
 */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;
/** What shells report for a process stopped by Ctrl-C (128 + SIGINT). */
export const EXIT_INTERRUPTED = 130;

export class CliError extends Error {
  readonly exitCode: number;

  constructor(message: string, options: { exitCode?: number; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'CliError';
    this.exitCode = options.exitCode ?? EXIT_FAILURE;
  }
}

export class UsageError extends CliError {
  /** The command whose `--help` the message points to, if any. */
  readonly command?: string;

  constructor(message: string, command?: string) {
    super(message, { exitCode: EXIT_USAGE });
    this.name = 'UsageError';
    this.command = command;
  }
}
