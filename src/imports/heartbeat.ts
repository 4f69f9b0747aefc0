/**
 * While an attempt runs, its worker stamps `imports.heartbeat_at` every few seconds, from a timer
 * and on its own pool connection, so the stamp keeps coming during long queries and commits. A
 * process that dies (or hangs) stops stamping, and the reaper gives its import to another worker.
 */
import type { Pool } from '../db/pool.js';
import type { Logger } from '../logging.js';

export function startHeartbeat(pool: Pool, importId: string, attempt: number, intervalSeconds: number, log: Logger): () => void {
  const timer = setInterval(() => {
    pool
      .query(`UPDATE imports SET heartbeat_at = now() WHERE id = $1 AND attempt = $2 AND state = 'running'`, [importId, attempt])
      .catch((error) => log.warn({ importId, err: error }, 'heartbeat not recorded'));
  }, intervalSeconds * 1000);
  timer.unref();
  return () => clearInterval(timer);
}
