/**
 * A trials row as SQL returns it (snake_case): the projector writes it, the API reads it. `Time` is how a
 * timestamp travels: a Date from a TypeORM query, an ISO string in the projector.
 */
export interface TrialRecord<Time = Date | string> {
  trial_id: string;
  title: string;
  phase: string;
  sponsor: string;
  primary_endpoint: string;
  identifiers: unknown;
  status: string;
  locked: boolean;
  lock_reason: string | null;
  locked_at: Time | null;
  schedule_version: number | null;
  schedule: unknown;
  registered_at: Time;
  position: string;
  last_revision: string;
  updated_at: Time;
}
