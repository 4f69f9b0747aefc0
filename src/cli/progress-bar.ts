/**
 * One redrawn stderr line showing how far something has got: a bar with percentage (bytes with
 * rate and time left, or a count), or a spinner when the total is unknown. Drawn only when the
 * terminal allows it (see terminal.ts); otherwise every method is a no-op, and commands print
 * plain status lines instead.
 */
import type { OutputStream } from './terminal.js';
import { formatBytes, formatDuration, truncate } from './format.js';

export type ProgressUnit = 'bytes' | 'count';

export interface ProgressState {
  label: string;
  done: number;
  /** Unknown (undefined or 0) draws a spinner instead of a bar. */
  total?: number;
  unit: ProgressUnit;
  /** Free text after the numbers: counters, a status word. */
  detail?: string;
  elapsedMs: number;
  /** Which spinner frame to draw. */
  frame: number;
}

const FILLED = '█';
const EMPTY = '░';
const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const MIN_BAR = 10;
const MAX_BAR = 30;

/** `width` cells of bar, filled in proportion to `fraction` (clamped to 0–1). */
export function renderBar(fraction: number, width: number): string {
  const clamped = Math.min(1, Math.max(0, Number.isFinite(fraction) ? fraction : 0));
  const filled = Math.floor(clamped * width);
  return FILLED.repeat(filled) + EMPTY.repeat(width - filled);
}

/** The text of the line (no escapes), at most `columns - 1` characters so it never wraps. */
export function renderProgressLine(state: ProgressState, columns: number): string {
  const max = Math.max(20, columns - 1);
  const known = state.total !== undefined && state.total > 0;
  const numbers: string[] = [];
  if (known) {
    const fraction = Math.min(1, state.done / state.total!);
    numbers.push(`${String(Math.floor(fraction * 100)).padStart(3)}%`);
    if (state.unit === 'bytes') {
      numbers.push(`${formatBytes(state.done)} / ${formatBytes(state.total!)}`);
      const rate = state.elapsedMs > 0 ? state.done / (state.elapsedMs / 1000) : 0;
      if (rate > 0) {
        numbers.push(`${formatBytes(rate)}/s`);
        if (state.done < state.total!) numbers.push(`ETA ${formatDuration(((state.total! - state.done) / rate) * 1000)}`);
      }
    } else {
      numbers.push(`${state.done}/${state.total}`);
    }
  } else {
    if (state.unit === 'bytes' && state.done > 0) numbers.push(formatBytes(state.done));
    numbers.push(formatDuration(state.elapsedMs));
  }
  if (state.detail) numbers.push(state.detail);
  const tail = numbers.join('  ');
  if (!known) return truncate(`${SPINNER[state.frame % SPINNER.length]} ${state.label}  ${tail}`, max);
  const room = max - state.label.length - tail.length - 6;
  if (room < MIN_BAR) return truncate(`${state.label}  ${tail}`, max);
  const bar = renderBar(state.done / state.total!, Math.min(MAX_BAR, room));
  return truncate(`${state.label}  [${bar}]  ${tail}`, max);
}

export interface ProgressBarOptions {
  stream: OutputStream;
  /** False: draw nothing (not a terminal, NO_COLOR…). */
  enabled: boolean;
  label: string;
  unit?: ProgressUnit;
  total?: number;
  /** Redraws no more often than this (the final state is always drawn). Default 80 ms. */
  minIntervalMs?: number;
  /** Redraw on a timer too, so the spinner and elapsed time move between updates. */
  animate?: boolean;
  now?: () => number;
}

export class ProgressBar {
  private readonly state: ProgressState;
  private readonly started: number;
  private lastDraw = -Infinity;
  private drawn = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly options: ProgressBarOptions) {
    this.started = this.now();
    this.state = { label: options.label, done: 0, total: options.total, unit: options.unit ?? 'count', elapsedMs: 0, frame: 0 };
    if (options.enabled && options.animate) {
      this.timer = setInterval(() => this.draw(true), 100);
      this.timer.unref();
    }
  }

  update(change: { done?: number; total?: number; label?: string; detail?: string }): void {
    if (change.done !== undefined) this.state.done = change.done;
    if (change.total !== undefined) this.state.total = change.total;
    if (change.label !== undefined) this.state.label = change.label;
    if (change.detail !== undefined) this.state.detail = change.detail;
    const complete = this.state.total !== undefined && this.state.total > 0 && this.state.done >= this.state.total;
    this.draw(complete);
  }

  /** Erases the line (if one was drawn) and stops redrawing; prints `message` on its own line. */
  finish(message?: string): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (!this.options.enabled) return;
    if (this.drawn) this.options.stream.write('\r\x1b[K');
    this.drawn = false;
    if (message !== undefined) this.options.stream.write(`${message}\n`);
  }

  private draw(force: boolean): void {
    if (!this.options.enabled) return;
    const now = this.now();
    if (!force && now - this.lastDraw < (this.options.minIntervalMs ?? 80)) return;
    this.lastDraw = now;
    this.state.elapsedMs = now - this.started;
    this.state.frame++;
    this.options.stream.write(`\r${renderProgressLine(this.state, this.options.stream.columns || 80)}\x1b[K`);
    this.drawn = true;
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }
}
