import type { CodedConcept } from '../model/measurement-report.model.js';
import type { BiomarkerMatch, RegistryResolver, ResolverAnswer } from '../resolve/registry-resolver.js';

/** An in-memory registry for mapper tests: what the API's resolver answers from its read models. */
export interface FakeRegistry {
  readonly biomarkers: readonly (BiomarkerMatch & { readonly concept: CodedConcept })[];
  readonly algorithms: readonly {
    readonly manufacturer: string | null;
    readonly modelName: string | null;
    readonly name: string | null;
    readonly version: string;
    readonly id: string;
    readonly active: boolean;
  }[];
  readonly readers: Readonly<Record<string, string>>;
  readonly subjects: Readonly<Record<string, string>>;
  /** subjectId → Study Instance UIDs registered for that subject. */
  readonly studies: Readonly<Record<string, readonly string[]>>;
  readonly registerUnknownStudies?: boolean;
}

const ok = <T>(value: T): ResolverAnswer<T> => ({ ok: true, value });
const no = (reason: string): ResolverAnswer<never> => ({ ok: false, reason });

export function fakeResolver(registry: FakeRegistry, calls: string[] = []): RegistryResolver {
  return {
    resolveBiomarker(concept) {
      calls.push(`biomarker ${concept.scheme}|${concept.value}`);
      // Scheme REGISTRY (CSV rows without biomarker_scheme) names the catalogue's own code, here the biomarker id.
      const b = registry.biomarkers.find(
        (x) => (x.concept.scheme === concept.scheme && x.concept.value === concept.value) || (concept.scheme === 'REGISTRY' && x.biomarkerId === concept.value),
      );
      return b ? ok(b) : no('no catalogue biomarker carries this code');
    },
    resolveAlgorithmVersion(device) {
      calls.push(`algorithm ${device.manufacturer}|${device.modelName}|${device.algorithmName}|${device.softwareVersion}`);
      const a = device.algorithmVersionId
        ? registry.algorithms.find((x) => x.id === device.algorithmVersionId)
        : registry.algorithms.find(
            (x) =>
              x.version === device.softwareVersion &&
              ((x.manufacturer === device.manufacturer && x.modelName === device.modelName) || (x.name !== null && x.name === device.algorithmName)),
          );
      if (!a)
        return no(
          `no registered algorithm version ${device.algorithmVersionId ?? `${device.manufacturer ?? device.algorithmName} ${device.modelName ?? ''} ${device.softwareVersion ?? '(no version)'}`}`,
        );
      return a.active ? ok({ algorithmVersionId: a.id }) : no(`algorithm version ${a.id} is not active`);
    },
    resolveReader(person) {
      calls.push(`reader ${person.id ?? person.name}`);
      const id = registry.readers[person.id ?? person.name ?? ''];
      return id ? ok({ readerId: id }) : no(`no reader ${person.id ?? person.name}`);
    },
    resolveSubject(subject) {
      calls.push(`subject ${JSON.stringify(subject)}`);
      const id = subject.kind === 'pseudonym' ? registry.subjects[subject.pseudonym] : Object.values(registry.subjects).find((s) => s === subject.subjectId);
      return id ? ok({ subjectId: id }) : no('subject not found in your scope');
    },
    resolveImagingStudy(uid, subjectId) {
      calls.push(`study ${uid}`);
      if (registry.studies[subjectId]?.includes(uid)) return ok({ register: false });
      return registry.registerUnknownStudies ? ok({ register: true }) : no(`imaging study ${uid} is not registered for this subject`);
    },
  };
}
