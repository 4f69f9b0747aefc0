/** What every CLI command is: a name, its help text, and a run function returning the exit code. */
import type { Terminal } from './terminal.js';

export interface CommandContext {
  terminal: Terminal;
  now(): Date;
  sleep(ms: number): Promise<void>;
}

export interface Command {
  name: string;
  /** One line for `intake --help`. */
  summary: string;
  /** The whole `intake <name> --help` text: usage, options, examples. */
  help: string;
  run(args: string[], context: CommandContext): Promise<number>;
}

/** Writes a value as pretty JSON on stdout (the `--json` contract: one JSON document). */
export function printJson(terminal: Terminal, value: unknown): void {
  terminal.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Prints a command's help on stdout (asked-for help is output, not an error). */
export function printHelp(terminal: Terminal, text: string): number {
  terminal.stdout.write(`${text}\n`);
  return 0;
}
