import { describe, expect, it } from '@jest/globals';
import {
  algorithmAnswer,
  algorithmLookup,
  biomarkerAnswer,
  codedConceptLabel,
  columnOf,
  imagingStudyAnswer,
  pseudonymAnswer,
  readerAnswer,
  SUBJECT_NOT_IN_SCOPE,
} from './registry-resolver.mapping.js';

const quantitative = {
  biomarker_id: 'b-ld',
  version: 2,
  status: 'active',
  value_kind: 'quantitative',
  unit: 'mm',
  plausible_min: 0,
  plausible_max: 500,
  categories: null,
};

describe('read-model resolver mapping', () => {
  it('maps a catalogue row to the biomarker match: current version, canonical unit, range; categories for categorical ones', () => {
    expect(biomarkerAnswer('LD', [quantitative])).toEqual({
      ok: true,
      value: { biomarkerId: 'b-ld', biomarkerVersion: 2, valueKind: 'quantitative', unit: 'mm', categories: [], plausibleRange: { min: 0, max: 500 } },
    });
    expect(
      biomarkerAnswer('LR', [{ ...quantitative, value_kind: 'categorical', unit: null, plausible_min: null, plausible_max: null, categories: ['4A', '4B'] }]),
    ).toMatchObject({
      ok: true,
      value: {
        valueKind: 'categorical',
        categories: [
          { category: '4A', code: null },
          { category: '4B', code: null },
        ],
        plausibleRange: null,
      },
    });
    expect(biomarkerAnswer('LD', [{ ...quantitative, status: 'retired' }])).toEqual({ ok: false, reason: 'biomarker LD is retired' });
    expect(biomarkerAnswer('XX', [])).toMatchObject({ ok: false });
    expect(biomarkerAnswer(codedConceptLabel('SCT', '103339001'), [])).toEqual({ ok: false, reason: 'no catalogue biomarker has the code SCT 103339001' });
  });

  it('an algorithm version must be registered and active, and one device must name one version', () => {
    expect(algorithmAnswer('a1', [{ algorithm_version_id: 'a1', status: 'active' }])).toEqual({ ok: true, value: { algorithmVersionId: 'a1' } });
    expect(algorithmAnswer('a1', [{ algorithm_version_id: 'a1', status: 'suspended' }])).toEqual({
      ok: false,
      reason: 'algorithm version a1 is suspended, not active',
    });
    expect(algorithmAnswer('x', [])).toMatchObject({ ok: false });
    expect(
      algorithmAnswer('Acme Seg 1', [
        { algorithm_version_id: 'a1', status: 'active' },
        { algorithm_version_id: 'a2', status: 'active' },
      ]),
    ).toMatchObject({ ok: false });
    const device = { manufacturer: 'Acme', modelName: 'Seg', algorithmName: null, softwareVersion: '1.0', algorithmVersionId: null };
    expect(algorithmLookup({ ...device, algorithmVersionId: 'a1' })).toEqual({ kind: 'id', id: 'a1' });
    expect(algorithmLookup(device)).toEqual({ kind: 'described', manufacturer: 'Acme', names: ['Seg'], version: '1.0' });
    expect(algorithmLookup({ ...device, softwareVersion: null })).toMatchObject({ kind: 'none' });
  });

  it('subjects, studies and readers: unknown and out of scope answer alike', () => {
    expect(pseudonymAnswer(['s1'])).toEqual({ ok: true, value: { subjectId: 's1' } });
    expect(pseudonymAnswer([])).toEqual({ ok: false, reason: SUBJECT_NOT_IN_SCOPE });
    expect(pseudonymAnswer(['s1', 's2'])).toMatchObject({ ok: false });
    const all = () => true;
    expect(imagingStudyAnswer('1.2', 's1', { subject_id: 's1', site_id: 'S1' }, all)).toEqual({ ok: true, value: { register: false } });
    expect(imagingStudyAnswer('1.2', 's1', { subject_id: null, site_id: 'S1' }, all)).toEqual({ ok: true, value: { register: false } });
    const other = imagingStudyAnswer('1.2', 's1', { subject_id: 's2', site_id: 'S1' }, all);
    expect(other).toEqual(imagingStudyAnswer('1.2', 's1', undefined, all));
    expect(imagingStudyAnswer('1.2', 's1', { subject_id: 's1', site_id: 'S2' }, (site) => site === 'S1')).toEqual(other);
    expect(readerAnswer({ id: 'rob', role: 'reader' }, 'rob')).toEqual({ ok: true, value: { readerId: 'rob' } });
    expect(readerAnswer({ id: 'rob', role: 'reader' }, 'anna')).toMatchObject({ ok: false });
    expect(readerAnswer({ id: 'carl', role: 'coordinator' }, 'anna')).toEqual({ ok: true, value: { readerId: 'anna' } });
  });

  it('names the file column of a resolution problem and of a batch refusal', () => {
    expect(columnOf('value.unit', {})).toBe('unit');
    expect(columnOf('subject', { subject_id: 'x' })).toBe('subject_id');
    expect(columnOf('subject', { subject_pseudonym: 'x' })).toBe('subject_pseudonym');
    expect(columnOf('items.3.value.value', {})).toBe('value');
    expect(columnOf('items.0.timePoint', {})).toBe('time_point');
    expect(columnOf('observer', { algorithm_version_id: 'a1' })).toBe('algorithm_version_id');
    expect(columnOf('concept', {})).toBe('biomarker_code');
  });
});
