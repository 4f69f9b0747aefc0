/**
 * Shared start-up of both processes: the database (embedded or DATABASE_URL), migrations, the
 * installation's secrets, the queue and the object store.
 */
import type PgBoss from 'pg-boss';
import type { Config } from '../config/config.js';
import type { Logger } from '../logging.js';
import { createPool, type Pool } from '../db/pool.js';
import { migrate } from '../db/migrate.js';
import { startEmbeddedPostgres } from '../db/embedded.js';
import { getOrCreateSecret } from '../db/repositories/secrets.repository.js';
import { createBoss, ensureQueues } from '../imports/jobs.js';
import { createObjectStore } from '../storage/create-store.js';
import type { ObjectStore } from '../storage/object-store.js';

export interface Runtime {
  databaseUrl: string;
  pool: Pool;
  boss: PgBoss;
  store: ObjectStore;
  secrets: { tokens: string; uploads: string };
  close(): Promise<void>;
}

export async function startRuntime(config: Config, log: Logger, options: { allowEmbedded: boolean }): Promise<Runtime> {
  const closers: (() => Promise<void>)[] = [];
  try {
    let databaseUrl = config.databaseUrl;
    if (!databaseUrl) {
      if (!options.allowEmbedded) throw new Error('DATABASE_URL is not set: a standalone worker needs the PostgreSQL the api uses');
      const embedded = await startEmbeddedPostgres(config.dataDir, log);
      closers.unshift(embedded.stop);
      databaseUrl = embedded.url;
    }
    const pool = createPool(databaseUrl);
    closers.unshift(() => pool.end());
    const applied = await migrate(pool);
    if (applied.length > 0) log.info({ applied }, 'database migrated');
    const secrets = { tokens: await getOrCreateSecret(pool, 'token-signing'), uploads: await getOrCreateSecret(pool, 'upload-signing') };

    const boss = createBoss(databaseUrl, { supervise: true });
    boss.on('error', (error) => log.error({ err: error }, 'queue error'));
    await boss.start();
    closers.unshift(() => boss.stop({ graceful: true, wait: true, timeout: 10_000 }));
    await ensureQueues(boss, { retryLimit: config.jobRetryLimit, expireInSeconds: config.jobExpireSeconds });

    const store = await createObjectStore(config, secrets.uploads);
    return { databaseUrl, pool, boss, store, secrets, close: () => closeAll(closers, log) };
  } catch (error) {
    await closeAll(closers, log);
    throw error;
  }
}

async function closeAll(closers: (() => Promise<void>)[], log: Logger): Promise<void> {
  for (const close of closers) {
    await close().catch((error) => log.warn({ err: error }, 'error while shutting down'));
  }
}
