/**
 * Starts the real `intake serve` process (which forks real worker processes) and waits for
 * /healthz. Tests talk to it over real HTTP only.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { freePort, sleep } from './ports.js';
import { ApiClient } from './api-client.js';

const CLI = fileURLToPath(new URL('../../src/main/cli.js', import.meta.url));

export const ADMIN = { email: 'admin@example.com', password: 'Test-Passw0rd!' };

export interface IntakeProcess {
  baseUrl: string;
  child: ChildProcess;
  admin: ApiClient;
  log(): string;
  stop(): Promise<void>;
}

function baseEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  // A short grace period: tests stop processes with imports still running, and need not wait for them.
  return { PATH: process.env.PATH, HOME: process.env.HOME, LOG_LEVEL: 'warn', INTAKE_SHUTDOWN_GRACE_SECONDS: '2', ...env };
}

export interface WorkerProcess {
  child: ChildProcess;
  log(): string;
  stop(): Promise<void>;
}

/** A standalone `intake worker`, as production runs it (not a child of `intake serve`). */
export function startWorker(env: Record<string, string>): WorkerProcess {
  const child = spawn(process.execPath, [CLI, 'worker'], { env: baseEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  return { child, log: () => output, stop: () => stopChild(child) };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  await exited;
  clearTimeout(timer);
}

export async function startIntake(env: Record<string, string>, timeoutMs = 60_000): Promise<IntakeProcess> {
  const port = await freePort();
  const fullEnv = baseEnv({
    PORT: String(port),
    HOST: '127.0.0.1',
    INTAKE_ADMIN_EMAIL: ADMIN.email,
    INTAKE_ADMIN_PASSWORD: ADMIN.password,
    ...env,
  });
  const child = spawn(process.execPath, [CLI, 'serve'], { env: fullEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const baseUrl = `http://127.0.0.1:${port}`;
  const started = Date.now();
  for (;;) {
    if (child.exitCode !== null) throw new Error(`intake serve exited with ${child.exitCode}:\n${output.slice(-4000)}`);
    try {
      if ((await fetch(`${baseUrl}/healthz`)).status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() - started > timeoutMs) {
      child.kill('SIGKILL');
      throw new Error(`intake serve not ready after ${timeoutMs} ms:\n${output.slice(-4000)}`);
    }
    await sleep(100);
  }
  const admin = new ApiClient(baseUrl);
  await admin.login(ADMIN.email, ADMIN.password);
  return {
    baseUrl,
    child,
    admin,
    log: () => output,
    stop: () => stopChild(child),
  };
}
