import { useState, type ReactNode } from 'react';
import type { ApiError } from '../client';
import { FieldError } from './errors';

// Form helpers of the governance screens (signatures, locks, role grants, data queries, snapshots).

/**
 * One commandId per form until the API accepted it: a double click, a retry after a network error or a resend after
 * BUSY is one command to the registry (graphql/commands.graphql). A new id is drawn only after a receipt.
 */
export function useCommandId(): [string, () => void] {
  const [id, setId] = useState(() => crypto.randomUUID());
  return [id, () => setId(crypto.randomUUID())];
}

export function Field({ id, label, errors, field, children }: { id: string; label: string; errors: readonly ApiError[]; field: string; children: ReactNode }) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children}
      <FieldError errors={errors} field={field} id={`${id}-error`} />
    </div>
  );
}

/** Errors no input of the form shows, so none is lost. */
export const unplaced = (errors: readonly ApiError[], fields: readonly string[]) =>
  errors.filter((e) => !e.field || !fields.some((f) => e.field === f || e.field!.endsWith(`.${f}`)));

export function Receipt({ receipt, what }: { receipt: { globalPosition?: string | null; replayed: boolean } | null; what: string }) {
  if (!receipt) return null;
  return (
    <p role="status" className="receipt" data-testid="receipt">
      {what}
      {receipt.replayed ? ' (already recorded before: nothing new appended)' : ''} · log position {receipt.globalPosition}
    </p>
  );
}
