import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startRegistry, type RunningRegistry } from '../../services/registry-api/src/bootstrap.js';
import { type AppConfig, loadConfig } from '#runtime';
import { issueLocalToken } from '../../services/registry-api/src/auth/local-signing-key.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { postGraphql } from '../support/graphql-client.js';

/**
 * Issue 19's acquisition metadata over HTTP: a data manager declares the trial's acquisition protocol, the site
 * registers one study inside it and one outside (registered, not refused, and flagged), the flag is on the subject's
 * timeline, on the study and in the quality report's consistency dimension; a correction back within the protocol
 * clears it. A measurement with its extraction method reads back.
 */
describe('acquisition protocol and metadata over HTTP', () => {
  let db: TestDatabase;
  let dataDir: string;
  let config: AppConfig;
  let registry: RunningRegistry;
  const tokens: Record<string, string> = {};
  const T = 'acq-trial';
  const S = 'acq-site';
  const IN = '1.2.826.0.1.3680043.8.498.93001';
  const OUT = '1.2.826.0.1.3680043.8.498.93002';
  const OUT_SERIES = '1.2.826.0.1.3680043.8.498.93002.1';
  let subject = '';

  const gql = (role: string, query: string, variables: Record<string, unknown> = {}) => postGraphql(registry.url, tokens[role]!, query, variables);
  const mutate = async (role: string, name: string, input: Record<string, unknown>) => {
    const query = `mutation($input: ${name[0]!.toUpperCase()}${name.slice(1)}Input!) { ${name}(input: $input) { id createdIds globalPosition events } }`;
    const body = await gql(role, query, { input: { commandId: randomUUID(), ...input } });
    if (body.errors) throw new Error(`${name} by ${role}: ${JSON.stringify(body.errors)}`);
    return body.data[name] as { id: string; createdIds: string[]; globalPosition: string; events: string[] };
  };
  const STUDIES = `query($id: ID!, $at: GlobalPosition) { subject(id: $id, consistentWith: $at) { timeline { kind occurredAt
      milestone { type detailsJson }
      imagingStudy { studyInstanceUid scannerModel scannerSoftwareVersion kvp tubeCurrentMa sliceThicknessMm reconstructionKernel contrastPhase
        pixelSpacingMm protocolName acquisitionCorrectionReason protocolVersion series { seriesInstanceUid sliceThicknessMm reconstructionKernel contrastPhase }
        protocolDeviations { parameter kind actual expected seriesInstanceUid } }
      measurement { id extraction { software { name version } ibsiCompliant segmentation { method algorithm algorithmVersion } harmonisation { method referenceBatch } } } } } }`;
  type Entry = {
    kind: string;
    milestone: { type: string; detailsJson: string } | null;
    imagingStudy: Record<string, unknown> | null;
    measurement: Record<string, unknown> | null;
  };
  const timeline = async (at: string): Promise<Entry[]> => {
    const body = await gql('coordinator', STUDIES, { id: subject, at });
    expect(body.errors).toBeUndefined();
    return body.data.subject.timeline as Entry[];
  };
  const consistency = async () => {
    const body = await gql(
      'data_manager',
      `query($t: ID!) { dataQualityReport(trialId: $t) { consistency { studiesWithProtocolDeviation protocolDeviations } label } }`,
      { t: T },
    );
    expect(body.errors).toBeUndefined();
    return body.data.dataQualityReport as { consistency: { studiesWithProtocolDeviation: number; protocolDeviations: number }; label: string };
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    dataDir = await mkdtemp(join(tmpdir(), 'registry-acq-'));
    config = loadConfig({ ...db.appEnv, PORT: '0', LOG_LEVEL: 'silent', DATA_DIR: dataDir, PROJECTOR: 'embedded', AUDIT_SEAL_INTERVAL_SECONDS: '0' });
    registry = await startRegistry(config);
    for (const role of ['admin', 'coordinator', 'reader', 'data_manager', 'regulator'])
      tokens[role] = await issueLocalToken(config, { sub: `acq-${role}`, role: role as 'admin', trials: [T], programmes: [], sites: [S] });
    await mutate('admin', 'defineBiomarker', {
      biomarkerId: 'acq-glcm',
      code: 'ACQ_GLCM_CONTRAST',
      name: 'GLCM contrast',
      modality: 'CT',
      valueType: { kind: 'QUANTITATIVE', unit: '1', plausibleRange: { min: 0, max: 1000 } },
    });
    await mutate('coordinator', 'registerTrial', {
      trialId: T,
      identifiers: [{ system: 'NCT', value: 'NCT07000093' }],
      title: 'Acquisition trial',
      phase: 'PHASE_II',
      sponsor: 'Acme',
      primaryEndpoint: 'ORR',
    });
    await mutate('coordinator', 'addTrialArm', { trialId: T, armCode: 'A', name: 'Drug', armType: 'EXPERIMENTAL', plannedSize: 10 });
    await mutate('coordinator', 'activateTrialSite', { trialId: T, siteId: S, name: 'Site' });
    await mutate('coordinator', 'openEnrolment', { trialId: T });
    subject = (await mutate('coordinator', 'enrolSubject', { trialId: T, siteId: S, pseudonym: 'ACQ-0001', consentVersion: 'v1', consentDate: '2025-01-10' }))
      .id;
  }, 60_000);

  afterAll(async () => {
    await registry?.stop();
    await db?.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  const scanner = { manufacturer: 'Siemens', model: 'SOMATOM Force', softwareVersion: 'syngo CT VA50A' };

  it('flags the study outside the protocol (registered, not refused): timeline, study, history and quality report', async () => {
    const declared = await mutate('data_manager', 'declareAcquisitionProtocol', {
      trialId: T,
      name: 'Imaging manual v1',
      rules: [
        { modality: 'CT', kvp: { min: 100, max: 120 }, sliceThicknessMm: { max: 1.5 }, reconstructionKernels: ['Br40d'], contrastPhases: ['PORTAL_VENOUS'] },
      ],
    });
    expect(declared).toMatchObject({ id: `acqprotocol-trial-${T}`, events: ['AcquisitionProtocolDeclared'] });
    // A change without a reason is refused with the field.
    const noReason = await gql('data_manager', `mutation($i: DeclareAcquisitionProtocolInput!) { declareAcquisitionProtocol(input: $i) { id } }`, {
      i: { commandId: randomUUID(), trialId: T, name: 'v2', rules: [{ modality: 'CT', kvp: { max: 130 } }] },
    });
    expect(noReason.errors?.[0]?.extensions).toMatchObject({ code: 'REASON_REQUIRED', field: 'reason' });

    const inside = await mutate('coordinator', 'registerImagingStudy', {
      studyInstanceUid: IN,
      subjectId: subject,
      modality: 'CT',
      acquisitionDateTime: '2025-01-20',
      siteId: S,
      scanner,
      kvp: 120,
      tubeCurrentMa: 250,
      sliceThicknessMm: 1,
      reconstructionKernel: 'BR40D',
      contrastPhase: 'PORTAL_VENOUS',
      pixelSpacingMm: [0.7, 0.7],
      protocolName: 'Abdomen PV',
    });
    expect(inside.events).toEqual(['ImagingStudyRegistered']);
    const outside = await mutate('coordinator', 'registerImagingStudy', {
      studyInstanceUid: OUT,
      subjectId: subject,
      modality: 'CT',
      acquisitionDateTime: '2025-03-20',
      siteId: S,
      scanner,
      kvp: 140,
      reconstructionKernel: 'Br40d',
      contrastPhase: 'PORTAL_VENOUS',
      series: [{ seriesInstanceUid: OUT_SERIES, sliceThicknessMm: 5, reconstructionKernel: 'Br40d' }],
    });
    expect(outside.events).toEqual(['ImagingStudyRegistered', 'ProtocolDeviationFlagged']);

    const entries = await timeline(outside.globalPosition);
    const study = (uid: string) => entries.find((e) => e.imagingStudy?.['studyInstanceUid'] === uid)!.imagingStudy!;
    expect(study(IN)).toMatchObject({
      scannerModel: 'SOMATOM Force',
      scannerSoftwareVersion: 'syngo CT VA50A',
      kvp: 120,
      tubeCurrentMa: 250,
      reconstructionKernel: 'BR40D',
      contrastPhase: 'PORTAL_VENOUS',
      pixelSpacingMm: [0.7, 0.7],
      protocolName: 'Abdomen PV',
      protocolDeviations: [],
      protocolVersion: null,
    });
    expect(study(OUT)).toMatchObject({
      series: [{ seriesInstanceUid: OUT_SERIES, sliceThicknessMm: 5, reconstructionKernel: 'Br40d', contrastPhase: null }],
      protocolVersion: 1,
      protocolDeviations: [
        { parameter: 'kvp', kind: 'OUT_OF_RANGE', actual: '140', expected: '100–120', seriesInstanceUid: null },
        { parameter: 'sliceThicknessMm', kind: 'OUT_OF_RANGE', actual: '5', expected: '≤ 1.5', seriesInstanceUid: OUT_SERIES },
      ],
    });
    // On the timeline at the scan's date, after the study it belongs to.
    const kinds = entries.map((e) => (e.kind === 'MILESTONE' ? e.milestone!.type : e.kind));
    expect(kinds.slice(kinds.indexOf('protocol_deviation') - 1, kinds.indexOf('protocol_deviation') + 1)).toEqual(['IMAGING_STUDY', 'protocol_deviation']);
    const flag = entries.find((e) => e.milestone?.type === 'protocol_deviation')!;
    expect(JSON.parse(flag.milestone!.detailsJson)).toMatchObject({ studyInstanceUid: OUT, protocolName: 'Imaging manual v1', protocolVersion: 1 });

    const history = await gql('regulator', `query($s: String!) { history(streamId: $s) { type actorId } }`, { s: `study-${OUT}` });
    expect(history.data.history).toEqual([
      { type: 'ImagingStudyRegistered', actorId: 'acq-coordinator' },
      { type: 'ProtocolDeviationFlagged', actorId: 'acq-coordinator' },
    ]);

    const report = await consistency();
    expect(report.consistency).toEqual({ studiesWithProtocolDeviation: 1, protocolDeviations: 2 });
    expect(JSON.parse(report.label)['dqv:hasQualityMeasurement']).toContainEqual(
      expect.objectContaining({ 'dqv:isMeasurementOf': expect.objectContaining({ '@id': 'registry:studiesWithProtocolDeviation' }), 'dqv:value': 1 }),
    );
  });

  it('a correction back within the protocol resolves the flag; bad parameters are refused with the field', async () => {
    const refused = await gql('coordinator', `mutation($i: CorrectAcquisitionParametersInput!) { correctAcquisitionParameters(input: $i) { id } }`, {
      i: { commandId: randomUUID(), studyInstanceUid: OUT, reason: 'typo', scanner, kvp: 300 },
    });
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'OUT_OF_RANGE', field: 'kvp' });
    const corrected = await mutate('coordinator', 'correctAcquisitionParameters', {
      studyInstanceUid: OUT,
      reason: 'kVp and series re-read from the DICOM header',
      scanner,
      kvp: 110,
      reconstructionKernel: 'Br40d',
      contrastPhase: 'PORTAL_VENOUS',
      series: [{ seriesInstanceUid: OUT_SERIES, sliceThicknessMm: 1, reconstructionKernel: 'Br40d' }],
    });
    expect(corrected.events).toEqual(['AcquisitionParametersCorrected', 'ProtocolDeviationResolved']);
    const entries = await timeline(corrected.globalPosition);
    expect(entries.find((e) => e.imagingStudy?.['studyInstanceUid'] === OUT)!.imagingStudy).toMatchObject({
      kvp: 110,
      acquisitionCorrectionReason: 'kVp and series re-read from the DICOM header',
      protocolDeviations: [],
    });
    // The flag stays on the timeline (it happened); the report counts deviations that still hold.
    expect(entries.filter((e) => e.milestone?.type === 'protocol_deviation')).toHaveLength(1);
    expect((await consistency()).consistency).toEqual({ studiesWithProtocolDeviation: 0, protocolDeviations: 0 });
  });

  it('records a measurement with its extraction method and reads it back; an IBSI flag without software is refused', async () => {
    const extraction = {
      software: { name: 'pyradiomics', version: '3.1.0' },
      ibsiCompliant: true,
      segmentation: { method: 'AI', algorithm: 'TotalSegmentator', algorithmVersion: '2.4.0' },
      harmonisation: { method: 'COMBAT', referenceBatch: 'Siemens SOMATOM Force' },
    };
    const base = {
      subjectId: subject,
      biomarkerId: 'acq-glcm',
      biomarkerVersion: 1,
      value: { value: 42.5, unit: '1' },
      studyInstanceUid: IN,
      timePoint: 'BASELINE',
      method: 'MANUAL',
    };
    const recorded = await mutate('reader', 'recordMeasurement', { ...base, extraction });
    const refused = await gql('reader', `mutation($i: RecordMeasurementInput!) { recordMeasurement(input: $i) { id } }`, {
      i: { commandId: randomUUID(), ...base, extraction: { ibsiCompliant: true } },
    });
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'EXTRACTION_SOFTWARE_REQUIRED', field: 'extraction.software' });
    const batch = await gql(
      'reader',
      `mutation($i: RecordMeasurementsInput!) { recordMeasurements(input: $i) { accepted items { receipt { globalPosition } } } }`,
      {
        i: { commandId: randomUUID(), items: [{ ...base, studyInstanceUid: OUT, extraction: { software: { name: 'pyradiomics', version: '3.0.1' } } }] },
      },
    );
    expect(batch.data.recordMeasurements.accepted).toBe(1);
    const at = batch.data.recordMeasurements.items[0].receipt.globalPosition as string;
    const body = await gql(
      'coordinator',
      `query($s: ID!, $at: GlobalPosition) { measurements(filter: { subjectId: $s }, consistentWith: $at) { nodes { studyInstanceUid extraction { software { name version } ibsiCompliant segmentation { method algorithm algorithmVersion } harmonisation { method referenceBatch } } } } }`,
      { s: subject, at },
    );
    expect(body.errors).toBeUndefined();
    const nodes = body.data.measurements.nodes as { studyInstanceUid: string; extraction: unknown }[];
    expect(nodes.find((n) => n.studyInstanceUid === IN)!.extraction).toEqual(extraction);
    expect(nodes.find((n) => n.studyInstanceUid === OUT)!.extraction).toEqual({
      software: { name: 'pyradiomics', version: '3.0.1' },
      ibsiCompliant: null,
      segmentation: null,
      harmonisation: null,
    });
    const entries = await timeline(recorded.globalPosition);
    expect(entries.find((e) => e.measurement?.['id'] === recorded.createdIds[0])!.measurement!['extraction']).toEqual(extraction);
  });
});
