/**
 * In embedded mode `intake serve` runs its workers as child processes (the same `intake worker`
 * entry point production runs on its own), never on the API's event loop. A child that dies is
 * restarted; children exit when the parent's IPC channel closes, so none outlives it.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Logger } from '../logging.js';

const CLI = fileURLToPath(new URL('./cli.js', import.meta.url));

export class WorkerChildren {
  private readonly children = new Set<ChildProcess>();
  private stopping = false;

  constructor(private readonly env: NodeJS.ProcessEnv, private readonly log: Logger) {}

  start(count: number): void {
    for (let i = 0; i < count; i++) this.spawn(i);
  }

  private spawn(index: number): void {
    const child = fork(CLI, ['worker'], { env: this.env, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    this.children.add(child);
    child.on('exit', (code, signal) => {
      this.children.delete(child);
      if (this.stopping) return;
      this.log.warn({ index, code, signal }, 'worker process exited; restarting it');
      setTimeout(() => !this.stopping && this.spawn(index), 1000).unref();
    });
  }

  async stop(timeoutMs = 15_000): Promise<void> {
    this.stopping = true;
    const exits = [...this.children].map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
          child.once('exit', () => {
            clearTimeout(timer);
            resolve();
          });
          child.kill('SIGTERM');
        }),
    );
    await Promise.all(exits);
  }
}
