/** Wiring of the api process (`intake serve`). */
import { loadConfig } from '../config/config.js';
import { createLogger, type Logger } from '../logging.js';
import { buildApp } from '../http/app.js';
import { TokenSigner } from '../auth/tokens.js';
import { ensureAdmin } from '../auth/auth.service.js';
import { startRuntime } from './runtime.js';
import { WorkerChildren } from './worker-children.js';
import { onShutdown, surviveDatabaseOutages } from './shutdown.js';
import { drainHttp } from './http-drain.js';
import { ImportEvents } from '../events/import-events.js';
import { LocalDiskStore } from '../storage/local-disk-store.js';

/** An upload untouched this long was cut off (its process died); a live one writes continually. */
const ABANDONED_UPLOAD_MS = 60 * 60 * 1000;

/** In the background: a crash while receiving uploads leaves their temporary files behind. */
function removeAbandonedUploads(store: LocalDiskStore, log: Logger): void {
  store.removeAbandonedParts(ABANDONED_UPLOAD_MS).then(
    (removed) => removed > 0 && log.info({ removed }, 'removed the temporary files of abandoned uploads'),
    (error) => log.warn({ err: error }, 'could not look for abandoned uploads'),
  );
}

export async function serve(): Promise<void> {
  const config = loadConfig();
  const log = createLogger(config.logLevel, 'intake-api');
  surviveDatabaseOutages(log);
  const runtime = await startRuntime(config, log, { allowEmbedded: true, limitStatements: true });
  await ensureAdmin(runtime.pool, log, { email: config.adminEmail, password: config.adminPassword });

  const tokens = new TokenSigner(runtime.secrets.tokens, config.tokenTtlSeconds);
  const events = new ImportEvents(runtime.databaseUrl, log, config.dbConnectTimeoutSeconds * 1000);
  await events.start();
  const app = await buildApp({ config, pool: runtime.pool, boss: runtime.boss, store: runtime.store, tokens, log, events });

  // Workers reach the same database: the embedded one's URL is handed down to them.
  const workers = new WorkerChildren({ ...process.env, DATABASE_URL: runtime.databaseUrl, INTAKE_DATA_DIR: config.dataDir }, log);
  workers.start(config.workers);

  await app.listen({ port: config.port, host: config.host });
  log.info({ url: config.publicUrl, workers: config.workers, storage: config.storage.kind, embedded: !config.databaseUrl }, 'Intake is ready');
  if (runtime.store instanceof LocalDiskStore) removeAbandonedUploads(runtime.store, log);

  // Requests drain and worker children finish (or hand back) their imports side by side, each
  // within the grace period; the database they all need stops last.
  const graceMs = config.shutdownGraceSeconds * 1000;
  onShutdown(
    log,
    async () => {
      await Promise.all([drainHttp(app, graceMs, log), workers.stop(graceMs + 10_000)]);
      await events.stop();
      await runtime.close();
    },
    { forceExitAfterMs: graceMs + 25_000 },
  );
}
