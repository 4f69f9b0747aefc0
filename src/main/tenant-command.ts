/**
 * `intake tenant create --name N --admin-email E [--admin-password P] [--admin-name X]`: creates a
 * tenant and its first admin, as POST /api/v2/tenants does, for operators at the console.
 *
 * Database: DATABASE_URL when set. Otherwise the embedded database under INTAKE_DATA_DIR: if
 * `intake serve` is running on that directory the command connects to its PostgreSQL (port from
 * postmaster.pid, password from the data directory); if not, it starts it for the duration.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config/config.js';
import { createLogger } from '../logging.js';
import { createPool } from '../db/pool.js';
import { migrate } from '../db/migrate.js';
import { startEmbeddedPostgres } from '../db/embedded.js';
import { AppError } from '../errors/app-error.js';
import { createTenantWithAdmin } from '../auth/tenants.service.js';

const USAGE = 'usage: intake tenant create --name <name> --admin-email <email> [--admin-password <password>] [--admin-name <name>]';

/** Returns the exit status (0 done, 1 refused, 2 usage). */
export async function tenantCommand(args: string[] = process.argv.slice(3)): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: { name: { type: 'string' }, 'admin-email': { type: 'string' }, 'admin-password': { type: 'string' }, 'admin-name': { type: 'string' } },
    });
  } catch (error) {
    return fail(`${(error as Error).message}\n${USAGE}`, 2);
  }
  const { positionals, values } = parsed;
  if (positionals[0] !== 'create' || positionals.length !== 1) return fail(`expected the subcommand "create"; found ${JSON.stringify(positionals.join(' '))}\n${USAGE}`, 2);
  if (!values.name || !values['admin-email']) return fail(`--name and --admin-email are required\n${USAGE}`, 2);

  const config = loadConfig();
  const log = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel, 'intake-tenant');
  let stopEmbedded: (() => Promise<void>) | null = null;
  let url = config.databaseUrl ?? (await runningEmbeddedUrl(config.dataDir));
  if (!url) {
    const embedded = await startEmbeddedPostgres(config.dataDir, log);
    stopEmbedded = embedded.stop;
    url = embedded.url;
  }
  const pool = createPool(url, 2);
  try {
    await migrate(pool);
    const created = await createTenantWithAdmin(pool, {
      name: values.name,
      admin: { email: values['admin-email'], password: values['admin-password'], name: values['admin-name'] },
    });
    const lines = [
      'Tenant created.',
      `  tenant id:   ${created.tenant.id}`,
      `  tenant name: ${created.tenant.name}`,
      `  admin:       ${created.admin.email} (user ${created.admin.id})`,
    ];
    if (created.generatedPassword) lines.push(`  password:    ${created.generatedPassword}`, 'Keep it: it will not be shown again.');
    process.stdout.write(lines.join('\n') + '\n');
    return 0;
  } catch (error) {
    if (error instanceof AppError) return fail(error.message, 1);
    throw error;
  } finally {
    await pool.end();
    await stopEmbedded?.();
  }
}

function fail(message: string, code: number): number {
  process.stderr.write(`intake tenant: ${message}\n`);
  return code;
}

/**
 * The URL of the embedded PostgreSQL that a running `intake serve` started on this data
 * directory, or null when none runs. The layout (pg/, pg-password, user and database `intake`)
 * is src/db/embedded.ts's.
 */
async function runningEmbeddedUrl(dataDir: string): Promise<string | null> {
  let lines: string[];
  try {
    lines = (await readFile(join(dataDir, 'pg', 'postmaster.pid'), 'utf8')).split('\n');
  } catch {
    return null;
  }
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || !Number.isInteger(port) || !isAlive(pid)) return null;
  const password = (await readFile(join(dataDir, 'pg-password'), 'utf8')).trim();
  return `postgresql://intake:${encodeURIComponent(password)}@127.0.0.1:${port}/intake`;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to another user (PostgreSQL runs as `postgres` under root).
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
