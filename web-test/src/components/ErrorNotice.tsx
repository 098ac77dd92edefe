import type { ReactNode } from 'react';
import type { ErrorDescription } from '../token';

export interface ErrorNoticeProps {
  error: ErrorDescription;
  /** `warning` is announced politely; `error` interrupts (role="alert"). */
  tone?: 'error' | 'warning';
  /** Extra controls (retry, clear a field). */
  children?: ReactNode;
}

/** A failure, what the server or browser said, and what to check. */
export function ErrorNotice({ error, tone = 'error', children }: ErrorNoticeProps) {
  return (
    <div className={`notice notice-${tone}`} role={tone === 'error' ? 'alert' : 'status'}>
      <p className="notice-title">{error.title}</p>
      {error.message && <p className="notice-message">{error.message}</p>}
      {error.hint && <p className="notice-hint">{error.hint}</p>}
      {children && <div className="notice-actions">{children}</div>}
    </div>
  );
}
