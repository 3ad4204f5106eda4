import { useState, type FormEvent } from 'react';
import { useQuery } from 'urql';
import { apiErrors } from '../client';
import { graphql } from '../gql';
import type { EndpointKind, ValidationStudyInput } from '../gql/graphql';
import { AuthorizedImage } from '../ui/authorized-image';
import { ErrorBanner, FieldError } from '../ui/errors';
import { StatusLine } from '../ui/status-line';

const BiomarkersQuery = graphql(`
  query ConsoleValidationBiomarkers {
    biomarkers(first: 200) {
      nodes {
        id
        name
      }
    }
  }
`);

const ValidationQuery = graphql(`
  query ConsoleValidationStudy($input: ValidationStudyInput!) {
    validationStudy(input: $input) {
      computedAtPosition
      subjectCount
      includedCount
      plotUrl
      kaplanMeierPlotUrl
      roc {
        auc
        lower
        upper
        nPositive
        nNegative
      }
      performance {
        threshold
        sensitivity {
          estimate
          lower
          upper
        }
        specificity {
          estimate
          lower
          upper
        }
      }
      cox {
        n
        events
        concordance
      }
      rows {
        subjectId
        trialId
        armCode
        siteId
        measurementId
        value
      }
    }
  }
`);

/** Biostatistics: choose biomarker, reading, endpoint and time point; the API computes and draws everything. */
export function ValidationScreen({ token }: { token: string }) {
  const [{ data: catalogue }] = useQuery({ query: BiomarkersQuery });
  const [form, setForm] = useState({
    biomarkerId: '',
    timePoint: 'BASELINE',
    trialId: '',
    kind: 'TIME_TO_EVENT' as EndpointKind,
    outcomeTypes: 'death',
    horizonDays: '365',
  });
  const [input, setInput] = useState<ValidationStudyInput | null>(null);
  const [{ data, error, fetching }] = useQuery({ query: ValidationQuery, variables: { input: input! }, pause: !input });
  const biomarkers = catalogue?.biomarkers.nodes ?? [];
  const errors = apiErrors(error);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setInput({
      biomarkerId: form.biomarkerId || biomarkers[0]?.id || '',
      timePoint: form.timePoint,
      indexTest: { accepted: 'ACCEPTED_OR_ONLY' },
      population: form.trialId ? { trialIds: [form.trialId] } : null,
      endpoint: {
        kind: form.kind,
        outcomeTypes: form.outcomeTypes
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean),
        horizonDays: form.horizonDays ? Number(form.horizonDays) : null,
      },
    });
  };
  const study = data?.validationStudy;
  const csv = study
    ? [
        'subjectId,trialId,armCode,siteId,measurementId,value',
        ...study.rows.map((r) => [r.subjectId, r.trialId ?? '', r.armCode ?? '', r.siteId ?? '', r.measurementId, r.value].join(',')),
      ].join('\n')
    : '';
  return (
    <section>
      <h1>Validation study</h1>
      <StatusLine position={study?.computedAtPosition ?? null} />
      <form onSubmit={submit} className="filters">
        <div className="field">
          <label htmlFor="vs-biomarker">Biomarker</label>
          <select id="vs-biomarker" value={form.biomarkerId} onChange={(e) => setForm({ ...form, biomarkerId: e.target.value })}>
            {biomarkers.map((b) => (
              <option key={b.id} value={b.id}>
                {b.name}
              </option>
            ))}
          </select>
          <FieldError errors={errors} field="biomarkerId" id="vs-biomarker-error" />
        </div>
        <div className="field">
          <label htmlFor="vs-timepoint">Time point</label>
          <input id="vs-timepoint" value={form.timePoint} onChange={(e) => setForm({ ...form, timePoint: e.target.value })} />
          <FieldError errors={errors} field="timePoint" id="vs-timepoint-error" />
        </div>
        <div className="field">
          <label htmlFor="vs-trial">Trial (empty: all you may see)</label>
          <input id="vs-trial" value={form.trialId} onChange={(e) => setForm({ ...form, trialId: e.target.value })} />
        </div>
        <div className="field">
          <label htmlFor="vs-kind">Endpoint</label>
          <select id="vs-kind" value={form.kind} onChange={(e) => setForm({ ...form, kind: e.target.value as EndpointKind })}>
            <option value="TIME_TO_EVENT">time to event</option>
            <option value="BINARY">binary at horizon</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor="vs-outcomes">Outcome types</label>
          <input id="vs-outcomes" value={form.outcomeTypes} onChange={(e) => setForm({ ...form, outcomeTypes: e.target.value })} />
          <FieldError errors={errors} field="outcomeTypes" id="vs-outcomes-error" />
        </div>
        <div className="field">
          <label htmlFor="vs-horizon">Horizon (days)</label>
          <input id="vs-horizon" inputMode="numeric" value={form.horizonDays} onChange={(e) => setForm({ ...form, horizonDays: e.target.value })} />
          <FieldError errors={errors} field="horizonDays" id="vs-horizon-error" />
        </div>
        <button type="submit">Compute</button>
      </form>
      <ErrorBanner errors={errors.filter((e) => !['biomarkerId', 'timePoint', 'outcomeTypes', 'horizonDays'].some((f) => e.field?.endsWith(f)))} />
      {fetching ? <p>Computing…</p> : null}
      {study ? (
        <div data-testid="validation-result">
          <p>
            {study.includedCount} of {study.subjectCount} subjects included
            {study.roc ? ` · AUC ${study.roc.auc.toFixed(3)} (95 % CI ${study.roc.lower.toFixed(3)}–${study.roc.upper.toFixed(3)})` : ''}
            {study.cox ? ` · Harrell's C ${study.cox.concordance.toFixed(3)}, ${study.cox.events} events` : ''}
          </p>
          <a href={`data:text/csv;charset=utf-8,${encodeURIComponent(csv)}`} download="validation-study.csv">
            Download the dataset (CSV, {study.rows.length} rows)
          </a>
          <div className="plots">
            <AuthorizedImage src={study.plotUrl} token={token} alt="ROC curve of the biomarker" />
            <AuthorizedImage src={study.kaplanMeierPlotUrl} token={token} alt="Kaplan–Meier curves by biomarker strata" />
          </div>
        </div>
      ) : null}
    </section>
  );
}
