import { useState, type FormEvent, type ReactNode } from 'react';
import { useMutation, useQuery } from 'urql';
import { apiErrors, type ApiError } from '../client';
import { graphql } from '../gql';
import type { ConsoleSubjectQuery, MeasurementMethod } from '../gql/graphql';
import { ErrorBanner, FieldError } from '../ui/errors';

type SubjectData = NonNullable<ConsoleSubjectQuery['subject']>;

const BiomarkersQuery = graphql(`
  query ConsoleBiomarkers {
    biomarkers(first: 200, includeRetired: false) {
      nodes {
        id
        name
        version
        unit
        valueKind
        categories
      }
    }
  }
`);

const RecordMeasurement = graphql(`
  mutation ConsoleRecordMeasurement($input: RecordMeasurementInput!) {
    recordMeasurement(input: $input) {
      id
      createdIds
      version
      globalPosition
      replayed
    }
  }
`);

const CorrectMeasurement = graphql(`
  mutation ConsoleCorrectMeasurement($input: CorrectMeasurementInput!) {
    correctMeasurement(input: $input) {
      id
      version
      globalPosition
      replayed
    }
  }
`);

const RetractMeasurement = graphql(`
  mutation ConsoleRetractMeasurement($input: RetractMeasurementInput!) {
    retractMeasurement(input: $input) {
      id
      version
      globalPosition
      replayed
    }
  }
`);

const METHODS: readonly MeasurementMethod[] = ['MANUAL', 'SEMI_AUTOMATIC', 'AI'];

/**
 * Idempotent submits: a form keeps one commandId from the moment it is filled until the API accepted it, so a double
 * click, a retry after a network error or a resend after BUSY is one command to the registry (commandId contract,
 * graphql/commands.graphql). A new id is drawn only after a receipt.
 */
export function useCommandId(): [string, () => void] {
  const [id, setId] = useState(() => crypto.randomUUID());
  return [id, () => setId(crypto.randomUUID())];
}

export const num = (s: string): number | null => (s.trim() === '' ? null : Number(s));

export interface Receipt {
  readonly globalPosition?: string | null;
  readonly replayed: boolean;
  readonly version: number;
}

export function ReceiptNote({ receipt, stream = 'subject' }: { receipt: Receipt | null; stream?: string }) {
  if (!receipt) return null;
  return (
    <p role="status" className="receipt" data-testid="receipt">
      Recorded{receipt.replayed ? ' (already recorded before: nothing new appended)' : ''} · {stream} version {receipt.version} · log position{' '}
      {receipt.globalPosition}
    </p>
  );
}

export function Field({ id, label, errors, field, children }: { id: string; label: string; errors: readonly ApiError[]; field: string; children: ReactNode }) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children}
      <FieldError errors={errors} field={field} id={`${id}-error`} />
    </div>
  );
}

/** Errors no input of the form shows, so none is lost. */
export const unplaced = (errors: readonly ApiError[], fields: readonly string[]) =>
  errors.filter((e) => !e.field || !fields.some((f) => e.field === f || e.field!.endsWith(`.${f}`)));

/** Data entry for coordinators and readers: record, correct (reason required by the API) and retract. */
export function MeasurementEntry({ subject, onWritten }: { subject: SubjectData; onWritten: (position: string) => void }) {
  const measurements = subject.timeline.flatMap((e) => (e.measurement && !e.measurement.retracted ? [e.measurement] : []));
  const studies = subject.timeline.flatMap((e) => (e.imagingStudy ? [e.imagingStudy.studyInstanceUid] : []));
  return (
    <section aria-labelledby="entry-heading" className="entry-forms">
      <h2 id="entry-heading">Data entry</h2>
      <RecordForm subjectId={subject.id} studies={studies} onWritten={onWritten} />
      {measurements.length > 0 ? <CorrectForm subjectId={subject.id} measurements={measurements} onWritten={onWritten} /> : null}
      {measurements.length > 0 ? <RetractForm subjectId={subject.id} measurements={measurements} onWritten={onWritten} /> : null}
    </section>
  );
}

function RecordForm({ subjectId, studies, onWritten }: { subjectId: string; studies: string[]; onWritten: (p: string) => void }) {
  const [{ data: catalogue }] = useQuery({ query: BiomarkersQuery });
  const biomarkers = catalogue?.biomarkers.nodes ?? [];
  const [commandId, nextCommand] = useCommandId();
  const [biomarkerId, setBiomarkerId] = useState('');
  const [value, setValue] = useState('');
  const [unit, setUnit] = useState('');
  const [category, setCategory] = useState('');
  const [study, setStudy] = useState('');
  const [timePoint, setTimePoint] = useState('BASELINE');
  const [method, setMethod] = useState<MeasurementMethod>('MANUAL');
  const [readerId, setReaderId] = useState('');
  const [algorithmVersionId, setAlgorithmVersionId] = useState('');
  const [receipt, setReceipt] = useState<Receipt | null>(null);
  const [state, record] = useMutation(RecordMeasurement);
  const chosen = biomarkers.find((b) => b.id === biomarkerId) ?? biomarkers[0];
  const errors = apiErrors(state.error);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (state.fetching || !chosen) return;
    const categorical = chosen.valueKind.toLowerCase() === 'categorical';
    const result = await record({
      input: {
        commandId,
        subjectId,
        biomarkerId: chosen.id,
        biomarkerVersion: chosen.version,
        value: categorical ? { category: category || null } : { value: num(value), unit: unit || chosen.unit || null },
        studyInstanceUid: study || studies[0] || '',
        timePoint,
        method,
        readerId: readerId || null,
        algorithmVersionId: algorithmVersionId || null,
      },
    });
    const r = result.data?.recordMeasurement;
    if (r) {
      setReceipt(r);
      nextCommand();
      if (r.globalPosition) onWritten(r.globalPosition);
    }
  };
  const categorical = chosen?.valueKind.toLowerCase() === 'categorical';
  return (
    <form onSubmit={(e) => void submit(e)} aria-labelledby="record-heading" data-testid="record-form">
      <h3 id="record-heading">Record a measurement</h3>
      <Field id="rec-biomarker" label="Biomarker" errors={errors} field="biomarkerId">
        <select id="rec-biomarker" value={chosen?.id ?? ''} onChange={(e) => setBiomarkerId(e.target.value)}>
          {biomarkers.map((b) => (
            <option key={b.id} value={b.id}>
              {b.name} ({b.id}, v{b.version})
            </option>
          ))}
        </select>
      </Field>
      {categorical ? (
        <Field id="rec-category" label="Category" errors={errors} field="category">
          <select id="rec-category" value={category} onChange={(e) => setCategory(e.target.value)}>
            <option value="">choose…</option>
            {(chosen?.categories ?? []).map((c) => (
              <option key={c}>{c}</option>
            ))}
          </select>
        </Field>
      ) : (
        <>
          <Field id="rec-value" label="Value" errors={errors} field="value">
            <input id="rec-value" inputMode="decimal" value={value} onChange={(e) => setValue(e.target.value)} />
          </Field>
          <Field id="rec-unit" label={`Unit (UCUM; default ${chosen?.unit ?? '—'})`} errors={errors} field="unit">
            <input id="rec-unit" value={unit} placeholder={chosen?.unit ?? ''} onChange={(e) => setUnit(e.target.value)} />
          </Field>
        </>
      )}
      <Field id="rec-study" label="Imaging study" errors={errors} field="studyInstanceUid">
        <select id="rec-study" value={study || studies[0] || ''} onChange={(e) => setStudy(e.target.value)}>
          {studies.length === 0 ? <option value="">no study registered</option> : null}
          {studies.map((s) => (
            <option key={s}>{s}</option>
          ))}
        </select>
      </Field>
      <Field id="rec-timepoint" label="Time point" errors={errors} field="timePoint">
        <input id="rec-timepoint" value={timePoint} onChange={(e) => setTimePoint(e.target.value)} />
      </Field>
      <Field id="rec-method" label="Method" errors={errors} field="method">
        <select id="rec-method" value={method} onChange={(e) => setMethod(e.target.value as MeasurementMethod)}>
          {METHODS.map((m) => (
            <option key={m}>{m}</option>
          ))}
        </select>
      </Field>
      <Field id="rec-reader" label="Reader id" errors={errors} field="readerId">
        <input id="rec-reader" value={readerId} onChange={(e) => setReaderId(e.target.value)} />
      </Field>
      <Field id="rec-algorithm" label="Algorithm version (for AI)" errors={errors} field="algorithmVersionId">
        <input id="rec-algorithm" value={algorithmVersionId} onChange={(e) => setAlgorithmVersionId(e.target.value)} />
      </Field>
      <ErrorBanner
        errors={unplaced(errors, ['biomarkerId', 'category', 'value', 'unit', 'studyInstanceUid', 'timePoint', 'method', 'readerId', 'algorithmVersionId'])}
      />
      <button type="submit" disabled={state.fetching}>
        Record
      </button>
      <ReceiptNote receipt={receipt} />
    </form>
  );
}

type Measurement = SubjectData['timeline'][number]['measurement'] & {};

function MeasurementPicker({ id, value, onChange, measurements }: { id: string; value: string; onChange: (v: string) => void; measurements: Measurement[] }) {
  return (
    <select id={id} value={value} onChange={(e) => onChange(e.target.value)}>
      {measurements.map((m) => (
        <option key={m.id} value={m.id}>
          {m.biomarkerId} at {m.timePoint}: {m.category ?? `${m.value} ${m.unit ?? ''}`} ({m.id.slice(0, 8)})
        </option>
      ))}
    </select>
  );
}

function CorrectForm({ subjectId, measurements, onWritten }: { subjectId: string; measurements: Measurement[]; onWritten: (p: string) => void }) {
  const [commandId, nextCommand] = useCommandId();
  const [measurementId, setMeasurementId] = useState(measurements[0]!.id);
  const [value, setValue] = useState('');
  const [unit, setUnit] = useState('');
  const [reason, setReason] = useState('');
  const [receipt, setReceipt] = useState<Receipt | null>(null);
  const [state, correct] = useMutation(CorrectMeasurement);
  const errors = apiErrors(state.error);
  const target = measurements.find((m) => m.id === measurementId) ?? measurements[0]!;
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (state.fetching) return;
    const categorical = target.category !== null && target.category !== undefined;
    const result = await correct({
      input: {
        commandId,
        subjectId,
        measurementId: target.id,
        value: categorical ? { category: value || null } : { value: num(value), unit: unit || target.unit || null },
        reason,
      },
    });
    const r = result.data?.correctMeasurement;
    if (r) {
      setReceipt(r);
      nextCommand();
      setValue('');
      setReason('');
      if (r.globalPosition) onWritten(r.globalPosition);
    }
  };
  return (
    <form onSubmit={(e) => void submit(e)} aria-labelledby="correct-heading" data-testid="correct-form">
      <h3 id="correct-heading">Correct a measurement</h3>
      <Field id="cor-measurement" label="Measurement" errors={errors} field="measurementId">
        <MeasurementPicker id="cor-measurement" value={target.id} onChange={setMeasurementId} measurements={measurements} />
      </Field>
      <Field id="cor-value" label="New value (or category)" errors={errors} field="value">
        <input id="cor-value" value={value} onChange={(e) => setValue(e.target.value)} />
      </Field>
      <Field id="cor-unit" label={`Unit (default ${target.unit ?? '—'})`} errors={errors} field="unit">
        <input id="cor-unit" value={unit} placeholder={target.unit ?? ''} onChange={(e) => setUnit(e.target.value)} />
      </Field>
      <Field id="cor-reason" label="Reason for the correction" errors={errors} field="reason">
        <input id="cor-reason" value={reason} onChange={(e) => setReason(e.target.value)} />
      </Field>
      <ErrorBanner errors={unplaced(errors, ['measurementId', 'value', 'unit', 'category', 'reason'])} />
      <button type="submit" disabled={state.fetching}>
        Correct
      </button>
      <ReceiptNote receipt={receipt} />
    </form>
  );
}

function RetractForm({ subjectId, measurements, onWritten }: { subjectId: string; measurements: Measurement[]; onWritten: (p: string) => void }) {
  const [commandId, nextCommand] = useCommandId();
  const [measurementId, setMeasurementId] = useState(measurements[0]!.id);
  const [reason, setReason] = useState('');
  const [receipt, setReceipt] = useState<Receipt | null>(null);
  const [state, retract] = useMutation(RetractMeasurement);
  const errors = apiErrors(state.error);
  const target = measurements.find((m) => m.id === measurementId) ?? measurements[0]!;
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (state.fetching) return;
    const result = await retract({ input: { commandId, subjectId, measurementId: target.id, reason } });
    const r = result.data?.retractMeasurement;
    if (r) {
      setReceipt(r);
      nextCommand();
      setReason('');
      if (r.globalPosition) onWritten(r.globalPosition);
    }
  };
  return (
    <form onSubmit={(e) => void submit(e)} aria-labelledby="retract-heading" data-testid="retract-form">
      <h3 id="retract-heading">Retract a measurement</h3>
      <Field id="ret-measurement" label="Measurement" errors={errors} field="measurementId">
        <MeasurementPicker id="ret-measurement" value={target.id} onChange={setMeasurementId} measurements={measurements} />
      </Field>
      <Field id="ret-reason" label="Reason for the retraction" errors={errors} field="reason">
        <input id="ret-reason" value={reason} onChange={(e) => setReason(e.target.value)} />
      </Field>
      <ErrorBanner errors={unplaced(errors, ['measurementId', 'reason'])} />
      <button type="submit" disabled={state.fetching}>
        Retract
      </button>
      <ReceiptNote receipt={receipt} />
    </form>
  );
}
