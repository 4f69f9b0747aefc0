/** A report's findings (GET …/flaws), most severe first. */
import { useEffect, useState } from 'react';
import { intake, type FindingRow } from '../api/intake';
import { messageOf } from '../api/http';
import { ErrorAlert } from '../components/Alert';
import { severityRank } from '../lib/format';
import { Link, paths } from '../lib/router';
import { usePageTitle } from '../lib/usePageTitle';

export function FindingsPage({ clientId, reportId }: { clientId: number; reportId: number }) {
  const [findings, setFindings] = useState<FindingRow[] | null>(null);
  const [names, setNames] = useState<{ client: string; report: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const heading = usePageTitle(names ? `Findings of ${names.report}` : 'Findings');

  useEffect(() => {
    let current = true;
    Promise.all([intake.client(clientId), intake.report(clientId, reportId), intake.findings(clientId, reportId)])
      .then(([client, report, rows]) => {
        if (!current) return;
        setNames({ client: client.name, report: report.name });
        setFindings([...rows].sort((a, b) => severityRank(a.severity) - severityRank(b.severity) || a.title.localeCompare(b.title)));
      })
      .catch((e) => current && setError(messageOf(e)));
    return () => {
      current = false;
    };
  }, [clientId, reportId]);

  return (
    <>
      <p className="breadcrumb">
        <Link to={paths.home()}>← All imports</Link>
      </p>
      <h1 ref={heading} tabIndex={-1}>
        {names ? `Findings of ${names.report}` : 'Findings'}
      </h1>
      {names && <p className="muted">Client: {names.client}</p>}
      <ErrorAlert>{error}</ErrorAlert>
      {findings === null && !error && <p className="muted">Loading…</p>}
      {findings !== null && findings.length === 0 && <p className="empty">This report has no findings yet.</p>}
      {findings !== null && findings.length > 0 && (
        <section className="card" aria-labelledby="findings-count">
          <h2 id="findings-count">
            {findings.length} finding{findings.length === 1 ? '' : 's'}
          </h2>
          <div className="table-scroll">
            <table className="findings">
              <thead>
                <tr>
                  <th scope="col">Severity</th>
                  <th scope="col">Title</th>
                  <th scope="col">Status</th>
                  <th scope="col" className="num">
                    ID
                  </th>
                </tr>
              </thead>
              <tbody>
                {findings.map((f) => (
                  <tr key={f.id}>
                    <td>
                      <span className={`severity severity-${f.severity.toLowerCase()}`}>{f.severity}</span>
                    </td>
                    <td>{f.title}</td>
                    <td>{f.status}</td>
                    <td className="num">{f.id}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      )}
    </>
  );
}
