import type { FakeRegistry } from './fake-registry.resolver.js';
import { Concepts, PSEUDONYM, Uids } from './tid1500.fixtures.js';

/** The registry the fixtures' reports are mapped against: catalogue biomarkers carrying the fixtures' codes. */
export const SUBJECT_ID = 'subject-0042';
export const ALGORITHM_VERSION_ID = 'algo-noduleai-2.1.0';
export const CALIPER_VERSION_ID = 'algo-caliper-2.1.0';

export function lungRegistry(overrides: Partial<FakeRegistry> = {}): FakeRegistry {
  const q = (id: string, concept: (typeof Concepts)[keyof typeof Concepts], unit: string, min: number | null = null, max: number | null = null) => ({
    biomarkerId: id,
    biomarkerVersion: 1,
    concept,
    valueKind: 'quantitative' as const,
    unit,
    categories: [],
    plausibleRange: min === null && max === null ? null : { min, max },
  });
  return {
    biomarkers: [
      q('NODULE_VOLUME', Concepts.volume, 'mm3', 0, 5_000_000),
      q('MEAN_HU', Concepts.meanAttenuation, "[hnsf'U]", -1024, 3071),
      q('LESION_LD', Concepts.longAxis, 'mm', 0, 500),
      q('LESION_SA', Concepts.shortAxis, 'mm', 0, 500),
      q('AI_MALIGNANCY', Concepts.malignancyScore, '1', 0, 1),
      {
        biomarkerId: 'NODULE_COMPOSITION',
        biomarkerVersion: 2,
        concept: Concepts.noduleComposition,
        valueKind: 'categorical',
        unit: null,
        categories: [
          { category: 'solid', code: Concepts.solid },
          { category: 'part_solid', code: Concepts.partSolid },
          { category: 'ground_glass', code: null },
        ],
        plausibleRange: null,
      },
      {
        biomarkerId: 'LUNG_RADS',
        biomarkerVersion: 1,
        concept: Concepts.lungRads,
        valueKind: 'categorical',
        unit: null,
        categories: ['1', '2', '3', '4A', '4B', '4X'].map((c) => ({ category: c, code: null })),
        plausibleRange: null,
      },
    ],
    algorithms: [
      { manufacturer: 'Acme Imaging AI', modelName: 'NoduleAI CT', name: null, version: '2.1.0', id: ALGORITHM_VERSION_ID, active: true },
      { manufacturer: 'Acme Imaging AI', modelName: 'NoduleAI CT', name: null, version: '1.0.0', id: 'algo-noduleai-1.0.0', active: false },
      { manufacturer: null, modelName: null, name: 'LesionCaliper', version: '2.1.0', id: CALIPER_VERSION_ID, active: true },
    ],
    readers: { 'Smith^Anna': 'reader-anna', 'anna.smith': 'reader-anna', 'reader-anna': 'reader-anna' },
    subjects: { [PSEUDONYM]: SUBJECT_ID },
    studies: { [SUBJECT_ID]: [Uids.baselineStudy, Uids.followUpStudy] },
    ...overrides,
  };
}
