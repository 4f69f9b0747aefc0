/**
 * Lowers the CPU priority of the PostgreSQL backends that serve a worker's connections, when that
 * PostgreSQL runs on this machine. A worker process is already niced so the api goes first, but
 * most of an import's CPU time is spent by its backend (inserts, merges); without this, four
 * imports keep both cores of a small machine busy at normal priority and the api's own queries
 * wait behind them.
 *
 * Only a backend this process can see and is allowed to renice is changed: the database host must
 * be a loopback address, the process must be a PostgreSQL one, and setpriority must succeed (a
 * PostgreSQL running as another user refuses it unless we are root). Anything else is left as it
 * is, silently: this is an optimisation, never a reason to fail.
 */
import { readFile } from 'node:fs/promises';
import { setPriority } from 'node:os';
import type pg from 'pg';
import type { Logger } from '../logging.js';

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '::1', '[::1]']);

export function isLocalDatabase(databaseUrl: string): boolean {
  try {
    const host = new URL(databaseUrl).hostname;
    return LOOPBACK_HOSTS.has(host) || host.startsWith('127.');
  } catch {
    return false;
  }
}

async function isPostgresProcess(pid: number): Promise<boolean> {
  try {
    const name = (await readFile(`/proc/${pid}/comm`, 'utf8')).trim();
    return name.startsWith('postgres') || name.startsWith('postmaster');
  } catch {
    return false;
  }
}

/** Renices the backend of `client` to `niceness`; answers whether it did. */
export async function reniceBackend(client: Pick<pg.ClientBase, 'query'>, niceness: number, log: Logger): Promise<boolean> {
  try {
    const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    const pid = rows[0]?.pid;
    if (!pid || !(await isPostgresProcess(pid))) return false;
    setPriority(pid, niceness);
    return true;
  } catch (error) {
    log.debug({ err: error }, 'could not lower the priority of a database backend');
    return false;
  }
}

/**
 * The `onConnect` hook (see createPool) that renices the backend of every new connection, or
 * undefined when the database is not on this machine. pg's pool awaits it before handing the
 * connection out, so no query of a worker runs at normal priority.
 */
export function backendRenicer(databaseUrl: string, niceness: number, log: Logger): ((client: pg.ClientBase) => Promise<void>) | undefined {
  if (niceness <= 0 || !isLocalDatabase(databaseUrl)) return undefined;
  return async (client) => {
    await reniceBackend(client, niceness, log);
  };
}
