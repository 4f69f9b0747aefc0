/**
 * Sends webhook deliveries. Every worker process runs one: it claims due deliveries (leased, so
 * no two dispatchers send one at once), posts the signed event, and records the outcome; a
 * failure is retried with exponential backoff until MAX_ATTEMPTS, then marked failed.
 */
import type { Pool } from '../db/pool.js';
import type { Logger } from '../logging.js';
import { claimDueDeliveries, recordDelivery, type DeliveryRow } from '../db/repositories/webhooks.repository.js';
import { getImport } from '../db/repositories/imports.repository.js';
import { postWebhook } from './post.js';
import { signWebhook } from './signature.js';

export const MAX_ATTEMPTS = 8;
const BATCH = 10;
const LEASE_SECONDS = 60;
const TIMEOUT_MS = 10_000;

export interface DispatcherSettings {
  intervalMs: number;
  allowPrivate: boolean;
  /** First retry delay; doubles each attempt, capped at an hour. */
  backoffSeconds: number;
}

export function startDispatcher(pool: Pool, settings: DispatcherSettings, log: Logger): () => void {
  let busy = false;
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    dispatchDue(pool, settings, log)
      .catch((error) => log.warn({ err: error }, 'webhook dispatch failed'))
      .finally(() => (busy = false));
  }, settings.intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}

export async function dispatchDue(pool: Pool, settings: DispatcherSettings, log: Logger): Promise<number> {
  const due = await claimDueDeliveries(pool, BATCH, LEASE_SECONDS);
  await Promise.all(due.map((delivery) => deliver(pool, delivery, settings, log)));
  return due.length;
}

async function deliver(pool: Pool, delivery: DeliveryRow & { url: string; secret: string }, settings: DispatcherSettings, log: Logger): Promise<void> {
  let status: number | null = null;
  try {
    const url = new URL(delivery.url);
    const body = JSON.stringify(await payloadOf(pool, delivery));
    const timestamp = Math.floor(Date.now() / 1000);
    status = await postWebhook(
      url,
      {
        'content-type': 'application/json',
        'user-agent': 'Intake-Webhooks/1',
        'intake-webhook-id': delivery.id,
        'intake-webhook-timestamp': String(timestamp),
        'intake-webhook-signature': signWebhook(delivery.secret, timestamp, body),
      },
      body,
      { allowPrivate: settings.allowPrivate, timeoutMs: TIMEOUT_MS },
    );
    if (status < 200 || status >= 300) throw new Error(`the receiver answered ${status}`);
    await recordDelivery(pool, delivery.id, { delivered: true, status });
  } catch (error) {
    const message = (error as Error).message;
    const retryInSeconds = delivery.attempts >= MAX_ATTEMPTS ? null : Math.min(3600, settings.backoffSeconds * 2 ** (delivery.attempts - 1));
    await recordDelivery(pool, delivery.id, { delivered: false, status, error: message.slice(0, 500), retryInSeconds });
    log.warn({ deliveryId: delivery.id, webhookId: delivery.webhook_id, attempt: delivery.attempts, status, retryInSeconds, err: message }, 'webhook delivery failed');
  }
}

async function payloadOf(pool: Pool, delivery: DeliveryRow) {
  const row = await getImport(pool, delivery.import_id);
  return {
    id: delivery.id,
    type: delivery.event,
    createdAt: delivery.created_at.toISOString(),
    data: row && {
      importId: row.id,
      kind: row.kind,
      source: row.source,
      state: row.state,
      errorStatus: row.error_status,
      clientId: row.client_id,
      reportId: row.report_id,
      fileName: row.original_filename,
      processedFindings: row.processed_findings,
      processedAssets: row.processed_assets,
      processedFindingAssets: row.processed_finding_assets,
      processedEvidence: row.processed_evidence,
      finishedAt: new Date().toISOString(),
    },
  };
}
