/**
 * Where the CLI writes and how: results go to stdout, everything for the human (progress, prompts,
 * errors, hints) to stderr, so `--json` output can be piped. Colour and redrawn progress lines
 * are used only on a terminal and never when NO_COLOR is set (https://no-color.org) or TERM=dumb.
 */
export interface OutputStream {
  write(chunk: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export type Style = 'bold' | 'dim' | 'red' | 'green' | 'yellow' | 'cyan';

const CODES: Record<Style, [number, number]> = {
  bold: [1, 22],
  dim: [2, 22],
  red: [31, 39],
  green: [32, 39],
  yellow: [33, 39],
  cyan: [36, 39],
};

export interface Terminal {
  stdout: OutputStream;
  stderr: OutputStream;
  stdin: NodeJS.ReadStream;
  env: NodeJS.ProcessEnv;
  /** Progress bars and spinners redraw one stderr line; otherwise status changes are plain lines. */
  progress: boolean;
  /** Colours `text` for stdout (when stdout is a colour terminal). */
  paint(style: Style, text: string): string;
  /** Colours `text` for stderr (when stderr is a colour terminal). */
  paintErr(style: Style, text: string): string;
}

/** True when a stream may carry ANSI escapes: a TTY, NO_COLOR unset or empty, TERM not "dumb". */
export function allowsEscapes(stream: OutputStream, env: NodeJS.ProcessEnv): boolean {
  if (!stream.isTTY) return false;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  return env.TERM !== 'dumb';
}

export function painter(enabled: boolean): (style: Style, text: string) => string {
  if (!enabled) return (_style, text) => text;
  return (style, text) => `\x1b[${CODES[style][0]}m${text}\x1b[${CODES[style][1]}m`;
}

export function createTerminal(parts: { stdout: OutputStream; stderr: OutputStream; stdin: NodeJS.ReadStream; env: NodeJS.ProcessEnv }): Terminal {
  const errEscapes = allowsEscapes(parts.stderr, parts.env);
  return {
    ...parts,
    progress: errEscapes,
    paint: painter(allowsEscapes(parts.stdout, parts.env)),
    paintErr: painter(errEscapes),
  };
}

export function processTerminal(): Terminal {
  return createTerminal({ stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env });
}

/** The colour of a status word, whatever the front door spells it. */
export function statusStyle(status: string): Style {
  if (/^(IMPORT COMPLETE|Completed|Finished)$/.test(status)) return 'green';
  if (/^(ERROR|Failed|Canceled|Canceling)$/.test(status)) return 'red';
  return 'yellow';
}
