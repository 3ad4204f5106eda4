import { useMemo, useState } from 'react';
import { useQuery } from 'urql';
import { apiErrors, isDenied } from '../client';
import { graphql } from '../gql';
import type { ConsoleSubjectQuery } from '../gql/graphql';
import { Link } from '../router';
import { Denied, ErrorBanner } from '../ui/errors';
import { StatusLine } from '../ui/status-line';
import { MeasurementEntry } from './measurement-entry';
import { SubjectEntry } from './subject-entry';
import { SubjectSignatures } from './subject-signatures';

const SubjectQuery = graphql(`
  query ConsoleSubject($id: ID!, $asOf: DateTime, $consistentWith: GlobalPosition) {
    subject(id: $id, asOf: $asOf, consistentWith: $consistentWith) {
      id
      kind
      trialId
      programmeId
      pseudonym
      siteId
      armCode
      stratum
      status
      enrolledAt
      randomisedAt
      withdrawnAt
      withdrawalReason
      version
      updatedAt
      timeline {
        kind
        occurredAt
        recordedAt
        position
        milestone {
          type
          detailsJson
        }
        imagingStudy {
          studyInstanceUid
          modality
          siteId
          scannerManufacturer
          scannerModel
        }
        measurement {
          id
          version
          biomarkerId
          timePoint
          value
          unit
          category
          originalValue
          originalUnit
          correctionCount
          retracted
          changeReason
          method
          readerId
          algorithmVersionId
          studyInstanceUid
          recordedAt
          versionRecordedAt
          lesion {
            label
          }
        }
        outcome {
          id
          type
          occurredAt
          source
          recistResponse
          stage
          correctionCount
          changeReason
          versionRecordedAt
        }
      }
    }
  }
`);

/** The measurements of the subject just before a moment: what a corrected value was before its last correction. */
const PreviousValuesQuery = graphql(`
  query ConsolePreviousValues($subjectId: ID!, $asOf: DateTime!) {
    measurements(filter: { subjectId: $subjectId }, asOf: $asOf, includeRetracted: true, first: 1000) {
      nodes {
        id
        value
        unit
        category
        retracted
      }
    }
  }
`);

const HistoryQuery = graphql(`
  query ConsoleSubjectHistory($streamId: String!) {
    history(streamId: $streamId) {
      globalPosition
      revision
      type
      actorId
      actorRole
      reason
      recordedAt
      occurredAt
      hash
      changes {
        field
        previous
        new
      }
    }
  }
`);

type SubjectData = NonNullable<ConsoleSubjectQuery['subject']>;
type Entry = SubjectData['timeline'][number];
type MeasurementRow = NonNullable<Entry['measurement']>;

const shown = (m: { value?: number | null; unit?: string | null; category?: string | null }): string =>
  m.category ?? (m.value === null || m.value === undefined ? '—' : `${m.value} ${m.unit ?? ''}`.trim());

/** One millisecond before an ISO instant: asOf includes events recorded at the instant itself. */
const justBefore = (iso: string): string => new Date(new Date(iso).getTime() - 1).toISOString();

/**
 * A subject's timeline as the API returns it, with an as-of slider over the moments the registry learnt something
 * about the subject: moving it re-asks the API for the subject at that moment (nothing is replayed in the browser).
 */
export function SubjectScreen({ id }: { id: string }) {
  const [consistentWith, setConsistentWith] = useState<string | null>(null);
  const [now] = useQuery({ query: SubjectQuery, variables: { id, consistentWith } });
  const [step, setStep] = useState<number | null>(null);
  const subjectNow = now.data?.subject ?? null;

  // Every moment that changed what the registry knew about this subject, oldest first; the last slider stop is "now".
  const moments = useMemo(() => {
    const set = new Set<string>();
    for (const e of subjectNow?.timeline ?? []) {
      set.add(e.recordedAt);
      if (e.measurement) set.add(e.measurement.versionRecordedAt);
      if (e.outcome) set.add(e.outcome.versionRecordedAt);
    }
    return [...set].sort();
  }, [subjectNow]);
  const last = moments.length; // index `moments.length` = now
  const index = step === null ? last : Math.min(step, last);
  const asOf = index < last ? moments[index]! : null;
  const [past] = useQuery({ query: SubjectQuery, variables: { id, asOf }, pause: asOf === null });

  if (isDenied(now.error)) return <Denied errors={apiErrors(now.error)} />;
  if (now.fetching && !now.data) return <p>Loading…</p>;
  if (!subjectNow) {
    return (
      <section>
        <h1>Subject {id}</h1>
        <ErrorBanner errors={apiErrors(now.error)} />
        {!now.error ? <p>No subject with this id.</p> : null}
      </section>
    );
  }
  const subject = asOf === null ? subjectNow : (past.data?.subject ?? null);
  const newestPosition = (s: SubjectData | null) =>
    s?.timeline.reduce<string | null>((m, e) => (m === null || BigInt(e.position) > BigInt(m) ? e.position : m), null);

  return (
    <section>
      <p>{subjectNow.trialId ? <Link to={`/trials/${encodeURIComponent(subjectNow.trialId)}`}>← Trial {subjectNow.trialId}</Link> : null}</p>
      <h1>Subject {subjectNow.pseudonym}</h1>
      <StatusLine asOf={asOf} position={asOf ? newestPosition(subject) : null} />
      <div className="as-of">
        <label htmlFor="as-of-slider">What the registry knew at</label>
        <input
          id="as-of-slider"
          type="range"
          min={0}
          max={last}
          step={1}
          value={index}
          aria-valuetext={asOf ?? 'now'}
          onChange={(e) => setStep(Number(e.target.value) >= last ? null : Number(e.target.value))}
        />
        <output htmlFor="as-of-slider" data-testid="as-of-value">
          {asOf ?? 'now'}
        </output>
        {asOf ? (
          <button type="button" onClick={() => setStep(null)}>
            Back to now
          </button>
        ) : null}
      </div>
      {subject ? <SubjectFacts subject={subject} /> : <p>Loading…</p>}
      {subject ? <Timeline subject={subject} subjectId={id} historical={asOf !== null} /> : null}
      {asOf === null ? <MeasurementEntry subject={subjectNow} onWritten={(position) => setConsistentWith(position)} /> : null}
      {asOf === null ? <SubjectEntry subject={subjectNow} onWritten={(position) => setConsistentWith(position)} /> : null}
      {asOf === null ? <SubjectSignatures subjectId={id} written={consistentWith} /> : null}
      <History subjectId={id} />
    </section>
  );
}

function SubjectFacts({ subject }: { subject: SubjectData }) {
  return (
    <dl className="facts">
      <dt>Id</dt>
      <dd>{subject.id}</dd>
      <dt>Status</dt>
      <dd data-testid="subject-status">{subject.status}</dd>
      <dt>Site</dt>
      <dd>{subject.siteId ?? '—'}</dd>
      <dt>Arm</dt>
      <dd>{subject.armCode ?? '—'}</dd>
      <dt>Enrolled</dt>
      <dd>{subject.enrolledAt ?? '—'}</dd>
      <dt>Version</dt>
      <dd>{subject.version}</dd>
    </dl>
  );
}

function Timeline({ subject, subjectId, historical }: { subject: SubjectData; subjectId: string; historical: boolean }) {
  return (
    <>
      <h2>Timeline{historical ? ' (as it was known then)' : ''}</h2>
      <ol className="timeline" data-testid="timeline">
        {subject.timeline.map((e) => (
          <li key={`${e.position}-${e.kind}`} className={`entry entry-${e.kind.toLowerCase()}`}>
            <p className="when">
              <time dateTime={e.occurredAt}>{e.occurredAt.slice(0, 10)}</time> · {e.kind.toLowerCase().replace('_', ' ')} · recorded {e.recordedAt} · position{' '}
              {e.position}
            </p>
            {e.milestone ? <p>{e.milestone.type}</p> : null}
            {e.imagingStudy ? (
              <p>
                {e.imagingStudy.modality} study {e.imagingStudy.studyInstanceUid} at {e.imagingStudy.siteId}
                {e.imagingStudy.scannerModel ? ` (${e.imagingStudy.scannerManufacturer ?? ''} ${e.imagingStudy.scannerModel})` : ''}
              </p>
            ) : null}
            {e.measurement ? <MeasurementView m={e.measurement} subjectId={subjectId} /> : null}
            {e.outcome ? (
              <p>
                Outcome {e.outcome.type} ({e.outcome.source}){e.outcome.recistResponse ? ` ${e.outcome.recistResponse}` : ''}
                {e.outcome.stage ? ` stage ${e.outcome.stage}` : ''}
                {e.outcome.correctionCount > 0 ? ` · corrected ${e.outcome.correctionCount}× (${e.outcome.changeReason ?? ''})` : ''}
              </p>
            ) : null}
          </li>
        ))}
      </ol>
    </>
  );
}

function MeasurementView({ m, subjectId }: { m: MeasurementRow; subjectId: string }) {
  const label = `${m.biomarkerId} at ${m.timePoint}${m.lesion ? `, ${m.lesion.label}` : ''} (${m.method.toLowerCase()}${m.readerId ? `, reader ${m.readerId}` : ''}${m.algorithmVersionId ? `, ${m.algorithmVersionId}` : ''})`;
  return (
    <div className="measurement" data-testid={`measurement-${m.id}`} data-measurement-id={m.id}>
      <p>
        {label}:{' '}
        {m.retracted ? (
          <>
            <s data-testid="retracted-value">{shown(m)}</s> <strong>retracted</strong> — {m.changeReason}
          </>
        ) : (
          <strong data-testid="current-value">{shown(m)}</strong>
        )}
        {m.originalUnit && m.originalUnit !== m.unit ? ` (entered as ${m.originalValue} ${m.originalUnit})` : ''}
      </p>
      {m.correctionCount > 0 && !m.retracted ? <Correction m={m} subjectId={subjectId} /> : null}
      <p className="meta">
        id {m.id} · version {m.version} · first recorded {m.recordedAt}
        {m.version > 0 ? ` · this value recorded ${m.versionRecordedAt}` : ''}
      </p>
    </div>
  );
}

/** Old and new value side by side: the old one is what the API says it knew just before the last correction. */
function Correction({ m, subjectId }: { m: MeasurementRow; subjectId: string }) {
  const [{ data }] = useQuery({ query: PreviousValuesQuery, variables: { subjectId, asOf: justBefore(m.versionRecordedAt) } });
  const before = data?.measurements.nodes.find((n) => n.id === m.id);
  return (
    <table className="correction" data-testid="correction">
      <caption>
        Corrected {m.correctionCount}× — last on {m.versionRecordedAt}
      </caption>
      <thead>
        <tr>
          <th scope="col">Before</th>
          <th scope="col">After</th>
          <th scope="col">Reason</th>
        </tr>
      </thead>
      <tbody>
        <tr>
          <td data-testid="old-value">{before ? shown(before) : '…'}</td>
          <td data-testid="new-value">{shown(m)}</td>
          <td>{m.changeReason}</td>
        </tr>
      </tbody>
    </table>
  );
}

/** Who did what, when and why: the audit history of the subject's stream, when the API releases it to this role. */
function History({ subjectId }: { subjectId: string }) {
  const [open, setOpen] = useState(false);
  const [{ data, error, fetching }] = useQuery({ query: HistoryQuery, variables: { streamId: `subject-${subjectId}` }, pause: !open });
  return (
    <section aria-labelledby="history-heading">
      <h2 id="history-heading">Event history (who, when, why)</h2>
      {!open ? (
        <button type="button" onClick={() => setOpen(true)}>
          Show the event history
        </button>
      ) : null}
      {open && fetching ? <p>Loading…</p> : null}
      {open && isDenied(error) ? <p data-testid="history-denied">The registry does not release the event history of this subject to your role.</p> : null}
      {open && error && !isDenied(error) ? <ErrorBanner errors={apiErrors(error)} /> : null}
      {data ? (
        <table data-testid="history">
          <thead>
            <tr>
              <th scope="col">Position</th>
              <th scope="col">Event</th>
              <th scope="col">Who</th>
              <th scope="col">When recorded</th>
              <th scope="col">Reason</th>
              <th scope="col">Changes (before → after)</th>
            </tr>
          </thead>
          <tbody>
            {data.history.map((e) => (
              <tr key={e.globalPosition}>
                <td>{e.globalPosition}</td>
                <td>{e.type}</td>
                <td>
                  {e.actorId} ({e.actorRole})
                </td>
                <td>{e.recordedAt}</td>
                <td>{e.reason ?? ''}</td>
                <td>
                  {(e.changes ?? []).map((c) => (
                    <div key={c.field}>
                      {c.field}: <del>{c.previous}</del> → <ins>{c.new}</ins>
                    </div>
                  ))}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}
