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
import { backendRenicer } from '../db/backend-priority.js';
import { getOrCreateSecret } from '../db/repositories/secrets.repository.js';
import { createBoss, ensureQueues } from '../imports/jobs.js';
import { createObjectStore } from '../storage/create-store.js';
import type { ObjectStore } from '../storage/object-store.js';
import { isDatabaseUnavailable } from '../db/connection-errors.js';

export interface Runtime {
  databaseUrl: string;
  pool: Pool;
  boss: PgBoss;
  store: ObjectStore;
  secrets: { tokens: string; uploads: string };
  close(): Promise<void>;
}

export interface RuntimeOptions {
  allowEmbedded: boolean;
  /** The api's requests run under INTAKE_DB_STATEMENT_TIMEOUT_SECONDS; a worker's long commits do not. */
  limitStatements?: boolean;
  /** Workers: the niceness for the backends of their pool when PostgreSQL runs on this machine. */
  backendNiceness?: number;
}

export async function startRuntime(config: Config, log: Logger, options: RuntimeOptions): Promise<Runtime> {
  const closers: (() => Promise<void>)[] = [];
  try {
    let databaseUrl = config.databaseUrl;
    if (!databaseUrl) {
      if (!options.allowEmbedded) throw new Error('DATABASE_URL is not set: a standalone worker needs the PostgreSQL the api uses');
      const embedded = await startEmbeddedPostgres(config.dataDir, log);
      closers.unshift(embedded.stop);
      databaseUrl = embedded.url;
    }
    const connectTimeoutMs = config.dbConnectTimeoutSeconds * 1000;
    // Migrations may rightly take longer than any request: they get a pool without a statement limit.
    const migrationPool = createPool(databaseUrl, 1, { connectTimeoutMs });
    const applied = await migrate(migrationPool).finally(() => migrationPool.end());
    if (applied.length > 0) log.info({ applied }, 'database migrated');
    const statementTimeoutMs = options.limitStatements ? config.dbStatementTimeoutSeconds * 1000 : 0;
    const pool = createPool(databaseUrl, 10, { connectTimeoutMs, statementTimeoutMs }, backendRenicer(databaseUrl, options.backendNiceness ?? 0, log));
    closers.unshift(() => pool.end());
    // An operator-supplied secret wins (and is never written to the database); otherwise the one
    // generated on first start, which the database shares with every api and worker process.
    const secrets = {
      tokens: config.tokenSecret ?? (await getOrCreateSecret(pool, 'token-signing')),
      uploads: config.uploadSecret ?? (await getOrCreateSecret(pool, 'upload-signing')),
    };

    const boss = createBoss(databaseUrl, { supervise: true, connectTimeoutMs });
    boss.on('error', queueErrorLogger(log));
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

/**
 * pg-boss reports every failed poll: while the database is down that is several a second. Those
 * are logged once, then summed up every half minute; other queue errors are logged as they come.
 */
function queueErrorLogger(log: Logger): (error: Error) => void {
  let lastLogged = 0;
  let suppressed = 0;
  return (error) => {
    if (!isDatabaseUnavailable(error)) {
      log.error({ err: error }, 'queue error');
      return;
    }
    if (Date.now() - lastLogged < 30_000) {
      suppressed++;
      return;
    }
    log.warn({ reason: error.message, suppressed }, 'queue cannot reach the database; it keeps trying');
    lastLogged = Date.now();
    suppressed = 0;
  };
}

async function closeAll(closers: (() => Promise<void>)[], log: Logger): Promise<void> {
  for (const close of closers) {
    await close().catch((error) => log.warn({ err: error }, 'error while shutting down'));
  }
}
