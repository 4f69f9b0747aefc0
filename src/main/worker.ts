/** Wiring of a worker process (`intake worker`): takes import jobs off the queue and runs them. */
import { setPriority } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { loadConfig } from '../config/config.js';
import { createLogger } from '../logging.js';
import { registerHandlers } from '../imports/handlers.js';
import { startJobWakeup } from '../imports/job-wakeup.js';
import { startReaper } from '../imports/stalled-imports.js';
import { startDispatcher } from '../webhooks/dispatcher.js';
import { startRuntime } from './runtime.js';
import { onShutdown, surviveDatabaseOutages } from './shutdown.js';
import { drainWorker } from './worker-drain.js';

export async function work(): Promise<void> {
  const config = loadConfig();
  const log = createLogger(config.logLevel, 'intake-worker');
  // Imports are batch work: on a shared machine the api, whose answers people wait for, goes first;
  // so do the api's queries, when PostgreSQL runs here too (the worker's backends are niced as well).
  if (config.workerNice > 0) setPriority(process.pid, config.workerNice);
  // Imports allocate fast and keep little: V8's default lets the heap grow up to 4× what survives a
  // collection before the next one, so a worker's memory grew with the file (295 MB peak staging a
  // 400 MB Nessus file); growing by half instead kept it at 165 MB, at the same speed.
  setFlagsFromString('--heap-growing-percent=50');
  surviveDatabaseOutages(log);
  const runtime = await startRuntime(config, log, { allowEmbedded: false, backendNiceness: config.workerNice });
  const jobs = await registerHandlers(
    runtime.boss,
    { pool: runtime.pool, store: runtime.store, log, heartbeatSeconds: config.heartbeatSeconds, parseInThread: config.parseInThread },
    { concurrency: config.workerConcurrency, pollSeconds: config.workerPollMs / 1000 },
  );
  // Queued jobs wake the handlers at once; their polls are the fallback.
  const stopWakeup = await startJobWakeup({
    databaseUrl: runtime.databaseUrl,
    boss: runtime.boss,
    workerIds: jobs.workerIds,
    log,
    connectTimeoutMs: config.dbConnectTimeoutSeconds * 1000,
  });
  const stopReaper = startReaper(runtime.pool, runtime.boss, runtime.store, { stallSeconds: config.stallSeconds, intervalSeconds: Math.max(1, Math.floor(config.stallSeconds / 4)) }, log);
  const stopDispatcher = startDispatcher(runtime.pool, { intervalMs: 1000, allowPrivate: config.webhookAllowPrivate, backoffSeconds: config.webhookBackoffSeconds }, log);
  log.info({ pid: process.pid, concurrency: config.workerConcurrency }, 'worker ready');
  const graceMs = config.shutdownGraceSeconds * 1000;
  const shutdown = onShutdown(
    log,
    async (reason) => {
      stopReaper();
      stopDispatcher();
      await stopWakeup();
      // A parent that vanished (killed) will not wait for us: hand the imports back at once.
      await drainWorker(runtime.boss, runtime.pool, jobs, reason === 'parent gone' ? 0 : graceMs, log);
      await runtime.close();
    },
    { forceExitAfterMs: graceMs + 15_000 },
  );
  // Started by `intake serve`: leave when the parent goes, whatever the reason.
  if (process.send) process.on('disconnect', () => shutdown('parent gone'));
}
