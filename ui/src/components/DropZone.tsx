/**
 * Drop a file here, or pick one: the real <input type=file> stays in the tab order (visually
 * hidden), so Tab reaches it and Enter or Space opens the file picker.
 */
import { useRef, useState, type DragEvent } from 'react';
import { formatBytes } from '../lib/format';

interface Props {
  file: File | null;
  disabled?: boolean;
  accept?: string;
  onFile(file: File | null): void;
}

export function DropZone({ file, disabled, accept, onFile }: Props) {
  const [dragging, setDragging] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  // dragenter/dragleave fire for every child element crossed; count them to know when we really left.
  const depth = useRef(0);

  const hasFiles = (e: DragEvent) => Array.from(e.dataTransfer.types).includes('Files');

  function onDragEnter(e: DragEvent) {
    if (disabled || !hasFiles(e)) return;
    e.preventDefault();
    depth.current += 1;
    setDragging(true);
  }
  function onDragOver(e: DragEvent) {
    if (disabled || !hasFiles(e)) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = 'copy';
  }
  function onDragLeave() {
    depth.current = Math.max(0, depth.current - 1);
    if (depth.current === 0) setDragging(false);
  }
  function onDrop(e: DragEvent) {
    e.preventDefault();
    depth.current = 0;
    setDragging(false);
    if (disabled) return;
    const dropped = e.dataTransfer.files[0];
    if (dropped) {
      onFile(dropped);
      if (input.current) input.current.value = '';
    }
  }

  return (
    <div
      className={`dropzone${dragging ? ' dragging' : ''}${disabled ? ' disabled' : ''}`}
      onDragEnter={onDragEnter}
      onDragOver={onDragOver}
      onDragLeave={onDragLeave}
      onDrop={onDrop}
      data-testid="dropzone"
    >
      <input
        ref={input}
        id="scan-file"
        type="file"
        className="visually-hidden"
        accept={accept}
        disabled={disabled}
        aria-describedby="scan-file-hint"
        onChange={(e) => onFile(e.target.files?.[0] ?? null)}
      />
      <label htmlFor="scan-file" className="dropzone-label">
        <span className="dropzone-title">{dragging ? 'Drop the file to select it' : 'Drop a scan file here'}</span>
        <span>
          or <span className="link-like">choose a file</span>
        </span>
      </label>
      <p id="scan-file-hint" className="muted small">
        {file ? (
          <>
            Selected: <strong className="file-name">{file.name}</strong> ({formatBytes(file.size)})
          </>
        ) : (
          'Nessus, Burp, Qualys, OpenVAS, ZAP, Nmap, Nexpose, Acunetix, Nuclei, SARIF, Nikto or CSV.'
        )}
      </p>
    </div>
  );
}
