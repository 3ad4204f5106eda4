import { uuidV5 as uuidv5 } from '#event-store';

/** Namespace of ids the registry derives from command ids (distinct from the event-id namespace in libs/event-store). */
const RECORD_ID_NAMESPACE = '9b2f6c84-2a51-4d0e-8e2b-6f1d3c7a5e90';

/**
 * The id of a record a command creates when the client did not choose one: UUIDv5 of the commandId and the record
 * kind, so a repeated command maps to the same stream (and is then recognised as a replay there).
 */
export function recordId(commandId: string, kind: string): string {
  return uuidv5(`${kind}:${commandId}`, RECORD_ID_NAMESPACE);
}
