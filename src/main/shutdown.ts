import type { Logger } from '../logging.js';
import { isDatabaseUnavailable } from '../db/connection-errors.js';

export interface ShutdownOptions {
  /** A close that has not finished by then is abandoned and the process exits with status 1. */
  forceExitAfterMs: number;
}

/**
 * Runs `close` once on SIGTERM, SIGINT or SIGHUP (or when the returned function is called), then
 * exits; a second signal exits at once (a second call is ignored). `close` is told why, so it can
 * skip waiting when there is no point (a worker whose parent died). A close that hangs is cut off
 * after `forceExitAfterMs`.
 */
export function onShutdown(log: Logger, close: (reason: string) => Promise<void>, options: ShutdownOptions): (reason: string) => void {
  let closing = false;
  const shutdown = (reason: string, bySignal = false) => {
    if (closing) {
      if (!bySignal) return;
      log.warn({ reason }, 'second stop signal: exiting at once');
      process.exit(1);
    }
    closing = true;
    log.info({ reason }, 'shutting down');
    setTimeout(() => {
      log.error({ afterMs: options.forceExitAfterMs }, 'shutdown did not finish in time; exiting');
      process.exit(1);
    }, options.forceExitAfterMs).unref();
    close(reason).then(
      () => {
        log.info('stopped');
        process.exit(0);
      },
      (error) => {
        log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(signal, () => shutdown(signal, true));
  return (reason) => shutdown(reason);
}

/**
 * Libraries sometimes start a query without waiting for it (pg-boss completes a job that way).
 * When the database is down such a promise rejects with nobody to catch it, and Node would end the
 * process: for those, a warning is enough, since the database coming back is the cure. Any other
 * unhandled rejection is a bug and still ends the process.
 */
export function surviveDatabaseOutages(log: Logger): void {
  process.on('unhandledRejection', (reason) => {
    if (isDatabaseUnavailable(reason)) {
      log.warn({ reason: (reason as Error)?.message }, 'a background database call failed: the database is unavailable');
      return;
    }
    log.fatal({ err: reason }, 'unhandled promise rejection');
    process.exit(1);
  });
}
