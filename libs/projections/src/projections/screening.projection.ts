import type { RecordedEvent } from '#event-store';
import type { ProgrammeEvent, SubjectEvent } from '#domain';
import type { EntityManager } from 'typeorm';
import type { Projection, ProjectionTarget } from './projection.js';
import { isoTime, loadRows, upsertRows } from './sql.js';
import { columnsOf, ScreeningProgrammeRow } from '#read-model';

interface ProgrammeRecord {
  programme_id: string;
  last_revision: string;
  [column: string]: unknown;
}

interface RoundDelta {
  round_id: string;
  programme_id: string;
  invited: number;
  screened: number;
  recalled: number;
  screen_detected_cancers: number;
  interval_cancers: number;
}

const PROGRAMME_COLUMNS = columnsOf(ScreeningProgrammeRow);
const COUNTERS = ['invited', 'screened', 'recalled', 'screen_detected_cancers', 'interval_cancers'] as const;
const PARTICIPANT_EVENTS = ['ParticipantInvited', 'ScreeningRecorded', 'RecallRecorded', 'AssessmentOutcomeRecorded', 'IntervalCancerReported'];

/**
 * Screening programmes with their rounds and per-round counts. Round details come from the programme stream,
 * counts from participants' streams (idempotent by each participant stream's revision); counts are added with
 * `count = count + delta`, so the order in which details and counts arrive does not matter.
 */
export class ScreeningProjection implements Projection {
  readonly name = 'screening';
  readonly version = 1;
  readonly filter = { streamCategories: ['programme', 'subject'] };
  readonly tables = ['screening_programmes', 'screening_rounds', 'screening_subject_revisions'];

  async apply(events: readonly RecordedEvent[], manager: EntityManager, { schema }: ProjectionTarget): Promise<void> {
    const programmeEvents = events.filter((e) => e.streamId.startsWith('programme-'));
    const participantEvents = events.filter((e) => e.streamId.startsWith('subject-') && PARTICIPANT_EVENTS.includes(e.type));
    if (programmeEvents.length > 0) await this.applyProgrammes(programmeEvents, manager, schema);
    if (participantEvents.length > 0) await this.applyParticipants(participantEvents, manager, schema);
  }

  private async applyProgrammes(events: readonly RecordedEvent[], manager: EntityManager, schema: string): Promise<void> {
    const ids = [...new Set(events.map((e) => (e.data as { programmeId: string }).programmeId))];
    const programmes = new Map(
      (await loadRows<ProgrammeRecord>(manager, `${schema}.screening_programmes`, 'programme_id', ids)).map((r) => [r.programme_id, r]),
    );
    const changed = new Map<string, ProgrammeRecord>();
    const rounds: Record<string, unknown>[] = [];
    for (const e of events) {
      const ev = { type: e.type, data: e.data } as unknown as ProgrammeEvent;
      const id = ev.data.programmeId;
      let programme = programmes.get(id);
      if (programme && BigInt(programme.last_revision) >= e.revision) continue;
      const at = isoTime(e.recordedAt);
      if (ev.type === 'ScreeningProgrammeDefined') {
        const d = ev.data;
        programme = {
          programme_id: id,
          name: d.name,
          cancer_type: d.cancerType,
          target_population: d.targetPopulation,
          age_min: d.ageRange.min,
          age_max: d.ageRange.max,
          interval_months: d.intervalMonths,
          kpi_targets: d.kpiTargets,
          defined_at: isoTime(d.definedAt),
          position: e.position.prepare.toString(),
          last_revision: '',
          updated_at: at,
        };
      } else if (ev.type === 'ScreeningRoundOpened') {
        const d = ev.data;
        rounds.push({
          round_id: d.roundId,
          programme_id: id,
          name: d.name,
          round_number: d.roundNumber,
          opens_on: d.opensOn,
          closes_on: null,
          status: 'open',
          position: e.position.prepare.toString(),
        });
      } else {
        rounds.push({
          round_id: ev.data.roundId,
          programme_id: id,
          name: null,
          round_number: null,
          opens_on: null,
          closes_on: ev.data.closesOn,
          status: 'closed',
          position: null,
        });
      }
      if (!programme) continue;
      programme = { ...programme, last_revision: e.revision.toString(), updated_at: at };
      programmes.set(id, programme);
      changed.set(id, programme);
    }
    await upsertRows(manager, `${schema}.screening_programmes`, [...changed.values()], ['programme_id'], PROGRAMME_COLUMNS);
    // One statement per round event, in order: rare, and opening then closing in one batch must both land.
    for (const r of rounds) {
      await manager.query(
        `INSERT INTO ${schema}.screening_rounds AS t
           (round_id, programme_id, name, round_number, opens_on, closes_on, status, invited, screened, recalled, screen_detected_cancers, interval_cancers, position)
         VALUES ($1, $2, $3, $4, $5, $6, $7, 0, 0, 0, 0, 0, $8)
         ON CONFLICT (round_id) DO UPDATE SET
           name = COALESCE(excluded.name, t.name), round_number = COALESCE(excluded.round_number, t.round_number),
           opens_on = COALESCE(excluded.opens_on, t.opens_on), closes_on = COALESCE(excluded.closes_on, t.closes_on),
           status = excluded.status, position = COALESCE(t.position, excluded.position)`,
        [r['round_id'], r['programme_id'], r['name'], r['round_number'], r['opens_on'], r['closes_on'], r['status'], r['position']],
      );
    }
  }

  private async applyParticipants(events: readonly RecordedEvent[], manager: EntityManager, schema: string): Promise<void> {
    const ids = [...new Set(events.map((e) => (e.data as { subjectId: string }).subjectId))];
    const stored = await loadRows<{ subject_id: string; last_revision: string }>(manager, `${schema}.screening_subject_revisions`, 'subject_id', ids);
    const revisions = new Map(stored.map((r) => [r.subject_id, BigInt(r.last_revision)]));
    const deltas = new Map<string, RoundDelta>();
    const delta = (roundId: string, programmeId: string): RoundDelta => {
      let d = deltas.get(roundId);
      if (!d)
        deltas.set(
          roundId,
          (d = { round_id: roundId, programme_id: programmeId, invited: 0, screened: 0, recalled: 0, screen_detected_cancers: 0, interval_cancers: 0 }),
        );
      return d;
    };
    const changed = new Map<string, bigint>();
    for (const e of events) {
      const ev = { type: e.type, data: e.data } as unknown as SubjectEvent;
      const id = ev.data.subjectId;
      if ((revisions.get(id) ?? -1n) >= e.revision) continue;
      switch (ev.type) {
        case 'ParticipantInvited':
          delta(ev.data.roundId, ev.data.programmeId).invited++;
          break;
        case 'ScreeningRecorded':
          delta(ev.data.roundId, ev.data.programmeId).screened++;
          break;
        case 'RecallRecorded':
          delta(ev.data.roundId, ev.data.programmeId).recalled++;
          break;
        case 'AssessmentOutcomeRecorded':
          if (ev.data.outcome === 'cancer') delta(ev.data.roundId, ev.data.programmeId).screen_detected_cancers++;
          break;
        case 'IntervalCancerReported':
          delta(ev.data.precedingRoundId, ev.data.programmeId).interval_cancers++;
          break;
        // No round counter counts them (a participant's opt-out keeps the invitation counted).
        case 'ParticipantOptedOut':
        case 'SubjectEnrolled':
        case 'SubjectRandomised':
        case 'SubjectWithdrawn':
        case 'MeasurementRecorded':
        case 'MeasurementCorrected':
        case 'MeasurementRetracted':
        case 'MeasurementReadingAccepted':
        case 'OutcomeRecorded':
        case 'OutcomeCorrected':
        case 'PersonalDataRecorded':
        case 'SubjectErased':
        default:
          break;
      }
      revisions.set(id, e.revision);
      changed.set(id, e.revision);
    }
    if (deltas.size > 0) {
      await manager.query(
        `INSERT INTO ${schema}.screening_rounds AS t
           (round_id, programme_id, status, ${COUNTERS.join(', ')})
         SELECT round_id, programme_id, 'open', ${COUNTERS.join(', ')}
           FROM json_to_recordset($1) AS v(round_id text, programme_id text, ${COUNTERS.map((c) => `${c} int`).join(', ')})
         ON CONFLICT (round_id) DO UPDATE SET ${COUNTERS.map((c) => `${c} = t.${c} + excluded.${c}`).join(', ')}`,
        [JSON.stringify([...deltas.values()])],
      );
    }
    await upsertRows(
      manager,
      `${schema}.screening_subject_revisions`,
      [...changed].map(([subject_id, rev]) => ({ subject_id, last_revision: rev.toString() })),
      ['subject_id'],
      ['subject_id', 'last_revision'],
    );
  }
}
