/**
 * What `startExport` does with a commandId (issue 17): export jobs are operational state, not events, but the rule
 * of what a repeat means is a decision like any other, kept pure so it is tested on its own.
 */
export type ExportJobState = 'QUEUED' | 'FREEZING' | 'EXPORTING' | 'SUCCEEDED' | 'FAILED';

export const ExportJobErrors = {
  EXPORT_JOB_NOT_FOUND: 'EXPORT_JOB_NOT_FOUND',
  /** Shown for a job whose process stopped beating while it ran (a restart, a crash). */
  EXPORT_INTERRUPTED: 'EXPORT_INTERRUPTED',
  SNAPSHOT_SCOPE_MISMATCH: 'SNAPSHOT_SCOPE_MISMATCH',
} as const;

export interface ExportJobSeen {
  readonly state: ExportJobState;
  /** Canonical JSON of what the job was started with. */
  readonly fingerprint: string;
  readonly heartbeatAt: Date;
}

/** A running job whose heartbeat is older than this is taken as dead (its runner beats far more often). */
export const EXPORT_JOB_STALE_MS = 20_000;

/** The state a client is shown: a running job that stopped beating is a failed one. */
export function effectiveExportJobState(job: Pick<ExportJobSeen, 'state' | 'heartbeatAt'>, now: Date): { state: ExportJobState; interrupted: boolean } {
  switch (job.state) {
    case 'QUEUED':
    case 'FREEZING':
    case 'EXPORTING':
      return now.getTime() - job.heartbeatAt.getTime() > EXPORT_JOB_STALE_MS
        ? { state: 'FAILED', interrupted: true }
        : { state: job.state, interrupted: false };
    case 'SUCCEEDED':
    case 'FAILED':
      return { state: job.state, interrupted: false };
  }
}

export type ExportStartDecision =
  | { readonly kind: 'create' }
  /** The same command again: answer the job as it is. */
  | { readonly kind: 'answer' }
  /** The same command after a failure (or an interrupted run): run it again, one attempt more. */
  | { readonly kind: 'restart' }
  | { readonly kind: 'conflict' };

/** Idempotent by commandId: the same input answers the same job; a failed one is restarted; other input conflicts. */
export function decideExportStart(existing: ExportJobSeen | undefined, fingerprint: string, now: Date): ExportStartDecision {
  if (!existing) return { kind: 'create' };
  if (existing.fingerprint !== fingerprint) return { kind: 'conflict' };
  return effectiveExportJobState(existing, now).state === 'FAILED' ? { kind: 'restart' } : { kind: 'answer' };
}
