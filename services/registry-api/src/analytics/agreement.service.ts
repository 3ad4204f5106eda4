import { Injectable } from '@nestjs/common';
import { blandAltman, intraclassCorrelation, type IccEstimate } from '#biostat';
import { reject, SnapshotErrors } from '#domain';
import { DataSource } from 'typeorm';
import type { Actor } from '../auth/actor.js';
import { ApiError } from '../graphql/error-mapping.js';
import {
  describeSelection,
  provenanceOf,
  readingSelection,
  readingSql,
  resolveReadings,
  type ReadingCandidate,
  type ReadingProvenance,
  type ReadingSelection,
  type ReadingSelectionInput,
} from './analytics.reading-selection.js';
import { visibilityFor, visibilitySql, type PopulationInput } from './analytics.scope.js';
import { assertKnownTimePoint } from './analytics.time-points.js';
import { statistic } from './statistics-errors.js';
import { snapshotQueryable } from '../snapshots/snapshot-source.js';
import { SnapshotQueries } from '../snapshots/snapshots.queries.js';

export interface AgreementInput {
  readonly biomarkerId: string;
  readonly timePoint?: string | null;
  readonly population?: PopulationInput | null;
  /** Each side is one rater, or the adjudicated reading (analytics.reading-selection.ts). */
  readonly raterA: ReadingSelectionInput;
  readonly raterB: ReadingSelectionInput;
  /** Over a frozen analysis snapshot's rows instead of the live read model. */
  readonly snapshotId?: string | null;
  /** The measurement versions the registry knew at this time (corrections and retractions recorded later undone). */
  readonly asOf?: Date | string | null;
}

export interface AgreementPair {
  readonly studyInstanceUid: string;
  readonly lesionTrackingUid: string | null;
  readonly subjectId: string;
  readonly a: number;
  readonly b: number;
  readonly readingA: ReadingProvenance;
  readonly readingB: ReadingProvenance;
}

interface AgreementCandidate extends ReadingCandidate {
  readonly studyInstanceUid: string;
  readonly lesionTrackingUid: string | null;
  readonly subjectId: string;
  readonly value: number;
  readonly sideA: boolean;
  readonly sideB: boolean;
}

/** A unit of agreement: the same biomarker measured on the same study (and the same lesion) by both sides. */
const unitOf = (c: AgreementCandidate) => `study ${c.studyInstanceUid}${c.lesionTrackingUid === null ? '' : ` lesion ${c.lesionTrackingUid}`}`;

/**
 * Pairs the readings of the two sides per study (and lesion); current, unretracted versions only. Each side resolves
 * to at most one reading per unit or the analysis is refused (AMBIGUOUS_READING on raterA / raterB); a unit where
 * both sides resolve to the same measurement would compare a reading with itself and is refused too.
 */
export interface AgreementData {
  readonly pairs: AgreementPair[];
  readonly fetchMs: number;
  readonly snapshotId: string | null;
  readonly asOf: string | null;
  /** The snapshot's data cut, else the measurements projection's position the rows were read at. */
  readonly computedAtPosition: string | null;
}

@Injectable()
export class AgreementService {
  constructor(
    private readonly db: DataSource,
    private readonly snapshots: SnapshotQueries,
  ) {}

  /**
   * At a cut: `snapshotId` runs the same statement over the snapshot's kept rows (snapshots/snapshot-source.ts), so the
   * pairs are the snapshot's after any later write; `asOf` reads the measurement versions recorded by then (the
   * table keeps every version with its validity). Adjudication (acceptMeasurementReading) is kept as its current
   * state only, so under `accepted` an `asOf` reads today's adjudication of the versions known then.
   */
  async pairs(actor: Actor, input: AgreementInput): Promise<AgreementData> {
    const sideA = readingSelection(input.raterA, 'raterA');
    const sideB = readingSelection(input.raterB, 'raterB');
    if (input.snapshotId != null && input.asOf != null) reject(SnapshotErrors.SNAPSHOT_CUT_AMBIGUOUS, 'asOf', 'Give snapshotId or asOf, not both');
    const snapshot = input.snapshotId != null ? await this.snapshots.get(actor, input.snapshotId) : null;
    if (snapshot) await this.snapshots.ensureRows(snapshot);
    const asOf = input.asOf != null ? new Date(input.asOf) : null;
    const granted = visibilityFor(actor, input.population);
    const visibility = visibilitySql('m', granted, 3);
    const ra = readingSql('m', sideA, 5);
    const rb = readingSql('m', sideB, 6);
    const p = input.population ?? {};
    const started = performance.now();
    const db = snapshot ? snapshotQueryable(this.db, snapshot.id) : this.db;
    if (input.timePoint !== undefined && input.timePoint !== null)
      await assertKnownTimePoint(db, input.timePoint, input.biomarkerId, granted, input.population);
    const version = `(($13::timestamptz IS NULL AND m.superseded_at IS NULL) OR (m.version_recorded_at <= $13 AND (m.superseded_at IS NULL OR m.superseded_at > $13)))`;
    const [checkpoint] = snapshot
      ? [{ p: snapshot.manifest.position }]
      : ((await this.db.query(
          `SELECT prepare_position::text AS p FROM read_model.projection_checkpoints WHERE name = 'subjects' AND live ORDER BY version DESC LIMIT 1`,
        )) as { p: string | null }[]);
    const rows = (await db.query(
      `SELECT m.measurement_id, m.study_instance_uid, m.lesion_tracking_uid, m.subject_id, m.value, m.method, m.algorithm_version_id, m.reader_id, m.adjudication,
              ${ra.sql} AS side_a, ${rb.sql} AS side_b
         FROM read_model.measurements m
        WHERE m.biomarker_id = $1 AND ($2::text IS NULL OR m.time_point = $2) AND ${version} AND NOT m.retracted AND m.value IS NOT NULL
          AND ${visibility.sql} AND (${ra.sql} OR ${rb.sql})
          AND (($7::text[] IS NULL AND $8::text[] IS NULL) OR m.trial_id = ANY($7::text[]) OR m.programme_id = ANY($8::text[]))
          AND ($9::timestamptz IS NULL OR m.occurred_at >= $9) AND ($10::timestamptz IS NULL OR m.occurred_at < $10)
          AND ($11::text[] IS NULL OR m.arm_code = ANY($11::text[])) AND ($12::text[] IS NULL OR m.subject_site_id = ANY($12::text[]))
        ORDER BY m.measurement_id`,
      [
        input.biomarkerId,
        input.timePoint ?? null,
        ...visibility.params,
        ...ra.params,
        ...rb.params,
        p.trialIds ?? null,
        p.programmeIds ?? null,
        p.from ?? null,
        p.to ?? null,
        p.armCodes ?? null,
        p.siteIds ?? null,
        asOf,
      ],
    )) as {
      measurement_id: string;
      study_instance_uid: string;
      lesion_tracking_uid: string | null;
      subject_id: string;
      value: number;
      method: string;
      algorithm_version_id: string | null;
      reader_id: string | null;
      adjudication: string | null;
      side_a: boolean;
      side_b: boolean;
    }[];
    const candidates: AgreementCandidate[] = rows.map((r) => ({
      measurementId: r.measurement_id,
      studyInstanceUid: r.study_instance_uid,
      lesionTrackingUid: r.lesion_tracking_uid,
      subjectId: r.subject_id,
      value: r.value,
      method: r.method,
      algorithmVersionId: r.algorithm_version_id,
      readerId: r.reader_id,
      adjudication: r.adjudication,
      sideA: r.side_a,
      sideB: r.side_b,
    }));
    return {
      pairs: pairReadings(candidates, sideA, sideB),
      fetchMs: performance.now() - started,
      snapshotId: snapshot?.id ?? null,
      asOf: asOf?.toISOString() ?? null,
      computedAtPosition: checkpoint?.p ?? null,
    };
  }
}

/** The pairs of two resolved sides, in the order of side A's measurement ids. */
function pairReadings(candidates: readonly AgreementCandidate[], sideA: ReadingSelection, sideB: ReadingSelection): AgreementPair[] {
  const a = resolveReadings(
    candidates.filter((c) => c.sideA),
    unitOf,
    sideA,
    'raterA',
  );
  const b = resolveReadings(
    candidates.filter((c) => c.sideB),
    unitOf,
    sideB,
    'raterB',
  );
  const pairs: AgreementPair[] = [];
  for (const [unit, ra] of a) {
    const rb = b.get(unit);
    if (!rb) continue;
    if (rb.measurementId === ra.measurementId) {
      throw new ApiError(
        'SAME_READING_ON_BOTH_SIDES',
        `raterA (${describeSelection(sideA)}) and raterB (${describeSelection(sideB)}) both select ${ra.measurementId} on ${unit}: a reading cannot be compared with itself`,
        'raterB',
        {
          unit,
          measurementIds: [ra.measurementId],
        },
      );
    }
    pairs.push({
      studyInstanceUid: ra.studyInstanceUid,
      lesionTrackingUid: ra.lesionTrackingUid,
      subjectId: ra.subjectId,
      a: ra.value,
      b: rb.value,
      readingA: provenanceOf(ra),
      readingB: provenanceOf(rb),
    });
  }
  return pairs.sort((x, y) => (x.readingA.measurementId < y.readingA.measurementId ? -1 : x.readingA.measurementId > y.readingA.measurementId ? 1 : 0));
}

export function blandAltmanSection(pairs: readonly AgreementPair[]) {
  return statistic('blandAltman', () => {
    const r = blandAltman(
      pairs.map((p) => p.a),
      pairs.map((p) => p.b),
    );
    return {
      n: r.n,
      bias: r.bias,
      sd: r.sd,
      lower: r.lower,
      upper: r.upper,
      biasCi: r.biasCi,
      lowerCi: r.lowerCi,
      upperCi: r.upperCi,
      means: r.means,
      differences: r.differences,
    };
  });
}

export function iccSection(pairs: readonly AgreementPair[]) {
  return statistic('icc', () => {
    const r = intraclassCorrelation(pairs.map((p) => [p.a, p.b]));
    const form = (name: string, e: IccEstimate) => ({ form: name, icc: e.icc, lower: e.lower, upper: e.upper, f: e.f, p: e.p });
    return {
      subjects: r.subjects,
      raters: r.raters,
      forms: [form('ICC1', r.icc1), form('ICC2', r.icc2), form('ICC3', r.icc3), form('ICC1k', r.icc1k), form('ICC2k', r.icc2k), form('ICC3k', r.icc3k)],
    };
  });
}
