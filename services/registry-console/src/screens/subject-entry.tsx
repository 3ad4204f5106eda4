import { useState, type FormEvent } from 'react';
import { useMutation, useQuery } from 'urql';
import { apiErrors } from '../client';
import { graphql } from '../gql';
import type {
  ConsoleSubjectQuery,
  ContrastAgent,
  EnrolSubjectInput,
  ImagingModality,
  OutcomeSource,
  OutcomeType,
  RandomiseSubjectInput,
  RecistResponse,
  RecordOutcomeInput,
  RegisterImagingStudyInput,
} from '../gql/graphql';
import { Link } from '../router';
import { ErrorBanner } from '../ui/errors';
import { Field, num, ReceiptNote, unplaced, useCommandId, type Receipt } from './measurement-entry';

// Coordinator data entry besides measurements (issue 21): enrol (trial page), randomise, register an imaging study and
// record an outcome (subject page). Each form follows the measurement forms: one commandId until the API accepted it
// (a double click is one command), the API's code on the input its `field` names, and the receipt's global position
// handed to the page so it reads the write back with consistentWith. The inputs are the SDL's input types (typed
// documents): a renamed or added required field fails the console's type check, and the option lists below are
// exhaustive records over the SDL enums, so a new enum value fails it too.

type SubjectData = NonNullable<ConsoleSubjectQuery['subject']>;

/** Every value of an SDL enum, in the order written here (the Record makes the compiler check none is missing). */
const options = <T extends string>(all: Record<T, string>) => Object.entries(all) as [T, string][];

const MODALITIES = options<ImagingModality>({
  CT: 'CT',
  MR: 'MR',
  PET: 'PET',
  SPECT: 'SPECT',
  NM: 'NM',
  MG: 'MG (mammography)',
  DBT: 'DBT (tomosynthesis)',
  US: 'US',
  CR: 'CR',
  DX: 'DX',
  XA: 'XA (angiography)',
  OT: 'Other',
});
const CONTRASTS = options<ContrastAgent>({ NONE: 'none', IV: 'IV', ORAL: 'oral', IV_AND_ORAL: 'IV and oral', OTHER: 'other' });
const OUTCOME_TYPES = options<OutcomeType>({
  DEATH: 'Death',
  PROGRESSION: 'Progression',
  RECURRENCE: 'Recurrence',
  RESPONSE_ASSESSMENT: 'Response assessment (RECIST)',
  CANCER_DIAGNOSIS: 'Cancer diagnosis',
  LAST_KNOWN_ALIVE: 'Last known alive (censoring)',
});
const OUTCOME_SOURCES = options<OutcomeSource>({
  INVESTIGATOR: 'Investigator',
  CENTRAL_REVIEW: 'Central review',
  MEDICAL_RECORD: 'Medical record',
  CANCER_REGISTRY_LINKAGE: 'Cancer registry linkage',
  DEATH_REGISTRY: 'Death registry',
  SELF_REPORT: 'Self report',
  OTHER: 'Other',
});
const RECIST = options<RecistResponse>({
  CR: 'CR (complete response)',
  PR: 'PR (partial response)',
  SD: 'SD (stable disease)',
  PD: 'PD (progressive disease)',
  NE: 'NE (not evaluable)',
  NON_CR_NON_PD: 'non-CR/non-PD',
});

const EnrolSubject = graphql(`
  mutation ConsoleEnrolSubject($input: EnrolSubjectInput!) {
    enrolSubject(input: $input) {
      id
      version
      globalPosition
      replayed
    }
  }
`);

const RandomiseSubject = graphql(`
  mutation ConsoleRandomiseSubject($input: RandomiseSubjectInput!) {
    randomiseSubject(input: $input) {
      id
      version
      globalPosition
      replayed
    }
  }
`);

const RegisterImagingStudy = graphql(`
  mutation ConsoleRegisterImagingStudy($input: RegisterImagingStudyInput!) {
    registerImagingStudy(input: $input) {
      id
      version
      globalPosition
      replayed
    }
  }
`);

const RecordOutcome = graphql(`
  mutation ConsoleRecordOutcome($input: RecordOutcomeInput!) {
    recordOutcome(input: $input) {
      id
      createdIds
      version
      globalPosition
      replayed
    }
  }
`);

const SubjectTrialQuery = graphql(`
  query ConsoleSubjectTrial($id: ID!) {
    trial(id: $id) {
      id
      schedule {
        code
      }
      arms {
        code
        name
      }
    }
  }
`);

const blank = (s: string): string | null => (s.trim() === '' ? null : s.trim());
const today = () => new Date().toISOString().slice(0, 10);

/** Enrols a subject in this trial (trial page). The receipt links to the new subject. */
export function EnrolForm({ trialId, sites, onWritten }: { trialId: string; sites: readonly string[]; onWritten: (position: string) => void }) {
  const [commandId, nextCommand] = useCommandId();
  const [siteId, setSiteId] = useState('');
  const [pseudonym, setPseudonym] = useState('');
  const [consentVersion, setConsentVersion] = useState('');
  const [consentDate, setConsentDate] = useState(today);
  const [receipt, setReceipt] = useState<(Receipt & { id: string }) | null>(null);
  const [state, enrol] = useMutation(EnrolSubject);
  const errors = apiErrors(state.error);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (state.fetching) return;
    const input: EnrolSubjectInput = { commandId, trialId, siteId: siteId || sites[0] || '', pseudonym, consentVersion, consentDate };
    const r = (await enrol({ input })).data?.enrolSubject;
    if (r) {
      setReceipt(r);
      nextCommand();
      setPseudonym('');
      if (r.globalPosition) onWritten(r.globalPosition);
    }
  };
  return (
    <form onSubmit={(e) => void submit(e)} aria-labelledby="enrol-heading" data-testid="enrol-form" className="entry-form">
      <h3 id="enrol-heading">Enrol a subject</h3>
      <Field id="enr-site" label="Site" errors={errors} field="siteId">
        <select id="enr-site" value={siteId || sites[0] || ''} onChange={(e) => setSiteId(e.target.value)}>
          {sites.map((s) => (
            <option key={s}>{s}</option>
          ))}
        </select>
      </Field>
      <Field id="enr-pseudonym" label="Pseudonym (e.g. ONC-0001; never a name or national id)" errors={errors} field="pseudonym">
        <input id="enr-pseudonym" value={pseudonym} autoComplete="off" onChange={(e) => setPseudonym(e.target.value)} />
      </Field>
      <Field id="enr-consent-version" label="Consent form version" errors={errors} field="consentVersion">
        <input id="enr-consent-version" value={consentVersion} onChange={(e) => setConsentVersion(e.target.value)} />
      </Field>
      <Field id="enr-consent-date" label="Consent date" errors={errors} field="consentDate">
        <input id="enr-consent-date" type="date" value={consentDate} onChange={(e) => setConsentDate(e.target.value)} />
      </Field>
      <ErrorBanner errors={unplaced(errors, ['siteId', 'pseudonym', 'consentVersion', 'consentDate'])} />
      <button type="submit" disabled={state.fetching}>
        Enrol
      </button>
      <ReceiptNote receipt={receipt} />
      {receipt ? (
        <p>
          <Link to={`/subjects/${encodeURIComponent(receipt.id)}`} data-testid="enrolled-link">
            Open the enrolled subject
          </Link>
        </p>
      ) : null}
    </form>
  );
}

/** The subject page's forms besides measurements; randomisation only for a trial subject not randomised yet. */
export function SubjectEntry({ subject, onWritten }: { subject: SubjectData; onWritten: (position: string) => void }) {
  const [{ data }] = useQuery({ query: SubjectTrialQuery, variables: { id: subject.trialId ?? '' }, pause: !subject.trialId });
  const trial = data?.trial ?? null;
  return (
    <section aria-labelledby="subject-entry-heading" className="entry-forms">
      <h2 id="subject-entry-heading">Enrolment, imaging and outcomes</h2>
      {subject.kind === 'TRIAL' && subject.status === 'enrolled' ? (
        <RandomiseForm subjectId={subject.id} arms={trial?.arms ?? []} onWritten={onWritten} />
      ) : null}
      <StudyForm subject={subject} onWritten={onWritten} />
      <OutcomeForm subjectId={subject.id} timePoints={trial?.schedule.map((s) => s.code) ?? []} onWritten={onWritten} />
    </section>
  );
}

function RandomiseForm({ subjectId, arms, onWritten }: { subjectId: string; arms: readonly { code: string; name: string }[]; onWritten: (p: string) => void }) {
  const [commandId, nextCommand] = useCommandId();
  const [armCode, setArmCode] = useState('');
  const [stratum, setStratum] = useState('');
  const [randomisedAt, setRandomisedAt] = useState(today);
  const [receipt, setReceipt] = useState<Receipt | null>(null);
  const [state, randomise] = useMutation(RandomiseSubject);
  const errors = apiErrors(state.error);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (state.fetching) return;
    const input: RandomiseSubjectInput = { commandId, subjectId, armCode: armCode || arms[0]?.code || '', stratum, randomisedAt: blank(randomisedAt) };
    const r = (await randomise({ input })).data?.randomiseSubject;
    if (r) {
      setReceipt(r);
      nextCommand();
      if (r.globalPosition) onWritten(r.globalPosition);
    }
  };
  return (
    <form onSubmit={(e) => void submit(e)} aria-labelledby="randomise-heading" data-testid="randomise-form" className="entry-form">
      <h3 id="randomise-heading">Randomise</h3>
      <p className="meta">The registry records the arm your allocation service assigned; it does not allocate.</p>
      <Field id="ran-arm" label="Arm" errors={errors} field="armCode">
        <select id="ran-arm" value={armCode || arms[0]?.code || ''} onChange={(e) => setArmCode(e.target.value)}>
          {arms.map((a) => (
            <option key={a.code} value={a.code}>
              {a.code} — {a.name}
            </option>
          ))}
        </select>
      </Field>
      <Field id="ran-stratum" label="Stratum" errors={errors} field="stratum">
        <input id="ran-stratum" value={stratum} onChange={(e) => setStratum(e.target.value)} />
      </Field>
      <Field id="ran-date" label="Randomised on" errors={errors} field="randomisedAt">
        <input id="ran-date" type="date" value={randomisedAt} onChange={(e) => setRandomisedAt(e.target.value)} />
      </Field>
      <ErrorBanner errors={unplaced(errors, ['armCode', 'stratum', 'randomisedAt'])} />
      <button type="submit" disabled={state.fetching}>
        Randomise
      </button>
      <ReceiptNote receipt={receipt} />
    </form>
  );
}

function StudyForm({ subject, onWritten }: { subject: SubjectData; onWritten: (p: string) => void }) {
  const [commandId, nextCommand] = useCommandId();
  const [uid, setUid] = useState('');
  const [modality, setModality] = useState<ImagingModality>('CT');
  const [acquired, setAcquired] = useState(today);
  const [siteId, setSiteId] = useState(subject.siteId ?? '');
  const [manufacturer, setManufacturer] = useState('');
  const [model, setModel] = useState('');
  const [slice, setSlice] = useState('');
  const [kvp, setKvp] = useState('');
  const [contrast, setContrast] = useState<ContrastAgent | ''>('');
  const [receipt, setReceipt] = useState<Receipt | null>(null);
  const [state, register] = useMutation(RegisterImagingStudy);
  const errors = apiErrors(state.error);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (state.fetching) return;
    const input: RegisterImagingStudyInput = {
      commandId,
      studyInstanceUid: uid.trim(),
      subjectId: subject.id,
      modality,
      acquisitionDateTime: acquired,
      siteId,
      scanner: { manufacturer, model },
      sliceThicknessMm: num(slice),
      kvp: num(kvp),
      contrast: contrast || null,
    };
    const r = (await register({ input })).data?.registerImagingStudy;
    if (r) {
      setReceipt(r);
      nextCommand();
      setUid('');
      if (r.globalPosition) onWritten(r.globalPosition);
    }
  };
  return (
    <form onSubmit={(e) => void submit(e)} aria-labelledby="study-heading" data-testid="study-form" className="entry-form">
      <h3 id="study-heading">Register an imaging study</h3>
      <Field id="stu-uid" label="Study Instance UID" errors={errors} field="studyInstanceUid">
        <input id="stu-uid" value={uid} inputMode="decimal" autoComplete="off" onChange={(e) => setUid(e.target.value)} />
      </Field>
      <Field id="stu-modality" label="Modality" errors={errors} field="modality">
        <select id="stu-modality" value={modality} onChange={(e) => setModality(e.target.value as ImagingModality)}>
          {MODALITIES.map(([v, label]) => (
            <option key={v} value={v}>
              {label}
            </option>
          ))}
        </select>
      </Field>
      <Field id="stu-acquired" label="Acquired on" errors={errors} field="acquisitionDateTime">
        <input id="stu-acquired" type="date" value={acquired} onChange={(e) => setAcquired(e.target.value)} />
      </Field>
      <Field id="stu-site" label="Site" errors={errors} field="siteId">
        <input id="stu-site" value={siteId} onChange={(e) => setSiteId(e.target.value)} />
      </Field>
      <Field id="stu-manufacturer" label="Scanner manufacturer" errors={errors} field="manufacturer">
        <input id="stu-manufacturer" value={manufacturer} onChange={(e) => setManufacturer(e.target.value)} />
      </Field>
      <Field id="stu-model" label="Scanner model" errors={errors} field="model">
        <input id="stu-model" value={model} onChange={(e) => setModel(e.target.value)} />
      </Field>
      <Field id="stu-slice" label="Slice thickness (mm, optional)" errors={errors} field="sliceThicknessMm">
        <input id="stu-slice" inputMode="decimal" value={slice} onChange={(e) => setSlice(e.target.value)} />
      </Field>
      <Field id="stu-kvp" label="kVp (optional)" errors={errors} field="kvp">
        <input id="stu-kvp" inputMode="decimal" value={kvp} onChange={(e) => setKvp(e.target.value)} />
      </Field>
      <Field id="stu-contrast" label="Contrast (optional)" errors={errors} field="contrast">
        <select id="stu-contrast" value={contrast} onChange={(e) => setContrast(e.target.value as ContrastAgent | '')}>
          <option value="">not stated</option>
          {CONTRASTS.map(([v, label]) => (
            <option key={v} value={v}>
              {label}
            </option>
          ))}
        </select>
      </Field>
      <ErrorBanner
        errors={unplaced(errors, [
          'studyInstanceUid',
          'modality',
          'acquisitionDateTime',
          'siteId',
          'manufacturer',
          'model',
          'sliceThicknessMm',
          'kvp',
          'contrast',
        ])}
      />
      <button type="submit" disabled={state.fetching}>
        Register study
      </button>
      <ReceiptNote receipt={receipt} stream="study" />
    </form>
  );
}

function OutcomeForm({ subjectId, timePoints, onWritten }: { subjectId: string; timePoints: readonly string[]; onWritten: (p: string) => void }) {
  const [commandId, nextCommand] = useCommandId();
  const [outcomeType, setOutcomeType] = useState<OutcomeType>('RESPONSE_ASSESSMENT');
  const [occurredAt, setOccurredAt] = useState(today);
  const [source, setSource] = useState<OutcomeSource>('INVESTIGATOR');
  const [recist, setRecist] = useState<RecistResponse | ''>('');
  const [stage, setStage] = useState('');
  const [timePoint, setTimePoint] = useState('');
  const [notes, setNotes] = useState('');
  const [receipt, setReceipt] = useState<Receipt | null>(null);
  const [state, record] = useMutation(RecordOutcome);
  const errors = apiErrors(state.error);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (state.fetching) return;
    // The RECIST rule (required for a response assessment, refused otherwise) is the API's; the form only sends it.
    const input: RecordOutcomeInput = {
      commandId,
      subjectId,
      outcomeType,
      occurredAt,
      source,
      recistResponse: recist || null,
      stage: blank(stage),
      timePoint: blank(timePoint),
      notes: blank(notes),
    };
    const r = (await record({ input })).data?.recordOutcome;
    if (r) {
      setReceipt(r);
      nextCommand();
      setNotes('');
      if (r.globalPosition) onWritten(r.globalPosition);
    }
  };
  return (
    <form onSubmit={(e) => void submit(e)} aria-labelledby="outcome-heading" data-testid="outcome-form" className="entry-form">
      <h3 id="outcome-heading">Record an outcome</h3>
      <Field id="out-type" label="Outcome" errors={errors} field="outcomeType">
        <select id="out-type" value={outcomeType} onChange={(e) => setOutcomeType(e.target.value as OutcomeType)}>
          {OUTCOME_TYPES.map(([v, label]) => (
            <option key={v} value={v}>
              {label}
            </option>
          ))}
        </select>
      </Field>
      <Field id="out-date" label="Occurred on" errors={errors} field="occurredAt">
        <input id="out-date" type="date" value={occurredAt} onChange={(e) => setOccurredAt(e.target.value)} />
      </Field>
      <Field id="out-source" label="Source" errors={errors} field="source">
        <select id="out-source" value={source} onChange={(e) => setSource(e.target.value as OutcomeSource)}>
          {OUTCOME_SOURCES.map(([v, label]) => (
            <option key={v} value={v}>
              {label}
            </option>
          ))}
        </select>
      </Field>
      <Field id="out-recist" label="RECIST response (response assessments only)" errors={errors} field="recistResponse">
        <select id="out-recist" value={recist} onChange={(e) => setRecist(e.target.value as RecistResponse | '')}>
          <option value="">none</option>
          {RECIST.map(([v, label]) => (
            <option key={v} value={v}>
              {label}
            </option>
          ))}
        </select>
      </Field>
      <Field id="out-stage" label="Stage (optional: 0, IA … IV, UNKNOWN)" errors={errors} field="stage">
        <input id="out-stage" value={stage} onChange={(e) => setStage(e.target.value)} />
      </Field>
      <Field id="out-timepoint" label="Time point (optional)" errors={errors} field="timePoint">
        <input id="out-timepoint" list="out-timepoints" value={timePoint} onChange={(e) => setTimePoint(e.target.value)} />
        <datalist id="out-timepoints">
          {timePoints.map((t) => (
            <option key={t} value={t} />
          ))}
        </datalist>
      </Field>
      <Field id="out-notes" label="Notes (optional; no personal data)" errors={errors} field="notes">
        <input id="out-notes" value={notes} onChange={(e) => setNotes(e.target.value)} />
      </Field>
      <ErrorBanner errors={unplaced(errors, ['outcomeType', 'occurredAt', 'source', 'recistResponse', 'stage', 'timePoint', 'notes'])} />
      <button type="submit" disabled={state.fetching}>
        Record outcome
      </button>
      <ReceiptNote receipt={receipt} />
    </form>
  );
}
