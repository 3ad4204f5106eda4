import type { ApiError } from '../client';
import { StatusLine } from './status-line';

/** Errors that name no field of the form, shown above it. */
export function ErrorBanner({ errors }: { errors: readonly ApiError[] }) {
  if (errors.length === 0) return null;
  return (
    <div role="alert" className="error-banner">
      {errors.map((e, i) => (
        <p key={i}>
          <code>{e.code}</code>
          {e.field ? ` (${e.field})` : ''}: {e.message}
        </p>
      ))}
    </div>
  );
}

/** The API's refusal next to the input it names (`extensions.field`, e.g. `value.unit` or `reason`). */
export function FieldError({ errors, field, id }: { errors: readonly ApiError[]; field: string; id: string }) {
  const mine = errors.filter((e) => e.field === field || e.field?.endsWith(`.${field}`));
  if (mine.length === 0) return null;
  return (
    <span id={id} className="field-error" role="alert">
      {mine.map((e) => `${e.code}: ${e.message}`).join('; ')}
    </span>
  );
}

export function Denied({ errors }: { errors: readonly ApiError[] }) {
  return (
    <section className="denied" data-testid="denied">
      <h1>Access denied</h1>
      <StatusLine />
      <p>The registry refused this page for your role and scopes. Sign in with a role that covers it.</p>
      <ErrorBanner errors={errors} />
    </section>
  );
}
