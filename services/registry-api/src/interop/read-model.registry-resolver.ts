import { subjectDecider, subjectStreamId, type SubjectCommand, type SubjectState } from '#domain';
import {
  REGISTRY_CODE_SCHEME,
  type BiomarkerMatch,
  type CodedConcept,
  type Observer,
  type RegistryResolver,
  type ResolverAnswer,
  type SubjectReference,
} from '#interop';
import { outOfScope, type VerifiedActor } from '../auth/actor.js';
import {
  algorithmAnswer,
  algorithmLookup,
  biomarkerAnswer,
  codedConceptLabel,
  imagingStudyAnswer,
  pseudonymAnswer,
  readerAnswer,
  SUBJECT_NOT_IN_SCOPE,
  type AlgorithmRow,
  type BiomarkerRow,
  type ImagingStudyRow,
} from './registry-resolver.mapping.js';

export type SqlQuery = <T>(sql: string, params: readonly unknown[]) => Promise<T[]>;

/** What the resolver needs from the write side: the subject's creating state and the batch handler's own scope rule. */
export interface SubjectAccess {
  loadCreation(subjectId: string): Promise<SubjectState>;
  /** SubjectCommandHandler.authorizeScope: throws FORBIDDEN when the actor may not send this command to the subject. */
  authorizeScope(actor: VerifiedActor, command: SubjectCommand, state: SubjectState): void;
}

const ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

/**
 * libs/interop's RegistryResolver over the read models, for one request and one caller (answers are cached for the
 * request: a file names the same few biomarkers, devices and subjects on many rows).
 *
 * Subjects are found in the read model and then checked with exactly the rule the batch handler applies before it
 * decides (SubjectCommandHandler.authorizeScope on the subject as created): a subject the handler would refuse
 * (FORBIDDEN for the whole batch) never reaches it, and an unknown subject and one outside the caller's trials,
 * programmes or sites get the same answer, so an import cannot probe which subjects exist.
 */
export class ReadModelRegistryResolver implements RegistryResolver {
  private readonly cache = new Map<string, Promise<ResolverAnswer<unknown>>>();
  private readonly subjectKinds = new Map<string, SubjectState['kind']>();

  constructor(
    private readonly query: SqlQuery,
    private readonly actor: VerifiedActor,
    private readonly access: SubjectAccess,
  ) {}

  private memo<T>(key: string, answer: () => Promise<ResolverAnswer<T>>): Promise<ResolverAnswer<T>> {
    let a = this.cache.get(key);
    if (!a) {
      a = answer();
      this.cache.set(key, a);
    }
    return a as Promise<ResolverAnswer<T>>;
  }

  resolveBiomarker(concept: CodedConcept): Promise<ResolverAnswer<BiomarkerMatch>> {
    const columns = `biomarker_id, version, status, value_kind, unit, plausible_min, plausible_max, categories`;
    if (concept.scheme === REGISTRY_CODE_SCHEME)
      return this.memo(`biomarker:${concept.value}`, async () =>
        biomarkerAnswer(concept.value, await this.query<BiomarkerRow>(`SELECT ${columns} FROM read_model.biomarkers WHERE code = $1`, [concept.value])),
      );
    // A standard vocabulary's code (DCM, SCT, LN, RADLEX, …): the biomarker whose current version carries it
    // (biomarkers_coded_concepts, a GIN index on the jsonb list, serves the containment test).
    return this.memo(`concept:${JSON.stringify([concept.scheme, concept.value])}`, async () =>
      biomarkerAnswer(
        codedConceptLabel(concept.scheme, concept.value),
        await this.query<BiomarkerRow>(`SELECT ${columns} FROM read_model.biomarkers WHERE coded_concepts @> $1::jsonb ORDER BY biomarker_id`, [
          JSON.stringify([{ scheme: concept.scheme, value: concept.value }]),
        ]),
      ),
    );
  }

  resolveAlgorithmVersion(device: Extract<Observer, { kind: 'device' }>): Promise<ResolverAnswer<{ readonly algorithmVersionId: string }>> {
    const lookup = algorithmLookup(device);
    switch (lookup.kind) {
      case 'none':
        return Promise.resolve({ ok: false, reason: lookup.reason });
      case 'id':
        return this.memo(`algorithm:${lookup.id}`, async () =>
          algorithmAnswer(
            lookup.id,
            await this.query<AlgorithmRow>(`SELECT algorithm_version_id, status FROM read_model.algorithm_versions WHERE algorithm_version_id = $1`, [
              lookup.id,
            ]),
          ),
        );
      case 'described': {
        const described = `${lookup.manufacturer ?? '(any manufacturer)'} ${lookup.names.join(' / ')} ${lookup.version}`;
        return this.memo(`algorithm:${JSON.stringify(lookup)}`, async () =>
          algorithmAnswer(
            described,
            await this.query<AlgorithmRow>(
              `SELECT algorithm_version_id, status FROM read_model.algorithm_versions
                WHERE ($1::text IS NULL OR manufacturer = $1) AND name = ANY ($2::text[]) AND version = $3 ORDER BY algorithm_version_id`,
              [lookup.manufacturer, [...lookup.names], lookup.version],
            ),
          ),
        );
      }
      default:
        return lookup satisfies never;
    }
  }

  resolveReader(person: Extract<Observer, { kind: 'person' }>): ResolverAnswer<{ readonly readerId: string }> {
    return readerAnswer(this.actor, person.id);
  }

  resolveSubject(subject: SubjectReference): Promise<ResolverAnswer<{ readonly subjectId: string }>> {
    switch (subject.kind) {
      case 'id':
        return this.memo(`subject-id:${subject.subjectId}`, async () =>
          (await this.inScope(subject.subjectId)) ? { ok: true, value: { subjectId: subject.subjectId } } : { ok: false, reason: SUBJECT_NOT_IN_SCOPE },
        );
      case 'pseudonym':
        return this.memo(`pseudonym:${subject.pseudonym}`, async () => {
          const rows = await this.query<{ subject_id: string }>(`SELECT subject_id FROM read_model.subjects WHERE pseudonym = $1 ORDER BY subject_id`, [
            subject.pseudonym,
          ]);
          const visible: string[] = [];
          for (const r of rows) if (await this.inScope(r.subject_id)) visible.push(r.subject_id);
          return pseudonymAnswer(visible);
        });
      default:
        return subject satisfies never;
    }
  }

  resolveImagingStudy(studyInstanceUid: string, subjectId: string): Promise<ResolverAnswer<{ readonly register: boolean }>> {
    return this.memo(`study:${studyInstanceUid}:${subjectId}`, async () => {
      const [row] = await this.query<ImagingStudyRow>(`SELECT subject_id, site_id FROM read_model.imaging_studies WHERE study_instance_uid = $1`, [
        studyInstanceUid,
      ]);
      // The handler's second check (SubjectCommandHandler.authorize): a reader on a screening participant is
      // confined by the site that acquired the measured study; refused there it would fail the whole batch.
      const confinedBySite = this.actor.role === 'reader' && this.subjectKinds.get(subjectId) === 'screening';
      return imagingStudyAnswer(studyInstanceUid, subjectId, row, (siteId) => !confinedBySite || !outOfScope(this.actor, 'site', siteId));
    });
  }

  /** The batch handler's scope rule on the subject as created; a subject that does not exist is out of scope too. */
  private async inScope(subjectId: string): Promise<boolean> {
    if (!ID.test(subjectId)) return false;
    const created = await this.access.loadCreation(subjectId);
    if (created.kind === 'none') return false;
    try {
      this.access.authorizeScope(this.actor, { type: 'RecordMeasurement', subjectId } as SubjectCommand, created);
    } catch {
      return false;
    }
    this.subjectKinds.set(subjectId, created.kind);
    return true;
  }
}

/** SubjectAccess over the command runner's stream reads (the subject's first event) and the subject handler's rule. */
export function subjectAccess(
  runner: { loadCreation<E extends { type: string; data: unknown }, S>(streamId: string, decider: { initialState: S; evolve(s: S, e: E): S }): Promise<S> },
  rule: SubjectAccess['authorizeScope'],
): SubjectAccess {
  return { loadCreation: (subjectId) => runner.loadCreation(subjectStreamId(subjectId), subjectDecider as never), authorizeScope: rule };
}
