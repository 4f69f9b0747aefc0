/** An import's status word exactly as the API says it, coloured by kind (the word carries the meaning). */
import type { ImportStatus } from '../api/intake';

const KIND: Record<string, string> = {
  'IN QUEUE': 'queued',
  PROCESSING: 'processing',
  'IMPORT COMPLETE': 'complete',
  ERROR: 'error',
};

export function StatusBadge({ status }: { status: ImportStatus | string }) {
  return <span className={`badge badge-${KIND[status] ?? 'queued'}`}>{status}</span>;
}

export function ImportProgress({ value, label }: { value: number; label: string }) {
  return (
    <span className="progress-cell">
      <progress max={100} value={value} aria-label={label} />
      <span className="progress-number">{value}%</span>
    </span>
  );
}
