/**
 * While an attempt runs, its worker stamps `imports.heartbeat_at` every few seconds, from a timer
 * and on its own pool connection, so the stamp keeps coming during long queries. A process that
 * dies (or hangs) stops stamping, and the reaper gives its import to another worker.
 * The attempts this process is stamping are also the ones it must hand back when it stops.
 *
 * A stamp never waits on a lock. The commit (and a connector's publish) holds the import row
 * `FOR UPDATE` for as long as it runs, up to a minute on big files; a plain UPDATE would queue
 * behind it, holding a pool connection the whole time, and a stuck commit would look alive. While
 * the row is locked the stamp is skipped instead: the open commit is itself the evidence of life,
 * and the reaper skips locked rows too (see stalled-imports.ts). One stamp at a time per import:
 * the next tick is scheduled only when the previous stamp has answered, so a slow database never
 * piles up waiting stamps.
 */
import type { Pool, Queryable } from '../db/pool.js';
import type { Logger } from '../logging.js';

/** Import id → attempt, for every attempt running in this process. */
const running = new Map<string, number>();

/**
 * Stamps one heartbeat of the attempt. Returns false, at once, when the row is locked (a commit
 * of the import is running) or the attempt no longer owns the import.
 */
export async function stampHeartbeat(db: Queryable, importId: string, attempt: number): Promise<boolean> {
  // FOR NO KEY UPDATE (what the UPDATE itself takes) so that the key-share locks of foreign-key
  // checks, taken by every row written for this import, do not make it skip.
  const { rowCount } = await db.query(
    `UPDATE imports SET heartbeat_at = now()
      WHERE id = (SELECT id FROM imports WHERE id = $1 AND attempt = $2 AND state = 'running' FOR NO KEY UPDATE SKIP LOCKED)`,
    [importId, attempt],
  );
  return rowCount === 1;
}

export function startHeartbeat(pool: Pool, importId: string, attempt: number, intervalSeconds: number, log: Logger): () => void {
  running.set(importId, attempt);
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const schedule = () => {
    timer = setTimeout(beat, intervalSeconds * 1000);
    timer.unref();
  };
  const beat = () => {
    stampHeartbeat(pool, importId, attempt)
      .catch((error) => log.warn({ importId, err: error }, 'heartbeat not recorded'))
      .finally(() => {
        if (!stopped) schedule();
      });
  };
  schedule();
  return () => {
    stopped = true;
    clearTimeout(timer);
    if (running.get(importId) === attempt) running.delete(importId);
  };
}

/** The attempts this process is running now. */
export function attemptsInProgress(): { importId: string; attempt: number }[] {
  return [...running].map(([importId, attempt]) => ({ importId, attempt }));
}
