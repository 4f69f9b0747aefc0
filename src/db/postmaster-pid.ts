/**
 * PostgreSQL locks its cluster directory with `postmaster.pid`. An Intake killed with SIGKILL
 * leaves either a stale file (its PostgreSQL died too, or was killed) or a PostgreSQL still
 * running on its own, orphaned, holding the directory. Both would stop the next start on that
 * directory; this module clears the way. A PostgreSQL whose parent is still a running Node process
 * belongs to an Intake at work, and is left alone: the start fails, saying so.
 */
import { readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../logging.js';

/** How long a fast shutdown of an orphaned server may take before harder signals. */
const FAST_SHUTDOWN_MS = 15_000;

export async function reclaimClusterDirectory(clusterDir: string, log: Logger): Promise<void> {
  const pidFile = join(clusterDir, 'postmaster.pid');
  const pid = await readPid(pidFile);
  if (pid === null) return;
  if (!isAlive(pid)) {
    await unlink(pidFile).catch(() => {});
    return;
  }
  const owner = await describeProcess(pid);
  // No /proc (not Linux): PostgreSQL's own check decides, and says so if the directory is in use.
  if (owner === null) return;
  if (!owner.isPostgres || !owner.args.includes(clusterDir)) {
    // The number now belongs to some unrelated process: the file is stale.
    await unlink(pidFile).catch(() => {});
    return;
  }
  // Still the child of a running Node process: another Intake is using this data directory now.
  const parent = await describeProcess(owner.ppid);
  if (parent && owner.ppid > 1 && /(^|\/)node[^/]*$/.test(parent.args[0] ?? '')) {
    throw new Error(`the data directory ${clusterDir} is in use by a running PostgreSQL (pid ${pid}) of another Intake process (pid ${owner.ppid}); stop that one first`);
  }
  log.warn({ pid, clusterDir }, 'a PostgreSQL left running by an earlier Intake holds the data directory; stopping it');
  // SIGINT is PostgreSQL's fast shutdown: sessions are ended, the cluster is left consistent.
  for (const [signal, waitMs] of [['SIGINT', FAST_SHUTDOWN_MS], ['SIGQUIT', 5_000], ['SIGKILL', 5_000]] as const) {
    try {
      process.kill(pid, signal);
    } catch {
      return;
    }
    if (await exited(pid, waitMs)) return;
    log.warn({ pid, signal }, 'the orphaned PostgreSQL did not stop; trying a harder signal');
  }
  throw new Error(`PostgreSQL (pid ${pid}) still holds ${clusterDir} and does not stop`);
}

async function readPid(pidFile: string): Promise<number | null> {
  try {
    const pid = Number((await readFile(pidFile, 'utf8')).split('\n')[0]);
    return Number.isSafeInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: alive, but another user's (PostgreSQL runs as `postgres` when Intake runs as root).
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function describeProcess(pid: number): Promise<{ isPostgres: boolean; args: string[]; ppid: number } | null> {
  try {
    const args = (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0').filter(Boolean);
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name: state, then the parent's pid.
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    return { isPostgres: /(^|\/)postgres$/.test(args[0] ?? ''), args, ppid };
  } catch {
    return null;
  }
}

async function exited(pid: number, waitMs: number): Promise<boolean> {
  const deadline = Date.now() + waitMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return !isAlive(pid);
}
