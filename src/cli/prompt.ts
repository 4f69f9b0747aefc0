/**
 * Questions on the terminal: a visible line (the e-mail) and a hidden one (password, MFA code)
 * read in raw mode so nothing is echoed. Prompts go to stderr so stdout stays clean.
 */
import { createInterface } from 'node:readline/promises';
import type { Terminal } from './terminal.js';
import { CliError, EXIT_INTERRUPTED } from './errors.js';

export interface KeyState {
  text: string;
  done: boolean;
  aborted: boolean;
}

/**
 * Applies one chunk of raw-mode input: Enter ends, Ctrl-C aborts, Backspace deletes a character,
 * Ctrl-U clears, escape sequences (arrows…) and other control characters are ignored.
 */
export function applyKeys(state: KeyState, chunk: string): KeyState {
  let { text } = state;
  const chars = Array.from(chunk);
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!;
    if (c === '\r' || c === '\n' || c === '\u0004') return { text, done: true, aborted: false };
    if (c === '\u0003') return { text: '', done: true, aborted: true };
    if (c === '\u007f' || c === '\b') text = Array.from(text).slice(0, -1).join('');
    else if (c === '\u0015') text = '';
    else if (c === '\u001b') {
      // CSI sequence: ESC [ parameters final-letter; skip it whole.
      if (chars[i + 1] === '[') {
        i += 2;
        while (i < chars.length && !/[A-Za-z~]/.test(chars[i]!)) i++;
      }
    } else if (c >= ' ') text += c;
  }
  return { text, done: false, aborted: false };
}

export function canPrompt(terminal: Terminal): boolean {
  return terminal.stdin.isTTY === true;
}

export async function promptVisible(terminal: Terminal, question: string): Promise<string> {
  const rl = createInterface({ input: terminal.stdin, output: terminal.stderr as NodeJS.WritableStream, terminal: true });
  try {
    return (await rl.question(question)).trim();
  } finally {
    rl.close();
  }
}

export function promptHidden(terminal: Terminal, question: string): Promise<string> {
  const { stdin, stderr } = terminal;
  stderr.write(question);
  return new Promise((resolve, reject) => {
    let state: KeyState = { text: '', done: false, aborted: false };
    const wasRaw = stdin.isRaw;
    const finish = () => {
      stdin.off('data', onData);
      stdin.setRawMode(wasRaw);
      stdin.pause();
      stderr.write('\n');
    };
    const onData = (chunk: string) => {
      state = applyKeys(state, chunk);
      if (!state.done) return;
      finish();
      if (state.aborted) reject(new CliError('interrupted', { exitCode: EXIT_INTERRUPTED }));
      else resolve(state.text);
    };
    stdin.setRawMode(true);
    stdin.setEncoding('utf8');
    stdin.on('data', onData);
    stdin.resume();
  });
}
