/** Wiring of a worker process (`intake worker`): takes import jobs off the queue and runs them. */
import { loadConfig } from '../config/config.js';
import { createLogger } from '../logging.js';
import { registerHandlers } from '../imports/handlers.js';
import { startRuntime } from './runtime.js';
import { onShutdown } from './shutdown.js';

export async function work(): Promise<void> {
  const config = loadConfig();
  const log = createLogger(config.logLevel, 'intake-worker');
  const runtime = await startRuntime(config, log, { allowEmbedded: false });
  await registerHandlers(
    runtime.boss,
    { pool: runtime.pool, store: runtime.store, log, bulkReportUrlTtlSeconds: config.bulkReportUrlTtlSeconds },
    config.workerConcurrency,
  );
  log.info({ pid: process.pid, concurrency: config.workerConcurrency }, 'worker ready');
  // Started by `intake serve`: leave when the parent goes, whatever the reason.
  if (process.send) process.on('disconnect', () => process.kill(process.pid, 'SIGTERM'));
  onShutdown(log, () => runtime.close());
}
