/** Wiring of the api process (`intake serve`). */
import { loadConfig } from '../config/config.js';
import { createLogger } from '../logging.js';
import { buildApp } from '../http/app.js';
import { TokenSigner } from '../auth/tokens.js';
import { ensureAdmin } from '../auth/auth.service.js';
import { startRuntime } from './runtime.js';
import { WorkerChildren } from './worker-children.js';
import { onShutdown } from './shutdown.js';
import { ImportEvents } from '../events/import-events.js';

export async function serve(): Promise<void> {
  const config = loadConfig();
  const log = createLogger(config.logLevel, 'intake-api');
  const runtime = await startRuntime(config, log, { allowEmbedded: true });
  await ensureAdmin(runtime.pool, log, { email: config.adminEmail, password: config.adminPassword });

  const tokens = new TokenSigner(runtime.secrets.tokens, config.tokenTtlSeconds);
  const events = new ImportEvents(runtime.databaseUrl, log);
  await events.start();
  const app = await buildApp({ config, pool: runtime.pool, boss: runtime.boss, store: runtime.store, tokens, log, events });

  // Workers reach the same database: the embedded one's URL is handed down to them.
  const workers = new WorkerChildren({ ...process.env, DATABASE_URL: runtime.databaseUrl, INTAKE_DATA_DIR: config.dataDir }, log);
  workers.start(config.workers);

  await app.listen({ port: config.port, host: config.host });
  log.info({ url: config.publicUrl, workers: config.workers, storage: config.storage.kind, embedded: !config.databaseUrl }, 'Intake is ready');

  onShutdown(log, async () => {
    await app.close();
    await events.stop();
    await workers.stop();
    await runtime.close();
  });
}
