/** Messages: errors are announced at once (role=alert), other news politely (role=status). */
import type { ReactNode } from 'react';

export function ErrorAlert({ children }: { children: ReactNode }) {
  if (!children) return null;
  return (
    <div className="alert alert-error" role="alert">
      {children}
    </div>
  );
}

export function StatusMessage({ children }: { children: ReactNode }) {
  return (
    <div className="status-message" role="status" aria-live="polite">
      {children}
    </div>
  );
}
