/**
 * While an attempt runs, its worker stamps `imports.heartbeat_at` every few seconds, from a timer
 * and on its own pool connection, so the stamp keeps coming during long queries and commits. A
 * process that dies (or hangs) stops stamping, and the reaper gives its import to another worker.
 * The attempts this process is stamping are also the ones it must hand back when it stops.
 */
import type { Pool } from '../db/pool.js';
import type { Logger } from '../logging.js';

/** Import id → attempt, for every attempt running in this process. */
const running = new Map<string, number>();

export function startHeartbeat(pool: Pool, importId: string, attempt: number, intervalSeconds: number, log: Logger): () => void {
  running.set(importId, attempt);
  const timer = setInterval(() => {
    pool
      .query(`UPDATE imports SET heartbeat_at = now() WHERE id = $1 AND attempt = $2 AND state = 'running'`, [importId, attempt])
      .catch((error) => log.warn({ importId, err: error }, 'heartbeat not recorded'));
  }, intervalSeconds * 1000);
  timer.unref();
  return () => {
    clearInterval(timer);
    if (running.get(importId) === attempt) running.delete(importId);
  };
}

/** The attempts this process is running now. */
export function attemptsInProgress(): { importId: string; attempt: number }[] {
  return [...running].map(([importId, attempt]) => ({ importId, attempt }));
}
