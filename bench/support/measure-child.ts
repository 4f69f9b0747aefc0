/**
 * Runs bench/measure.ts in a fresh Node process and reads its one-line JSON result: each figure
 * starts from the same clean heap, and its memory peak belongs to that run alone.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Measurement, Mode } from '../measure.js';
import { median } from './figures.js';

const CHILD_TIMEOUT_MS = 5 * 60_000;

export async function measureInChild(mode: Mode, file: string): Promise<Measurement> {
  const script = fileURLToPath(new URL('../measure.js', import.meta.url));
  const child = spawn(process.execPath, ['--expose-gc', script, mode, file], { stdio: ['ignore', 'pipe', 'inherit'] });
  const timer = setTimeout(() => child.kill(), CHILD_TIMEOUT_MS);
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => (out += text));
  const code = await new Promise<number | null>((resolve, reject) => child.on('error', reject).on('close', resolve));
  clearTimeout(timer);
  if (code !== 0) throw new Error(`measure.js ${mode} ${file} exited with ${code}`);
  return JSON.parse(out.trim()) as Measurement;
}

/** `runs` measurements one after another; the one of median time, and every time taken. */
export async function medianInChild(mode: Mode, file: string, runs: number): Promise<{ median: Measurement; seconds: number[] }> {
  const all: Measurement[] = [];
  for (let i = 0; i < runs; i++) all.push(await measureInChild(mode, file));
  const seconds = all.map((m) => m.seconds);
  const mid = median(seconds);
  return { median: all.find((m) => m.seconds === mid)!, seconds };
}
