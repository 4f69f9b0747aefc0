/**
 * One import: its record, kept live until it ends, and a way to the findings it wrote. Progress
 * comes from the import's event stream (SSE) while it is open; polling is the fallback, every
 * 1.5 s without the stream and every 15 s with it.
 */
import { useEffect, useRef, useState } from 'react';
import { followImportEvents } from '../api/events';
import { FINAL_STATUSES, intake, type ImportJob, type MyImport } from '../api/intake';
import { ApiError, messageOf } from '../api/http';
import { ErrorAlert } from '../components/Alert';
import { ImportProgress, StatusBadge } from '../components/StatusBadge';
import { formatBytes, formatDuration, formatTime } from '../lib/format';
import { Link, paths } from '../lib/router';
import { usePageTitle } from '../lib/usePageTitle';
import { usePolling } from '../lib/usePolling';

export function ImportPage({ importKey }: { importKey: string }) {
  const [job, setJob] = useState<ImportJob | null>(null);
  const [listed, setListed] = useState<MyImport | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [missing, setMissing] = useState(false);
  // Stop once the record and the list (which carries the progress) both show the end.
  const finished = job !== null && FINAL_STATUSES.includes(job.status) && (listed === null || listed.status === job.status);
  const heading = usePageTitle(job ? job.original_filename : 'Import');

  const [live, setLive] = useState(false);
  const jobStatus = useRef<string | undefined>(undefined);
  jobStatus.current = job?.status;

  const refresh = usePolling(
    async () => {
      try {
        const [record, list] = await Promise.all([intake.importJob(importKey), intake.myImports()]);
        setJob(record);
        setListed(list.find((r) => r.key === importKey) ?? null);
        setError(null);
      } catch (e) {
        if (e instanceof ApiError && e.status === 404) setMissing(true);
        else setError(`This import could not be refreshed: ${messageOf(e)}`);
      }
    },
    live ? 15_000 : 1500,
    !finished && !missing,
  );

  // The stream's rows carry status and progress; the record (counts, error text) is fetched again
  // when the status changes and at the end.
  useEffect(() => {
    if (finished || missing) return;
    const controller = new AbortController();
    followImportEvents(
      importKey,
      ({ event, data }) => {
        setLive(true);
        setListed(data);
        if (event === 'end' || data.status !== jobStatus.current) refresh();
      },
      controller.signal,
    )
      .catch(() => {})
      .finally(() => {
        if (!controller.signal.aborted) setLive(false);
      });
    return () => controller.abort();
  }, [importKey, finished, missing, refresh]);

  const back = (
    <p className="breadcrumb">
      <Link to={paths.home()}>← All imports</Link>
    </p>
  );

  if (missing) {
    return (
      <>
        {back}
        <h1 ref={heading} tabIndex={-1}>
          Import not found
        </h1>
        <p>There is no import {importKey} among yours.</p>
      </>
    );
  }
  if (!job) {
    return (
      <>
        {back}
        <h1 ref={heading} tabIndex={-1}>
          Import
        </h1>
        <ErrorAlert>{error}</ErrorAlert>
        {!error && <p className="muted">Loading…</p>}
      </>
    );
  }

  const progress = listed?.progress ?? (job.status === 'IMPORT COMPLETE' ? 100 : 0);
  const hasReport = job.client_id !== null && job.report_id !== null;
  return (
    <>
      {back}
      <div className="page-heading">
        <h1 ref={heading} tabIndex={-1}>
          {job.original_filename}
        </h1>
        <StatusBadge status={job.status} />
      </div>
      <ErrorAlert>{error}</ErrorAlert>
      {job.status === 'ERROR' && (
        <div className="alert alert-error import-error" role="alert">
          <h2>The import failed</h2>
          <p className="error-text">{job.error_status ?? 'No reason was recorded.'}</p>
        </div>
      )}
      <section className="card" aria-labelledby="progress-heading">
        <h2 id="progress-heading">Progress</h2>
        <ImportProgress value={progress} label="Import progress" />
        <p className="muted small">
          {formatBytes(job.processed_bytes)} of {formatBytes(job.file_size)} read
          {FINAL_STATUSES.includes(job.status) ? ` · took ${formatDuration(job.created_at, job.last_updated_at)} from upload to end` : ''}
        </p>
      </section>
      <section className="card" aria-labelledby="counts-heading">
        <h2 id="counts-heading">Counts</h2>
        <dl className="stats">
          <Stat label="Findings" value={job.processed_findings} />
          <Stat label="Assets" value={job.processed_assets} />
          <Stat label="Finding–asset links" value={job.processed_finding_assets} />
          <Stat label="Evidence" value={job.processed_evidence} />
        </dl>
        <h3>What it did to the report's findings</h3>
        <dl className="stats">
          <Stat label="Created" value={job.findings_created} />
          <Stat label="Updated" value={job.findings_updated} />
          <Stat label="Unchanged" value={job.findings_unchanged} />
        </dl>
        {hasReport && (
          <p>
            <Link to={paths.findings(job.client_id!, job.report_id!)} className="button-link">
              Open the report's findings
            </Link>
          </p>
        )}
      </section>
      <section className="card" aria-labelledby="details-heading">
        <h2 id="details-heading">Details</h2>
        <dl className="details">
          <dt>Client</dt>
          <dd>{listed?.clientName || job.client_id || '—'}</dd>
          <dt>Report</dt>
          <dd>{listed?.reportName || job.report_id || '—'}</dd>
          <dt>Source</dt>
          <dd>{job.source}</dd>
          <dt>File</dt>
          <dd>
            {job.original_filename} ({formatBytes(job.file_size)}, {job.file_type || 'unknown type'})
          </dd>
          <dt>Uploaded by</dt>
          <dd>{job.user_email}</dd>
          <dt>Started</dt>
          <dd>{formatTime(job.created_at)}</dd>
          <dt>Last update</dt>
          <dd>{formatTime(job.last_updated_at)}</dd>
          <dt>Tags</dt>
          <dd>{[...job.finding_tags, ...job.asset_tags].join(', ') || 'none'}</dd>
          <dt>Import key</dt>
          <dd>
            <code>{job.id}</code>
          </dd>
        </dl>
      </section>
    </>
  );
}

function Stat({ label, value }: { label: string; value: number }) {
  return (
    <div className="stat" data-stat={label}>
      <dt>{label}</dt>
      <dd>{value}</dd>
    </div>
  );
}
