/**
 * `intake migrate`: applies the database migrations and exits (for deployments that migrate
 * before starting api and workers). Needs DATABASE_URL; the embedded database migrates at start.
 */
import { loadConfig } from '../config/config.js';
import { createLogger } from '../logging.js';
import { createPool } from '../db/pool.js';
import { migrate } from '../db/migrate.js';

export async function migrateCommand(): Promise<number> {
  const config = loadConfig();
  if (!config.databaseUrl) {
    process.stderr.write('intake migrate: set DATABASE_URL (the embedded database is migrated by `intake serve` when it starts)\n');
    return 2;
  }
  const log = createLogger(config.logLevel, 'intake-migrate');
  const pool = createPool(config.databaseUrl, 2);
  try {
    const applied = await migrate(pool);
    log.info({ applied }, applied.length > 0 ? 'migrations applied' : 'database already up to date');
    return 0;
  } finally {
    await pool.end();
  }
}
