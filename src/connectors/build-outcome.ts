/** How an application import build ends: published, failed or canceled, with its log and metrics. */
import type { Pool } from '../db/pool.js';
import { withTransaction } from '../db/pool.js';
import { StaleAttemptError } from '../imports/stale-attempt.js';
import type { BuildLog } from './build-log.js';
import type { Connector } from './model.js';
import { clearRecords } from './record-writer.js';

export interface BuildMetrics {
  files: number;
  rowsRead: number;
  rowsLoaded: number;
  rowsRejected: number;
  accounts: number;
  privileges: number;
  privilegesWithUnknownAccount: number;
  durationMs: number;
}

export class ImportCanceled extends Error {}

export async function ensureNotCanceled(pool: Pool, importId: string): Promise<void> {
  const { rows } = await pool.query('SELECT cancel_requested FROM imports WHERE id = $1', [importId]);
  if (rows[0]?.cancel_requested) throw new ImportCanceled('canceled by a user');
}

/**
 * One transaction: check this attempt still owns the import and nobody canceled it, count the
 * metrics, make this import the application's current one (dropping the previous import's rows)
 * and mark it finished. Before it commits, readers see the previous data; after, the new.
 */
export async function publishBuild(
  pool: Pool,
  b: { importId: string; attempt: number; applicationId: string; connector: Connector; metrics: BuildMetrics; buildLog: BuildLog },
): Promise<void> {
  await withTransaction(pool, async (tx) => {
    const { rows } = await tx.query('SELECT attempt, state, cancel_requested FROM imports WHERE id = $1 FOR UPDATE', [b.importId]);
    if (rows[0]?.attempt !== b.attempt || rows[0]?.state !== 'running') throw new StaleAttemptError(b.importId, b.attempt);
    if (rows[0].cancel_requested) throw new ImportCanceled('canceled by a user');
    const accounts = b.connector.fileGroups.filter((g) => g.role === 'accounts').map((g) => g.id);
    const privileges = b.connector.fileGroups.filter((g) => g.role === 'privileges').map((g) => g.id);
    const { rows: counts } = await tx.query(
      `SELECT
         (SELECT count(*)::int FROM application_records WHERE import_id = $1 AND attempt = $4 AND file_group_id = ANY($2::uuid[])) AS accounts,
         (SELECT count(*)::int FROM application_records WHERE import_id = $1 AND attempt = $4 AND file_group_id = ANY($3::uuid[])) AS privileges,
         (SELECT count(*)::int FROM application_records p WHERE p.import_id = $1 AND p.attempt = $4 AND p.file_group_id = ANY($3::uuid[])
             AND NOT EXISTS (SELECT 1 FROM application_records a WHERE a.import_id = $1 AND a.attempt = $4 AND a.file_group_id = ANY($2::uuid[])
                                                                 AND a.account_key = p.account_key)) AS unknown`,
      [b.importId, accounts, privileges, b.attempt],
    );
    Object.assign(b.metrics, { accounts: counts[0].accounts, privileges: counts[0].privileges, privilegesWithUnknownAccount: counts[0].unknown });
    const { rows: app } = await tx.query('SELECT current_import_id FROM applications WHERE id = $1 FOR UPDATE', [b.applicationId]);
    await tx.query('UPDATE applications SET current_import_id = $2, updated_at = now() WHERE id = $1', [b.applicationId, b.importId]);
    if (app[0]?.current_import_id) await clearRecords(tx, app[0].current_import_id);
    const m = b.metrics;
    b.buildLog.line(
      `Finished ${new Date().toISOString()}: ${m.files} files, ${m.rowsRead} rows read, ${m.rowsLoaded} loaded, ${m.rowsRejected} rejected; ` +
        `${m.accounts} accounts, ${m.privileges} privileges (${m.privilegesWithUnknownAccount} of an unknown account)`,
    );
    await tx.query(
      `UPDATE imports SET state = 'succeeded', metrics = $2, build_log = $3, finished_at = now(), last_updated_at = now() WHERE id = $1`,
      [b.importId, JSON.stringify(m), b.buildLog.text()],
    );
  });
}

export async function recordFailure(pool: Pool, importId: string, attempt: number, message: string, buildLog: BuildLog): Promise<void> {
  await clearRecords(pool, importId, attempt);
  await pool.query(
    `UPDATE imports SET state = 'failed', error_status = $3, build_log = $4, finished_at = now(), last_updated_at = now()
      WHERE id = $1 AND attempt = $2 AND state = 'running'`,
    [importId, attempt, message, buildLog.text()],
  );
}

export async function recordCancel(pool: Pool, importId: string, attempt: number, buildLog: BuildLog): Promise<void> {
  await clearRecords(pool, importId, attempt);
  buildLog.line(`Canceled ${new Date().toISOString()} at a user's request; the application's data is unchanged`);
  await pool.query(
    `UPDATE imports SET state = 'canceled', build_log = $3, finished_at = now(), last_updated_at = now()
      WHERE id = $1 AND attempt = $2 AND state = 'running'`,
    [importId, attempt, buildLog.text()],
  );
}
