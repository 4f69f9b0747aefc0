/**
 * The spec-1 import flow from the browser: a presigned URL, a PUT of the file to it with an
 * upload progress bar, then the preuploaded-import request that queues the import.
 */
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { intake, type ParserInfo } from '../api/intake';
import { messageOf } from '../api/http';
import { UploadAborted, uploadWithProgress, type UploadHandle } from '../api/upload';
import { formatBytes } from '../lib/format';
import { Link, paths } from '../lib/router';
import { ErrorAlert, StatusMessage } from './Alert';
import { DropZone } from './DropZone';
import { rememberedTarget, TargetPicker, type Target } from './TargetPicker';

type Phase =
  | { step: 'idle' }
  | { step: 'uploading'; loaded: number; total: number; fileName: string }
  | { step: 'queuing'; fileName: string }
  | { step: 'queued'; key: string; fileName: string };

export function ImportForm({ onQueued }: { onQueued(key: string): void }) {
  const [target, setTarget] = useState<Target>(rememberedTarget);
  const [parsers, setParsers] = useState<ParserInfo[]>([]);
  const [autoSource, setAutoSource] = useState('auto');
  const [source, setSource] = useState('auto');
  const [file, setFile] = useState<File | null>(null);
  const [phase, setPhase] = useState<Phase>({ step: 'idle' });
  const [error, setError] = useState<string | null>(null);
  const upload = useRef<UploadHandle | null>(null);

  useEffect(() => {
    intake
      .parsers()
      .then((answer) => {
        setParsers(answer.parsers);
        setAutoSource(answer.auto);
        setSource(answer.auto);
      })
      .catch((e) => setError(`The list of formats could not be loaded: ${messageOf(e)}`));
    return () => upload.current?.abort();
  }, []);

  const busy = phase.step === 'uploading' || phase.step === 'queuing';

  // Closing or reloading the tab mid-upload would lose the upload: let the browser ask first.
  useEffect(() => {
    if (!busy) return;
    const warn = (event: BeforeUnloadEvent) => event.preventDefault();
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [busy]);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setError(null);
    if (target.clientId === null || target.reportId === null) {
      setError('Choose a client and a report first (or create them).');
      return;
    }
    if (!file) {
      setError('Choose a scan file to import.');
      return;
    }
    const fileName = file.name;
    try {
      setPhase({ step: 'uploading', loaded: 0, total: file.size, fileName });
      const { key, url } = await intake.presign(fileName);
      upload.current = uploadWithProgress(url, file, (loaded, total) => setPhase({ step: 'uploading', loaded, total, fileName }));
      await upload.current.done;
      upload.current = null;
      setPhase({ step: 'queuing', fileName });
      const started = await intake.startImport(target.clientId, target.reportId, source, key, fileName);
      setPhase({ step: 'queued', key: started.operationId, fileName });
      setFile(null);
      onQueued(started.operationId);
    } catch (e) {
      upload.current = null;
      setPhase({ step: 'idle' });
      setError(e instanceof UploadAborted ? e.message : `${fileName} was not imported: ${messageOf(e)}`);
    }
  }

  const percent = phase.step === 'uploading' && phase.total > 0 ? Math.floor((phase.loaded * 100) / phase.total) : 0;

  return (
    <form className="import-form" onSubmit={submit} aria-describedby="import-form-help">
      <p id="import-form-help" className="muted">
        The file goes straight to storage through a one-time upload URL; a worker then reads it into the report.
      </p>
      <div className="import-form-grid">
        <div className="import-form-target">
          <TargetPicker value={target} onChange={setTarget} />
          <div className="field">
            <label htmlFor="source">Format</label>
            <select id="source" value={source} onChange={(e) => setSource(e.target.value)}>
              <option value={autoSource}>Detect from the file ({autoSource})</option>
              {parsers.map((p) => (
                <option key={p.source} value={p.source}>
                  {p.name} ({p.source})
                </option>
              ))}
            </select>
          </div>
        </div>
        <div className="import-form-file">
          <DropZone
            file={file}
            disabled={busy}
            onFile={(f) => {
              setFile(f);
              setError(null);
              if (phase.step === 'queued') setPhase({ step: 'idle' });
            }}
          />
          <ErrorAlert>{error}</ErrorAlert>
          {phase.step === 'uploading' && (
            <div className="upload-progress">
              <label htmlFor="upload-progress">
                Uploading {phase.fileName}: {percent}% ({formatBytes(phase.loaded)} of {formatBytes(phase.total)})
              </label>
              <progress id="upload-progress" max={100} value={percent} />
            </div>
          )}
          <StatusMessage>
            {phase.step === 'queuing' && `Uploaded ${phase.fileName}; queuing the import…`}
            {phase.step === 'queued' && (
              <>
                {phase.fileName} is uploaded and queued. <Link to={paths.import(phase.key)}>Follow this import</Link> or watch it in the list below.
              </>
            )}
          </StatusMessage>
          <div className="actions">
            <button type="submit" className="primary" disabled={busy}>
              {busy ? 'Importing…' : 'Upload and import'}
            </button>
            {phase.step === 'uploading' && (
              <button type="button" className="secondary" onClick={() => upload.current?.abort()}>
                Cancel upload
              </button>
            )}
          </div>
        </div>
      </div>
    </form>
  );
}
