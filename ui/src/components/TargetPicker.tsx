/** Choose (or create) the client and the report an import goes into. */
import { useCallback, useEffect, useState } from 'react';
import { intake, type Named } from '../api/intake';
import { messageOf } from '../api/http';
import { CreateInline } from './CreateInline';

export interface Target {
  clientId: number | null;
  reportId: number | null;
}

const REMEMBERED = 'intake.target';

/** The last client and report chosen in this tab, so repeated uploads need no re-picking. */
export function rememberedTarget(): Target {
  try {
    const t = JSON.parse(sessionStorage.getItem(REMEMBERED) ?? 'null') as Target | null;
    if (t && (typeof t.clientId === 'number' || t.clientId === null)) return t;
  } catch {
    // ignore a damaged value
  }
  return { clientId: null, reportId: null };
}

export function TargetPicker({ value, onChange }: { value: Target; onChange(target: Target): void }) {
  const [clients, setClients] = useState<Named[] | null>(null);
  const [reports, setReports] = useState<Named[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  const choose = useCallback(
    (target: Target) => {
      sessionStorage.setItem(REMEMBERED, JSON.stringify(target));
      onChange(target);
    },
    [onChange],
  );

  const loadClients = useCallback(async () => {
    try {
      const list = await intake.clients();
      setClients(list);
      return list;
    } catch (e) {
      setError(messageOf(e));
      return [];
    }
  }, []);

  useEffect(() => {
    void loadClients().then((list) => {
      // A remembered client that is gone (or of another tenant) is forgotten.
      if (value.clientId !== null && !list.some((c) => c.id === value.clientId)) choose({ clientId: null, reportId: null });
    });
    // Once, on mount.
  }, []);

  useEffect(() => {
    setReports(null);
    if (value.clientId === null) return;
    let current = true;
    intake
      .reports(value.clientId)
      .then((list) => {
        if (!current) return;
        setReports(list);
        if (value.reportId !== null && !list.some((r) => r.id === value.reportId)) choose({ clientId: value.clientId, reportId: null });
      })
      .catch((e) => current && setError(messageOf(e)));
    return () => {
      current = false;
    };
    // Reload when the client changes, and only then.
  }, [value.clientId]);

  async function createClient(name: string) {
    const id = await intake.createClient(name);
    await loadClients();
    choose({ clientId: id, reportId: null });
  }

  async function createReport(name: string) {
    if (value.clientId === null) return;
    const id = await intake.createReport(value.clientId, name);
    setReports(await intake.reports(value.clientId));
    choose({ clientId: value.clientId, reportId: id });
  }

  return (
    <div className="target-picker">
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
      <div className="field">
        <label htmlFor="client">Client</label>
        <div className="field-row">
          <select
            id="client"
            value={value.clientId ?? ''}
            onChange={(e) => choose({ clientId: e.target.value ? Number(e.target.value) : null, reportId: null })}
            disabled={clients === null}
          >
            <option value="">{clients === null ? 'Loading clients…' : clients.length === 0 ? 'No clients yet: create one' : 'Choose a client'}</option>
            {clients?.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
          <CreateInline noun="client" create={createClient} />
        </div>
      </div>
      <div className="field">
        <label htmlFor="report">Report</label>
        <div className="field-row">
          <select
            id="report"
            value={value.reportId ?? ''}
            onChange={(e) => choose({ clientId: value.clientId, reportId: e.target.value ? Number(e.target.value) : null })}
            disabled={value.clientId === null || reports === null}
          >
            <option value="">
              {value.clientId === null ? 'Choose a client first' : reports === null ? 'Loading reports…' : reports.length === 0 ? 'No reports yet: create one' : 'Choose a report'}
            </option>
            {reports?.map((r) => (
              <option key={r.id} value={r.id}>
                {r.name}
              </option>
            ))}
          </select>
          <CreateInline key={value.clientId ?? 'none'} noun="report" disabled={value.clientId === null} create={createReport} />
        </div>
      </div>
    </div>
  );
}
