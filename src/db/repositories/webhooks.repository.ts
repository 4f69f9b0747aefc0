/** Webhooks of a tenant and their deliveries (the delivery queue is also the delivery log). */
import type { Queryable } from '../pool.js';

export interface WebhookRow {
  id: string;
  tenant_id: number;
  url: string;
  events: string[];
  secret: string;
  is_active: boolean;
  created_at: Date;
}

export interface DeliveryRow {
  id: string;
  webhook_id: string;
  import_id: string;
  event: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  next_attempt_at: Date;
  last_status: number | null;
  last_error: string | null;
  created_at: Date;
  delivered_at: Date | null;
}

export async function insertWebhook(db: Queryable, w: { id: string; tenantId: number; url: string; events: string[]; secret: string; createdBy: number }): Promise<WebhookRow> {
  const { rows } = await db.query('INSERT INTO webhooks (id, tenant_id, url, events, secret, created_by) VALUES ($1, $2, $3, $4, $5, $6) RETURNING *', [
    w.id,
    w.tenantId,
    w.url,
    w.events,
    w.secret,
    w.createdBy,
  ]);
  return rows[0];
}

export async function listWebhooks(db: Queryable, tenantId: number): Promise<WebhookRow[]> {
  const { rows } = await db.query('SELECT * FROM webhooks WHERE tenant_id = $1 AND is_active ORDER BY created_at', [tenantId]);
  return rows;
}

export async function deactivateWebhook(db: Queryable, tenantId: number, id: string): Promise<boolean> {
  const { rowCount } = await db.query('UPDATE webhooks SET is_active = false WHERE tenant_id = $1 AND id = $2 AND is_active', [tenantId, id]);
  return rowCount === 1;
}

export async function listDeliveries(db: Queryable, tenantId: number, webhookId: string, limit = 100): Promise<DeliveryRow[] | null> {
  const { rows: hook } = await db.query('SELECT 1 FROM webhooks WHERE tenant_id = $1 AND id = $2', [tenantId, webhookId]);
  if (!hook[0]) return null;
  const { rows } = await db.query('SELECT * FROM webhook_deliveries WHERE webhook_id = $1 ORDER BY created_at DESC LIMIT $2', [webhookId, limit]);
  return rows;
}

/**
 * Takes up to `limit` due deliveries and leases them for `leaseSeconds` (their next attempt moves
 * out), so concurrent dispatchers in other workers never send the same delivery at once.
 */
export async function claimDueDeliveries(db: Queryable, limit: number, leaseSeconds: number): Promise<(DeliveryRow & { url: string; secret: string })[]> {
  const { rows } = await db.query(
    `UPDATE webhook_deliveries d SET next_attempt_at = now() + make_interval(secs => $2), attempts = d.attempts + 1
       FROM webhooks w
      WHERE w.id = d.webhook_id AND d.id IN (
        SELECT id FROM webhook_deliveries WHERE status = 'pending' AND next_attempt_at <= now()
         ORDER BY next_attempt_at LIMIT $1 FOR UPDATE SKIP LOCKED)
      RETURNING d.*, w.url, w.secret`,
    [limit, leaseSeconds],
  );
  return rows;
}

export async function recordDelivery(
  db: Queryable,
  id: string,
  outcome: { delivered: true; status: number } | { delivered: false; status: number | null; error: string; retryInSeconds: number | null },
): Promise<void> {
  if (outcome.delivered) {
    await db.query(`UPDATE webhook_deliveries SET status = 'delivered', last_status = $2, last_error = NULL, delivered_at = now() WHERE id = $1`, [id, outcome.status]);
  } else if (outcome.retryInSeconds === null) {
    await db.query(`UPDATE webhook_deliveries SET status = 'failed', last_status = $2, last_error = $3 WHERE id = $1`, [id, outcome.status, outcome.error]);
  } else {
    await db.query(
      `UPDATE webhook_deliveries SET last_status = $2, last_error = $3, next_attempt_at = now() + make_interval(secs => $4) WHERE id = $1`,
      [id, outcome.status, outcome.error, outcome.retryInSeconds],
    );
  }
}
