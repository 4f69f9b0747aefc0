/**
 * Helpers of the fault tests: real worker processes, signals, and the processes a process left
 * behind (read from /proc: these tests run on Linux, as CI does).
 */
import type { ChildProcess } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { startWorker, type WorkerProcess } from './intake-process.js';
import { sleep } from './ports.js';
import { nessusFixtures } from '../../src/parsers/nessus/fixtures/nessus.fixtures.js';
import { nessusParser } from '../../src/parsers/nessus/nessus.parser.js';
import { countRecords } from '../../src/parsers/support/count-records.js';

/** A standalone worker that has said it is ready to take jobs. */
export async function readyWorker(env: Record<string, string>): Promise<WorkerProcess> {
  const worker = startWorker({ ...env, LOG_LEVEL: 'info' });
  const started = Date.now();
  while (!/worker ready/.test(worker.log())) {
    if (worker.child.exitCode !== null) throw new Error(`worker exited: ${worker.log()}`);
    if (Date.now() - started > 60_000) throw new Error(`worker not ready after 60 s: ${worker.log()}`);
    await sleep(50);
  }
  return worker;
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Time from the signal to the exit. */
  ms: number;
}

/** Sends a signal and waits (at most `timeoutMs`) for the process to exit. */
export async function signalAndWait(child: ChildProcess, signal: NodeJS.Signals, timeoutMs = 60_000): Promise<Exit> {
  const started = Date.now();
  if (child.exitCode !== null || child.signalCode !== null) return { code: child.exitCode, signal: child.signalCode, ms: 0 };
  const exited = new Promise<Exit>((resolve) => child.once('exit', (code, sig) => resolve({ code, signal: sig, ms: Date.now() - started })));
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const exit = await exited;
  clearTimeout(timer);
  return exit;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Waits until the process is gone; false if it is still there after `timeoutMs`. */
export async function waitGone(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return true;
    await sleep(50);
  }
  return !isAlive(pid);
}

/** Every live process whose command line contains `text` (a data directory, say). */
export async function processesMentioning(text: string): Promise<{ pid: number; ppid: number; args: string }[]> {
  const found: { pid: number; ppid: number; args: string }[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const args = (await readFile(join('/proc', entry, 'cmdline'), 'utf8')).split('\0').join(' ').trim();
      if (!args.includes(text)) continue;
      const stat = await readFile(join('/proc', entry, 'stat'), 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      found.push({ pid: Number(entry), ppid, args });
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

/** The direct children of a process. */
export async function childrenOf(pid: number): Promise<{ pid: number; args: string }[]> {
  const all = await processesMentioning('');
  return all.filter((p) => p.ppid === pid);
}

/** The postmaster of an embedded cluster, from its lock file (null when it is not running). */
export async function postmasterPid(dataDir: string): Promise<number | null> {
  try {
    const pid = Number((await readFile(join(dataDir, 'pg', 'postmaster.pid'), 'utf8')).split('\n')[0]);
    return isAlive(pid) ? pid : null;
  } catch {
    return null;
  }
}

/** A generated .nessus file of `hosts` hosts, and the counts a clean import of it gives. */
export async function nessusFile(hosts: number) {
  let text = '';
  for await (const piece of nessusFixtures.large(hosts)) text += piece;
  const expected = await countRecords(nessusParser.parse(Readable.from([Buffer.from(text)])));
  return { text, expected };
}

/** The four counters of a finished scanner import, named as countRecords names them. */
export function countsOf(job: any) {
  return { findings: job.processed_findings, assets: job.processed_assets, finding_assets: job.processed_finding_assets, evidence: job.processed_evidence };
}
