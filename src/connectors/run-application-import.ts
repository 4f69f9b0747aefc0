/**
 * The worker side of an application import (spec 3): read each uploaded CSV against its file
 * group's schema, load valid rows, log rejected ones, and on success make the loaded rows the
 * application's accounts and privileges in one transaction. A failed or canceled build leaves the
 * application's data as it was.
 */
import type { Pool } from '../db/pool.js';
import type { Logger } from '../logging.js';
import type { ObjectStore } from '../storage/object-store.js';
import { beginAttempt } from '../db/repositories/imports.repository.js';
import { getApplicationImport, listImportFiles, type ImportFileRow } from '../db/repositories/application-imports.repository.js';
import { getApplication, getConnector } from '../db/repositories/connectors.repository.js';
import { StaleAttemptError } from '../imports/stale-attempt.js';
import { startHeartbeat } from '../imports/heartbeat.js';
import { CsvReader } from '../parsers/support/csv.js';
import { ParseError } from '../parsers/parse-error.js';
import { BuildLog } from './build-log.js';
import { checkRow, mapHeader } from './column-rules.js';
import type { FileGroup } from './model.js';
import { RecordWriter, clearRecords } from './record-writer.js';
import { ensureNotCanceled, ImportCanceled, publishBuild, recordFailure, recordCancel, type BuildMetrics } from './build-outcome.js';

export interface ApplicationImportDeps {
  pool: Pool;
  store: ObjectStore;
  log: Logger;
  heartbeatSeconds: number;
}

/** A build error that no retry can mend (bad file): the import fails with it in its log. */
export class BuildFailed extends Error {}

export async function runApplicationImport(deps: ApplicationImportDeps, importId: string, options: { finalAttempt: boolean }): Promise<void> {
  const { pool, log } = deps;
  const started = await beginAttempt(pool, importId);
  if (!started) return;
  const attempt = started.attempt;
  const stopHeartbeat = startHeartbeat(pool, importId, attempt, deps.heartbeatSeconds, log);
  const buildLog = new BuildLog();
  const t0 = Date.now();
  try {
    const row = (await getApplicationImport(pool, started.tenant_id, importId))!;
    const application = (await getApplication(pool, row.tenant_id, row.application_id))!;
    const connector = (await getConnector(pool, row.tenant_id, application.connector_id))!;
    buildLog.line(`Import #${row.import_number} of application "${application.name}" (${connector.name}), attempt ${attempt}, started ${new Date().toISOString()}`);
    await clearRecords(pool, importId, attempt);

    const metrics: BuildMetrics = { files: 0, rowsRead: 0, rowsLoaded: 0, rowsRejected: 0, accounts: 0, privileges: 0, privilegesWithUnknownAccount: 0, durationMs: 0 };
    for (const file of await listImportFiles(pool, [importId])) {
      const group = connector.fileGroups.find((g) => g.id === file.file_group_id)!;
      await loadFile(deps, importId, attempt, file, group, buildLog, metrics);
      metrics.files++;
    }
    // Current statistics for the publish step's counts (see refreshStagingStatistics in run-file-import.ts).
    if (metrics.rowsLoaded >= 5000) await pool.query('ANALYZE application_records');
    metrics.durationMs = Date.now() - t0;
    await publishBuild(pool, { importId, attempt, applicationId: application.id, connector, metrics, buildLog });
    log.info({ importId, attempt, ...metrics }, 'application import finished');
  } catch (error) {
    if (error instanceof StaleAttemptError) return;
    if (error instanceof ImportCanceled) {
      await recordCancel(pool, importId, attempt, buildLog);
      return;
    }
    const deterministic = error instanceof BuildFailed || error instanceof ParseError;
    if (!deterministic && !options.finalAttempt) {
      log.warn({ importId, attempt, err: error }, 'application import attempt failed; the queue will retry it');
      throw error;
    }
    buildLog.line(`Failed: ${(error as Error).message}`);
    await recordFailure(pool, importId, attempt, (error as Error).message, buildLog);
  } finally {
    stopHeartbeat();
  }
}

const CANCEL_CHECK_ROWS = 5000;

async function loadFile(deps: ApplicationImportDeps, importId: string, attempt: number, file: ImportFileRow, group: FileGroup, buildLog: BuildLog, metrics: BuildMetrics): Promise<void> {
  const label = `"${file.name}" (${group.name})`;
  const csv = new CsvReader(await deps.store.get(file.location));
  const writer = new RecordWriter(deps.pool, importId, attempt, group.id);
  let read = 0;
  let rejected = 0;
  try {
    const header = await csv.header().catch((error) => {
      throw new BuildFailed(`file ${label} has no header row: ${(error as Error).message}`);
    });
    const mapping = mapHeader(group.columns, header.columns);
    if (mapping.missingRequired.length > 0) {
      const found = header.columns.map((c) => `"${c}"`).join(', ');
      throw new BuildFailed(`file ${label} lacks required column${mapping.missingRequired.length > 1 ? 's' : ''} ${mapping.missingRequired.map((c) => `"${c}"`).join(', ')} (found ${found})`);
    }
    for await (const row of csv.rows()) {
      read++;
      const check = checkRow(group.columns, mapping, header.columns, row.cells);
      if (check.ok) {
        const key = group.accountColumn ? (check.data[group.accountColumn] ?? null) : null;
        await writer.add(row.line, key, check.data);
      } else {
        rejected++;
        buildLog.rejected(file.name, row.line, check.reason);
      }
      if (read % CANCEL_CHECK_ROWS === 0) await ensureNotCanceled(deps.pool, importId);
    }
    await writer.flush();
  } catch (error) {
    if (error instanceof ParseError) throw new BuildFailed(`file ${label} is not valid CSV: ${error.message}`);
    throw error;
  } finally {
    await csv.close();
  }
  metrics.rowsRead += read;
  metrics.rowsRejected += rejected;
  metrics.rowsLoaded += read - rejected;
  buildLog.line(`File ${label}: ${read} rows read, ${read - rejected} loaded, ${rejected} rejected`);
}
