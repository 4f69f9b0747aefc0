/**
 * The caller's imports, newest first, polled every 1.5 s: status, progress, counts and error text.
 * Counts come from each import's own record (GET my-imports/{key}); a finished import's record no
 * longer changes, so it is fetched once and kept.
 */
import { Fragment, useRef, useState } from 'react';
import { FINAL_STATUSES, intake, type ImportJob, type MyImport } from '../api/intake';
import { messageOf } from '../api/http';
import { formatBytes, formatShortTime } from '../lib/format';
import { Link, paths } from '../lib/router';
import { usePolling } from '../lib/usePolling';
import { ErrorAlert } from './Alert';
import { ImportProgress, StatusBadge } from './StatusBadge';

const POLL_MS = 1500;
const FIRST_PAGE = 20;

export function ImportsTable({ highlight, pokeRef }: { highlight: string | null; pokeRef?: { current: (() => void) | null } }) {
  const [rows, setRows] = useState<MyImport[] | null>(null);
  const [jobs, setJobs] = useState<Record<string, ImportJob>>({});
  const [error, setError] = useState<string | null>(null);
  const [showAll, setShowAll] = useState(false);
  const jobsRef = useRef(jobs);
  jobsRef.current = jobs;

  const poke = usePolling(async () => {
    try {
      const list = await intake.myImports();
      const visible = showAll ? list : list.slice(0, FIRST_PAGE);
      const stale = visible.filter((row) => {
        const known = jobsRef.current[row.key];
        return !known || known.status !== row.status || !FINAL_STATUSES.includes(row.status);
      });
      const fresh = await Promise.all(stale.map((row) => intake.importJob(row.key).catch(() => null)));
      setRows(list);
      if (fresh.some(Boolean)) {
        setJobs((previous) => {
          const next = { ...previous };
          for (const job of fresh) if (job) next[job.id] = job;
          return next;
        });
      }
      setError(null);
    } catch (e) {
      setError(`The list of imports could not be refreshed: ${messageOf(e)}`);
    }
  }, POLL_MS);
  if (pokeRef) pokeRef.current = poke;

  if (rows === null) {
    return (
      <>
        <ErrorAlert>{error}</ErrorAlert>
        <p className="muted">{error ? '' : 'Loading imports…'}</p>
      </>
    );
  }
  if (rows.length === 0) {
    return (
      <>
        <ErrorAlert>{error}</ErrorAlert>
        <p className="empty">No imports yet. Upload a scan and it shows here.</p>
      </>
    );
  }
  const shown = showAll ? rows : rows.slice(0, FIRST_PAGE);
  return (
    <>
      <ErrorAlert>{error}</ErrorAlert>
      <div className="table-scroll">
        <table className="imports">
          <caption className="visually-hidden">My imports, newest first; refreshed every few seconds</caption>
          <thead>
            <tr>
              <th scope="col">File</th>
              <th scope="col">Client / report</th>
              <th scope="col">Source</th>
              <th scope="col">Status</th>
              <th scope="col">Progress</th>
              <th scope="col" className="num">
                Findings
              </th>
              <th scope="col" className="num">
                Assets
              </th>
              <th scope="col">Started</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((row) => {
              const job = jobs[row.key];
              const highlighted = row.key === highlight ? ' highlight' : '';
              return (
                <Fragment key={row.key}>
                  <tr data-import-key={row.key} className={`import-row${row.errorStatus ? ' has-error' : ''}${highlighted}`}>
                    <td data-col="file">
                      <Link to={paths.import(row.key)} className="file-link">
                        {row.name}
                      </Link>
                      <div className="muted small">{formatBytes(row.fileSize)}</div>
                    </td>
                    <td data-col="target">
                      {row.clientName || '—'}
                      <div className="muted small">{row.reportName || '—'}</div>
                    </td>
                    <td data-col="source">{row.source}</td>
                    <td data-col="status">
                      <StatusBadge status={row.status} />
                    </td>
                    <td data-col="progress">
                      <ImportProgress value={row.progress} label={`Progress of ${row.name}`} />
                    </td>
                    <td data-col="findings" className="num">
                      {job ? job.processed_findings : '—'}
                    </td>
                    <td data-col="assets" className="num">
                      {job ? job.processed_assets : '—'}
                    </td>
                    <td data-col="started" className="small nowrap">
                      {job ? formatShortTime(job.created_at) : '—'}
                    </td>
                  </tr>
                  {row.errorStatus && (
                    // The reason gets the table's full width, right under its import.
                    <tr data-error-for={row.key} className={`error-row${highlighted}`}>
                      <td colSpan={8}>
                        <span className="visually-hidden">Error of {row.name}: </span>
                        <p className="error-text">{row.errorStatus}</p>
                      </td>
                    </tr>
                  )}
                </Fragment>
              );
            })}
          </tbody>
        </table>
      </div>
      {!showAll && rows.length > FIRST_PAGE && (
        <button
          type="button"
          className="secondary"
          onClick={() => {
            setShowAll(true);
            poke();
          }}
        >
          Show all {rows.length} imports
        </button>
      )}
    </>
  );
}
