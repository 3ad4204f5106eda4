import type { DomainEvent } from '../decider.js';
import type { AcquisitionProtocol, ProtocolDeviation } from './acquisition-protocol.js';
import type { AcquisitionDetails, AcquisitionParameters } from './acquisition.parameters.js';

/** Where a protocol applies: exactly one trial or one screening programme (named at the top level for audit membership). */
export type AcquisitionProtocolScope =
  { readonly trialId: string; readonly programmeId?: undefined } | { readonly programmeId: string; readonly trialId?: undefined };

export type AcquisitionProtocolDeclared = DomainEvent<
  'AcquisitionProtocolDeclared',
  AcquisitionProtocolScope & { protocolVersion: number; protocol: AcquisitionProtocol; declaredAt: string }
>;
/** A new version replaces the old one whole; studies registered before keep the verdict of the version they were checked on. */
export type AcquisitionProtocolChanged = DomainEvent<
  'AcquisitionProtocolChanged',
  AcquisitionProtocolScope & { protocolVersion: number; protocol: AcquisitionProtocol; reason: string; changedAt: string }
>;
export type AcquisitionProtocolEvent = AcquisitionProtocolDeclared | AcquisitionProtocolChanged;

// ---- on the study stream --------------------------------------------------------------------------------------

/**
 * The whole acquisition record after a correction (replaces the registered one), with the reason. Shaped as the
 * registration's fields (scanner, sliceThicknessMm, kvp, contrast, acquisition), so the audit trail shows each
 * changed field beside its earlier value.
 */
export type AcquisitionParametersCorrected = DomainEvent<
  'AcquisitionParametersCorrected',
  Pick<AcquisitionParameters, 'scanner' | 'sliceThicknessMm' | 'kvp' | 'contrast'> & {
    studyInstanceUid: string;
    subjectId: string | null;
    acquisition: AcquisitionDetails;
    reason: string;
    correctedAt: string;
  }
>;

/**
 * The study lies outside its trial's or programme's acquisition protocol: recorded, not refused (the scan exists;
 * the data manager decides what it means). Raised at registration and again after a correction that still deviates.
 */
export type ProtocolDeviationFlagged = DomainEvent<
  'ProtocolDeviationFlagged',
  AcquisitionProtocolScope & {
    studyInstanceUid: string;
    subjectId: string;
    siteId: string;
    protocolVersion: number;
    protocolName: string;
    deviations: readonly ProtocolDeviation[];
    /** The acquisition time of the study: when the deviating scan happened (the subject's timeline places it there). */
    occurredAt: string;
    flaggedAt: string;
  }
>;
/** A correction brought the study within the protocol: the earlier flag no longer holds. */
export type ProtocolDeviationResolved = DomainEvent<
  'ProtocolDeviationResolved',
  AcquisitionProtocolScope & { studyInstanceUid: string; subjectId: string; protocolVersion: number; reason: string; resolvedAt: string }
>;
