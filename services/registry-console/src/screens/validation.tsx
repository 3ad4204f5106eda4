import { useState, type FormEvent } from 'react';
import { useQuery } from 'urql';
import { apiErrors } from '../client';
import { graphql } from '../gql';
import type {
  AcceptedReadingPolicy,
  AgreementInput,
  ClinicalCovariate,
  CovariateInput,
  EndpointKind,
  ReadingSelectionInput,
  ValidationStudyInput,
} from '../gql/graphql';
import { Link } from '../router';
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

const AlgorithmVersionsQuery = graphql(`
  query ConsoleValidationAlgorithms {
    algorithmVersions(first: 200) {
      nodes {
        id
        manufacturer
        name
        version
      }
    }
  }
`);

const ValidationQuery = graphql(`
  query ConsoleValidationStudy($input: ValidationStudyInput!) {
    validationStudy(input: $input) {
      computedAtPosition
      snapshotId
      subjectCount
      includedCount
      plotUrl
      kaplanMeierPlotUrl
      forestPlotUrl
      multivariable {
        survivalCases {
          eligible
          complete
        }
        cox {
          n
          events
        }
      }
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
      kaplanMeier {
        strata {
          label
          n
          events
          median
        }
        logRank {
          p
        }
      }
      rows {
        subjectId
        trialId
        programmeId
        armCode
        siteId
        measurementId
        value
        unit
        measuredAt
        time
        event
        label
        included
        exclusionReason
        position
        reading {
          raterKind
          method
          readerId
          algorithmVersionId
          adjudication
        }
      }
    }
  }
`);

const AgreementQuery = graphql(`
  query ConsoleValidationAgreement($input: AgreementInput!) {
    agreement(input: $input) {
      pairCount
      plotUrl
      blandAltman {
        n
        bias
        lower
        upper
      }
    }
  }
`);

type ReadingChoice = 'ACCEPTED_OR_ONLY' | 'ACCEPTED' | 'ALGORITHM' | 'READER';
type StrataChoice = 'MEDIAN' | 'THRESHOLD' | 'QUANTILES';
/** The second reading a Bland–Altman plot compares the index test with: none (no plot), an AI version or a reader. */
type SecondReading = 'NONE' | 'ALGORITHM' | 'READER';
const CLINICAL: readonly { value: ClinicalCovariate; label: string }[] = [
  { value: 'AGE', label: 'age' },
  { value: 'SEX', label: 'sex' },
  { value: 'STAGE', label: 'stage' },
];

/** The API's ReadingSelectionInput: exactly one rater, or the adjudicated reading under a stated policy. */
function readingInput(choice: ReadingChoice, raterId: string): ReadingSelectionInput {
  switch (choice) {
    case 'ACCEPTED':
    case 'ACCEPTED_OR_ONLY':
      return { accepted: choice as AcceptedReadingPolicy };
    case 'ALGORITHM':
      return { algorithmVersionId: raterId };
    case 'READER':
      return { readerId: raterId };
  }
}

const CSV_COLUMNS = [
  'subjectId',
  'trialId',
  'programmeId',
  'armCode',
  'siteId',
  'measurementId',
  'value',
  'unit',
  'measuredAt',
  'time',
  'event',
  'label',
  'included',
  'exclusionReason',
  'position',
  'raterKind',
  'method',
  'readerId',
  'algorithmVersionId',
  'adjudication',
] as const;

/** RFC 4180: quote a field holding a comma, quote or line break. */
const csvField = (v: unknown): string => {
  const t = v === null || v === undefined ? '' : String(v);
  return /[",\r\n]/.test(t) ? `"${t.replace(/"/g, '""')}"` : t;
};

/** Biostatistics: choose biomarker, reading, strata, endpoint and time point; the API computes and draws everything. */
export function ValidationScreen({ token }: { token: string }) {
  const [{ data: catalogue }] = useQuery({ query: BiomarkersQuery });
  const [{ data: algorithms }] = useQuery({ query: AlgorithmVersionsQuery });
  const [form, setForm] = useState({
    biomarkerId: '',
    timePoint: 'BASELINE',
    trialId: '',
    kind: 'TIME_TO_EVENT' as EndpointKind,
    outcomeTypes: 'death',
    horizonDays: '365',
    reading: 'ACCEPTED_OR_ONLY' as ReadingChoice,
    algorithmVersionId: '',
    readerId: '',
    strata: 'MEDIAN' as StrataChoice,
    threshold: '',
    quantiles: '4',
    snapshotId: '',
    clinical: [] as ClinicalCovariate[],
    covariateBiomarkerId: '',
    second: 'NONE' as SecondReading,
    secondAlgorithmVersionId: '',
    secondReaderId: '',
  });
  const [input, setInput] = useState<ValidationStudyInput | null>(null);
  const [agreementInput, setAgreementInput] = useState<AgreementInput | null>(null);
  const [{ data, error, fetching }] = useQuery({ query: ValidationQuery, variables: { input: input! }, pause: !input });
  const [agreementResult] = useQuery({ query: AgreementQuery, variables: { input: agreementInput! }, pause: !agreementInput });
  const biomarkers = catalogue?.biomarkers.nodes ?? [];
  const versions = algorithms?.algorithmVersions.nodes ?? [];
  const errors = apiErrors(error);
  const agreementErrors = apiErrors(agreementResult.error);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const rater = form.reading === 'ALGORITHM' ? form.algorithmVersionId || versions[0]?.id || '' : form.readerId.trim();
    const biomarkerId = form.biomarkerId || biomarkers[0]?.id || '';
    const indexTest = readingInput(form.reading, rater);
    const population = form.trialId ? { trialIds: [form.trialId] } : null;
    const snapshotId = form.snapshotId.trim() || null;
    // Covariates make the API fit the multivariable models; the forest plot draws the Cox one's hazard ratios.
    const covariates: CovariateInput[] = [
      ...form.clinical.map((clinical) => ({ clinical })),
      ...(form.covariateBiomarkerId ? [{ biomarkerId: form.covariateBiomarkerId }] : []),
    ];
    // Bland–Altman: the index test's readings against a second rater's of the same biomarker (the agreement query).
    const second = form.second === 'ALGORITHM' ? form.secondAlgorithmVersionId || versions[0]?.id || '' : form.secondReaderId.trim();
    setAgreementInput(
      form.second === 'NONE'
        ? null
        : { biomarkerId, timePoint: form.timePoint, population, raterA: indexTest, raterB: readingInput(form.second, second), snapshotId },
    );
    setInput({
      biomarkerId,
      timePoint: form.timePoint,
      indexTest,
      population,
      endpoint: {
        kind: form.kind,
        outcomeTypes: form.outcomeTypes
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean),
        horizonDays: form.horizonDays ? Number(form.horizonDays) : null,
      },
      strata:
        form.strata === 'THRESHOLD'
          ? { threshold: form.threshold.trim() === '' ? null : Number(form.threshold) }
          : form.strata === 'QUANTILES'
            ? { quantiles: Number(form.quantiles) }
            : null,
      multivariable: covariates.length > 0 ? { covariates } : null,
      snapshotId,
    });
  };
  const study = data?.validationStudy;
  // The dataset rows exactly as the API answered them (one per subject, with the reading each value came from).
  const csv = study
    ? [
        CSV_COLUMNS.join(','),
        ...study.rows.map((r) =>
          [
            r.subjectId,
            r.trialId,
            r.programmeId,
            r.armCode,
            r.siteId,
            r.measurementId,
            r.value,
            r.unit,
            r.measuredAt,
            r.time,
            r.event,
            r.label,
            r.included,
            r.exclusionReason,
            r.position,
            r.reading.raterKind,
            r.reading.method,
            r.reading.readerId,
            r.reading.algorithmVersionId,
            r.reading.adjudication,
          ]
            .map(csvField)
            .join(','),
        ),
      ].join('\r\n')
    : '';
  const placed = [
    'multivariable.covariates',
    'biomarkerId',
    'timePoint',
    'outcomeTypes',
    'horizonDays',
    'indexTest',
    'strata',
    'threshold',
    'quantiles',
    'snapshotId',
  ];
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
          <label htmlFor="vs-reading">Reading (index test)</label>
          <select id="vs-reading" value={form.reading} onChange={(e) => setForm({ ...form, reading: e.target.value as ReadingChoice })}>
            <option value="ACCEPTED_OR_ONLY">adjudicated, else the only reading</option>
            <option value="ACCEPTED">adjudicated readings only</option>
            <option value="ALGORITHM">one AI algorithm version</option>
            <option value="READER">one human reader</option>
          </select>
          <FieldError errors={errors} field="indexTest" id="vs-reading-error" />
        </div>
        {form.reading === 'ALGORITHM' ? (
          <div className="field">
            <label htmlFor="vs-algorithm">Algorithm version</label>
            <select id="vs-algorithm" value={form.algorithmVersionId} onChange={(e) => setForm({ ...form, algorithmVersionId: e.target.value })}>
              {versions.map((v) => (
                <option key={v.id} value={v.id}>
                  {v.manufacturer} {v.name} {v.version}
                </option>
              ))}
            </select>
            <FieldError errors={errors} field="algorithmVersionId" id="vs-algorithm-error" />
          </div>
        ) : null}
        {form.reading === 'READER' ? (
          <div className="field">
            <label htmlFor="vs-reader">Reader id</label>
            <input id="vs-reader" value={form.readerId} onChange={(e) => setForm({ ...form, readerId: e.target.value })} />
            <FieldError errors={errors} field="readerId" id="vs-reader-error" />
          </div>
        ) : null}
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
        <div className="field">
          <label htmlFor="vs-strata">Kaplan–Meier strata</label>
          <select id="vs-strata" value={form.strata} onChange={(e) => setForm({ ...form, strata: e.target.value as StrataChoice })}>
            <option value="MEDIAN">median split</option>
            <option value="THRESHOLD">below / at or above a threshold</option>
            <option value="QUANTILES">quantile groups</option>
          </select>
          <FieldError errors={errors} field="strata" id="vs-strata-error" />
        </div>
        {form.strata === 'THRESHOLD' ? (
          <div className="field">
            <label htmlFor="vs-threshold">Strata threshold</label>
            <input id="vs-threshold" inputMode="decimal" value={form.threshold} onChange={(e) => setForm({ ...form, threshold: e.target.value })} />
            <FieldError errors={errors} field="threshold" id="vs-threshold-error" />
          </div>
        ) : null}
        {form.strata === 'QUANTILES' ? (
          <div className="field">
            <label htmlFor="vs-quantiles">Quantile groups</label>
            <input id="vs-quantiles" inputMode="numeric" value={form.quantiles} onChange={(e) => setForm({ ...form, quantiles: e.target.value })} />
            <FieldError errors={errors} field="quantiles" id="vs-quantiles-error" />
          </div>
        ) : null}
        <div className="field">
          <label htmlFor="vs-snapshot">Frozen snapshot id (empty: live data)</label>
          <input id="vs-snapshot" value={form.snapshotId} onChange={(e) => setForm({ ...form, snapshotId: e.target.value })} />
          <FieldError errors={errors} field="snapshotId" id="vs-snapshot-error" />
        </div>
        <fieldset className="field">
          <legend>Covariates (forest plot)</legend>
          {CLINICAL.map((c) => (
            <label key={c.value} className="inline">
              <input
                type="checkbox"
                checked={form.clinical.includes(c.value)}
                onChange={(e) => setForm({ ...form, clinical: e.target.checked ? [...form.clinical, c.value] : form.clinical.filter((v) => v !== c.value) })}
              />{' '}
              {c.label}
            </label>
          ))}
          <FieldError errors={errors} field="multivariable.covariates" id="vs-covariates-error" />
        </fieldset>
        <div className="field">
          <label htmlFor="vs-covariate-biomarker">Biomarker covariate</label>
          <select id="vs-covariate-biomarker" value={form.covariateBiomarkerId} onChange={(e) => setForm({ ...form, covariateBiomarkerId: e.target.value })}>
            <option value="">none</option>
            {biomarkers.map((b) => (
              <option key={b.id} value={b.id}>
                {b.name}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="vs-second">Second reading (Bland–Altman against the index test)</label>
          <select id="vs-second" value={form.second} onChange={(e) => setForm({ ...form, second: e.target.value as SecondReading })}>
            <option value="NONE">none</option>
            <option value="ALGORITHM">one AI algorithm version</option>
            <option value="READER">one human reader</option>
          </select>
          <FieldError errors={agreementErrors} field="raterB" id="vs-second-error" />
        </div>
        {form.second === 'ALGORITHM' ? (
          <div className="field">
            <label htmlFor="vs-second-algorithm">Second algorithm version</label>
            <select
              id="vs-second-algorithm"
              value={form.secondAlgorithmVersionId}
              onChange={(e) => setForm({ ...form, secondAlgorithmVersionId: e.target.value })}
            >
              {versions.map((v) => (
                <option key={v.id} value={v.id}>
                  {v.manufacturer} {v.name} {v.version}
                </option>
              ))}
            </select>
          </div>
        ) : null}
        {form.second === 'READER' ? (
          <div className="field">
            <label htmlFor="vs-second-reader">Second reader id</label>
            <input id="vs-second-reader" value={form.secondReaderId} onChange={(e) => setForm({ ...form, secondReaderId: e.target.value })} />
          </div>
        ) : null}
        <button type="submit">Compute</button>
      </form>
      <ErrorBanner errors={errors.filter((e) => !placed.some((f) => e.field === f || e.field?.endsWith(`.${f}`) || e.field?.startsWith(`${f}.`)))} />
      {fetching ? <p>Computing…</p> : null}
      {study ? (
        <div data-testid="validation-result">
          <p>
            {study.includedCount} of {study.subjectCount} subjects included
            {study.roc ? ` · AUC ${study.roc.auc.toFixed(3)} (95 % CI ${study.roc.lower.toFixed(3)}–${study.roc.upper.toFixed(3)})` : ''}
            {study.cox ? ` · Harrell's C ${study.cox.concordance.toFixed(3)}, ${study.cox.events} events` : ''}
            {study.snapshotId ? ` · from snapshot ${study.snapshotId}` : ''}
          </p>
          {study.kaplanMeier ? (
            <table data-testid="km-strata">
              <caption>Kaplan–Meier strata{study.kaplanMeier.logRank ? ` (log-rank p = ${study.kaplanMeier.logRank.p.toPrecision(3)})` : ''}</caption>
              <thead>
                <tr>
                  <th scope="col">Stratum</th>
                  <th scope="col">Subjects</th>
                  <th scope="col">Events</th>
                  <th scope="col">Median time (days)</th>
                </tr>
              </thead>
              <tbody>
                {study.kaplanMeier.strata.map((k) => (
                  <tr key={k.label}>
                    <td>{k.label}</td>
                    <td>{k.n}</td>
                    <td>{k.events}</td>
                    <td>{k.median ?? 'not reached'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : null}
          <p>
            <a href={`data:text/csv;charset=utf-8,${encodeURIComponent(csv)}`} download="validation-study.csv" data-testid="validation-csv">
              Download the dataset (CSV, {study.rows.length} rows, with the reading of each value)
            </a>
            {study.snapshotId ? (
              <>
                {' '}
                · the frozen snapshot&apos;s own CSV exports (with their SHA-256) are on <Link to="/snapshots">Snapshots</Link>
              </>
            ) : null}
          </p>
          <div className="plots">
            <AuthorizedImage src={study.plotUrl} token={token} alt="ROC curve of the biomarker" />
            <AuthorizedImage src={study.kaplanMeierPlotUrl} token={token} alt="Kaplan–Meier curves by biomarker strata" />
          </div>
          {study.forestPlotUrl ? (
            <section data-testid="forest">
              <h2>Multivariable Cox model</h2>
              {study.multivariable?.survivalCases ? (
                <p>
                  {study.multivariable.survivalCases.complete} of {study.multivariable.survivalCases.eligible} evaluable subjects have every covariate
                  {study.multivariable.cox ? ` · ${study.multivariable.cox.events} events` : ''}
                </p>
              ) : null}
              <AuthorizedImage src={study.forestPlotUrl} token={token} alt="Forest plot of the hazard ratios of the biomarker and the covariates" />
            </section>
          ) : null}
        </div>
      ) : null}
      {agreementInput ? (
        <section data-testid="agreement">
          <h2>Agreement with the second reading</h2>
          <ErrorBanner errors={agreementErrors.filter((e) => e.field !== 'raterB' && !e.field?.startsWith('raterB.'))} />
          {agreementResult.data ? (
            <>
              <p>
                {agreementResult.data.agreement.pairCount} pairs
                {agreementResult.data.agreement.blandAltman
                  ? ` · bias ${agreementResult.data.agreement.blandAltman.bias.toPrecision(3)}, limits of agreement ${agreementResult.data.agreement.blandAltman.lower.toPrecision(3)} to ${agreementResult.data.agreement.blandAltman.upper.toPrecision(3)}`
                  : ''}
              </p>
              <AuthorizedImage
                src={agreementResult.data.agreement.plotUrl}
                token={token}
                alt="Bland–Altman plot: difference against mean of the index test and the second reading"
              />
            </>
          ) : null}
        </section>
      ) : null}
    </section>
  );
}
