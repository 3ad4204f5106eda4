import type { CommandMeta, Decider } from '../decider.js';
import { reject } from '../domain.errors.js';
import { optionalId, requireReason } from '../biomarker/input.guards.js';
import { acquisitionProtocol, type AcquisitionProtocol } from './acquisition-protocol.js';
import type { AcquisitionProtocolCommand } from './acquisition.commands.js';
import { AcquisitionErrors } from './acquisition.errors.js';
import type { AcquisitionProtocolEvent, AcquisitionProtocolScope } from './acquisition.events.js';

export type AcquisitionProtocolState =
  | { readonly status: 'none' }
  | { readonly status: 'declared'; readonly scope: AcquisitionProtocolScope; readonly protocolVersion: number; readonly protocol: AcquisitionProtocol };

/** The protocol in force, as the study decider reads it. */
export interface ProtocolInForce {
  readonly scope: AcquisitionProtocolScope;
  readonly protocolVersion: number;
  readonly protocol: AcquisitionProtocol;
}

export function protocolInForce(state: AcquisitionProtocolState): ProtocolInForce | null {
  return state.status === 'none' ? null : { scope: state.scope, protocolVersion: state.protocolVersion, protocol: state.protocol };
}

/**
 * One stream per trial or programme (`acqprotocol-trial-<id>` / `acqprotocol-programme-<id>`): a scope has one protocol
 * in force, so the stream holds its versions; kept apart from the trial stream so that declaring a protocol does not
 * contend with enrolment writes on the trial.
 */
export function acquisitionProtocolStreamId(scope: { readonly trialId?: string | null; readonly programmeId?: string | null }): string {
  return scope.trialId ? `acqprotocol-trial-${scope.trialId}` : `acqprotocol-programme-${scope.programmeId!}`;
}

/** The scope named by a command: exactly one of the two ids. */
export function requireProtocolScope(trialId: unknown, programmeId: unknown): AcquisitionProtocolScope {
  const t = optionalId(trialId, 'trialId');
  const p = optionalId(programmeId, 'programmeId');
  if ((t === null) === (p === null)) reject(AcquisitionErrors.PROTOCOL_SCOPE_REQUIRED, 'trialId', 'Name exactly one of trialId and programmeId');
  return t !== null ? { trialId: t } : { programmeId: p! };
}

function decide(command: AcquisitionProtocolCommand, state: AcquisitionProtocolState, meta: CommandMeta): AcquisitionProtocolEvent[] {
  const scope = requireProtocolScope(command.trialId, command.programmeId);
  const protocol = acquisitionProtocol(command);
  const at = meta.now.toISOString();
  if (state.status === 'none') return [{ type: 'AcquisitionProtocolDeclared', data: { ...scope, protocolVersion: 1, protocol, declaredAt: at } }];
  // A change to the rules that studies are judged by is a correction of the trial's set-up: it says why.
  const reason = requireReason(command.reason);
  return [{ type: 'AcquisitionProtocolChanged', data: { ...state.scope, protocolVersion: state.protocolVersion + 1, protocol, reason, changedAt: at } }];
}

function evolve(_state: AcquisitionProtocolState, event: AcquisitionProtocolEvent): AcquisitionProtocolState {
  switch (event.type) {
    case 'AcquisitionProtocolDeclared':
    case 'AcquisitionProtocolChanged': {
      const d = event.data;
      const scope: AcquisitionProtocolScope = d.trialId !== undefined ? { trialId: d.trialId } : { programmeId: d.programmeId! };
      return { status: 'declared', scope, protocolVersion: d.protocolVersion, protocol: d.protocol };
    }
  }
}

export const acquisitionProtocolDecider: Decider<AcquisitionProtocolCommand, AcquisitionProtocolEvent, AcquisitionProtocolState> = {
  initialState: { status: 'none' },
  foldVersion: 'acqprotocol/1',
  evolve,
  decide,
};
