/**
 * Wakes this worker process's queue handlers when a job is queued, instead of leaving the job to
 * their next poll: the api notifies channel JOB_WAKEUP_CHANNEL in the transaction that queues the
 * job (jobs.ts), and here a dedicated connection LISTENs and calls pg-boss's notifyWorker for the
 * handlers of that queue. The handlers' polling stays as the fallback for a missed notification;
 * after a lost connection is replaced every handler is woken, as jobs may have come meanwhile.
 */
import type PgBoss from 'pg-boss';
import type { Logger } from '../logging.js';
import { ChannelListener } from '../events/channel-listener.js';
import { JOB_WAKEUP_CHANNEL } from './jobs.js';

export interface JobWakeupOptions {
  databaseUrl: string;
  boss: PgBoss;
  /** pg-boss worker ids by queue name (registerHandlers). */
  workerIds: ReadonlyMap<string, readonly string[]>;
  log: Logger;
  connectTimeoutMs: number;
}

/** Starts listening (retrying in the background while the database is away); resolves to the stop function. */
export async function startJobWakeup(options: JobWakeupOptions): Promise<() => Promise<void>> {
  const { boss, workerIds } = options;
  const wake = (queue: string) => {
    for (const id of workerIds.get(queue) ?? []) boss.notifyWorker(id);
  };
  const listener = new ChannelListener({
    databaseUrl: options.databaseUrl,
    channel: JOB_WAKEUP_CHANNEL,
    applicationName: 'intake-job-wakeup',
    log: options.log,
    connectTimeoutMs: options.connectTimeoutMs,
    onNotification: wake,
    onReconnect: () => workerIds.forEach((_, queue) => wake(queue)),
  });
  await listener.startOrKeepTrying();
  return () => listener.stop();
}
