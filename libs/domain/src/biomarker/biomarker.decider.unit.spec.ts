import { describe, expect, it } from '@jest/globals';
import { fold } from '../decider.js';
import type { BiomarkerCommand, DefineBiomarker } from './biomarker.commands.js';
import { biomarkerCodeStreamId, biomarkerDecider, biomarkerFacts, currentCodedConcepts } from './biomarker.decider.js';
import type { BiomarkerDefined, BiomarkerEvent } from './biomarker.events.js';
import { convertUnit, isValidUcumUnit } from './biomarker.units.js';
import { rejection } from '../testing/decider-testing.js';

const ctx = { commandId: 'c-1', actor: { id: 'u-1', role: 'coordinator' }, now: new Date('2025-06-01T10:00:00Z') };
const run = (given: readonly BiomarkerEvent[], command: BiomarkerCommand) => biomarkerDecider.decide(command, fold(biomarkerDecider, given), ctx);

const define: DefineBiomarker = {
  type: 'DefineBiomarker',
  biomarkerId: 'sma-l3',
  code: 'SMA_L3',
  name: 'Skeletal muscle area at L3',
  modality: 'CT',
  bodySite: 'L3 vertebra',
  valueType: { kind: 'quantitative', unit: 'cm2', plausibleRange: { min: 20, max: 400 } },
  repeatabilityWcv: 0.02,
};
const defined: BiomarkerDefined = {
  type: 'BiomarkerDefined',
  data: {
    biomarkerId: 'sma-l3',
    code: 'SMA_L3',
    version: 1,
    name: 'Skeletal muscle area at L3',
    description: null,
    modality: 'CT',
    bodySite: 'L3 vertebra',
    valueType: { kind: 'quantitative', unit: 'cm2', plausibleRange: { min: 20, max: 400 } },
    repeatabilityWcv: 0.02,
    codedConcepts: [],
    definedAt: '2025-06-01T10:00:00.000Z',
  },
};
const longAxis = { scheme: 'DCM', value: '103339001', meaning: 'Long axis' };
const volume = { scheme: 'SCT', value: '118565006', meaning: 'Volume' };

describe('biomarker decider', () => {
  it('defines a biomarker as plain JSON with nulls for absent fields', () => {
    const events = run([], define);
    expect(events).toStrictEqual([defined]);
    expect(JSON.parse(JSON.stringify(events))).toStrictEqual(events);
  });

  it('rejects a second definition on the same stream', () => {
    expect(rejection(() => run([defined], define))).toMatchObject({ code: 'BIOMARKER_ALREADY_DEFINED', field: 'biomarkerId' });
  });

  it.each([
    ['MM', 'valueType.unit'],
    ['square centimetres', 'valueType.unit'],
    ['CM2', 'valueType.unit'],
  ])('rejects the unit %s, which is not a case-sensitive UCUM code', (unit, field) => {
    const cmd = { ...define, valueType: { kind: 'quantitative' as const, unit, plausibleRange: { min: 1, max: 2 } } };
    expect(rejection(() => run([], cmd))).toMatchObject({ code: 'INVALID_UCUM_UNIT', field });
  });

  it('rejects an inverted or non-finite plausible range', () => {
    const inverted = { ...define, valueType: { kind: 'quantitative' as const, unit: 'mm', plausibleRange: { min: 5, max: 5 } } };
    expect(rejection(() => run([], inverted))).toMatchObject({ code: 'INVALID_PLAUSIBLE_RANGE', field: 'valueType.plausibleRange' });
    const nan = { ...define, valueType: { kind: 'quantitative' as const, unit: 'mm', plausibleRange: { min: Number.NaN, max: 5 } } };
    expect(rejection(() => run([], nan))).toMatchObject({ code: 'NOT_FINITE', field: 'valueType.plausibleRange.min' });
  });

  it('rejects duplicate categories of a categorical biomarker', () => {
    const cmd = { ...define, valueType: { kind: 'categorical' as const, categories: ['LR-3', 'LR-4A', 'LR-3'] } };
    expect(rejection(() => run([], cmd))).toMatchObject({ code: 'DUPLICATE_CATEGORY', field: 'valueType.categories.2' });
  });

  it('rejects empty, oversized and malformed strings', () => {
    expect(rejection(() => run([], { ...define, name: '   ' }))).toMatchObject({ code: 'FIELD_REQUIRED', field: 'name' });
    expect(rejection(() => run([], { ...define, name: 'x'.repeat(201) }))).toMatchObject({ code: 'FIELD_TOO_LONG', field: 'name' });
    expect(rejection(() => run([], { ...define, code: 'sma l3' }))).toMatchObject({ code: 'INVALID_BIOMARKER_CODE', field: 'code' });
    expect(rejection(() => run([], { ...define, biomarkerId: 'a/b' }))).toMatchObject({ code: 'INVALID_ID', field: 'biomarkerId' });
    expect(rejection(() => run([], { ...define, repeatabilityWcv: 5 }))).toMatchObject({ code: 'OUT_OF_RANGE', field: 'repeatabilityWcv' });
  });

  it('revises to the next version and keeps the earlier one in the facts', () => {
    const revise = {
      ...define,
      type: 'ReviseBiomarker' as const,
      version: 2,
      reason: 'Range widened for sarcopenic cohorts',
      valueType: { kind: 'quantitative' as const, unit: 'cm2', plausibleRange: { min: 10, max: 400 } },
    };
    const events = run([defined], revise);
    expect(events).toMatchObject([{ type: 'BiomarkerRevised', data: { version: 2, reason: 'Range widened for sarcopenic cohorts' } }]);
    const facts = biomarkerFacts(fold(biomarkerDecider, [defined, ...events]));
    expect(facts?.currentVersion).toBe(2);
    expect(facts?.versions[1]?.valueType).toEqual(defined.data.valueType);
    expect(facts?.versions[2]?.valueType).toEqual(revise.valueType);
  });

  it('rejects a revision that skips or repeats a version number, or has no reason', () => {
    const revise = { ...define, type: 'ReviseBiomarker' as const, version: 3, reason: 'x' };
    expect(rejection(() => run([defined], revise))).toMatchObject({ code: 'INVALID_VERSION_NUMBER', field: 'version' });
    expect(rejection(() => run([defined], { ...revise, version: 2, reason: '' }))).toMatchObject({ code: 'REASON_REQUIRED', field: 'reason' });
    expect(rejection(() => run([], { ...revise, version: 2 }))).toMatchObject({ code: 'BIOMARKER_NOT_FOUND' });
  });

  it('retires once, and a retired biomarker cannot be revised', () => {
    const retired = run([defined], { type: 'RetireBiomarker', biomarkerId: 'sma-l3', reason: 'Superseded by SMI' });
    expect(retired).toStrictEqual([
      { type: 'BiomarkerRetired', data: { biomarkerId: 'sma-l3', reason: 'Superseded by SMI', retiredAt: '2025-06-01T10:00:00.000Z' } },
    ]);
    expect(rejection(() => run([defined, ...retired], { type: 'RetireBiomarker', biomarkerId: 'sma-l3', reason: 'again' }))).toMatchObject({
      code: 'BIOMARKER_RETIRED',
    });
    expect(rejection(() => run([defined, ...retired], { ...define, type: 'ReviseBiomarker', version: 2, reason: 'x' }))).toMatchObject({
      code: 'BIOMARKER_RETIRED',
    });
    expect(biomarkerFacts(fold(biomarkerDecider, [defined, ...retired]))?.status).toBe('retired');
  });

  it('carries coded concepts on the definition, each (scheme, value) once', () => {
    const [event] = run([], { ...define, codedConcepts: [longAxis, { ...volume, meaning: ' Volume ' }] });
    expect(event).toMatchObject({ type: 'BiomarkerDefined', data: { codedConcepts: [longAxis, volume] } });
    expect(currentCodedConcepts(fold(biomarkerDecider, [event!]))).toEqual([longAxis, volume]);
    expect(rejection(() => run([], { ...define, codedConcepts: [longAxis, { ...longAxis, meaning: 'again' }] }))).toMatchObject({
      code: 'DUPLICATE_CODED_CONCEPT',
      field: 'codedConcepts.1',
    });
    // Case matters in DICOM and FHIR codes: (SCT, x) and (sct, x) are different concepts.
    expect(run([], { ...define, codedConcepts: [volume, { ...volume, scheme: 'sct' }] })).toHaveLength(1);
  });

  it.each([
    [{ scheme: 'REGISTRY', value: 'SMA_L3', meaning: 'x' }, 'INVALID_CODE_SCHEME', 'codedConcepts.0.scheme'],
    [{ scheme: 'S C T', value: '1', meaning: 'x' }, 'INVALID_CODE_SCHEME', 'codedConcepts.0.scheme'],
    [{ scheme: 'SCT', value: '', meaning: 'x' }, 'FIELD_REQUIRED', 'codedConcepts.0.value'],
    [{ scheme: 'SCT', value: '1' }, 'FIELD_REQUIRED', 'codedConcepts.0.meaning'],
    ['SCT 1', 'INVALID_TYPE', 'codedConcepts.0'],
  ])('refuses the coded concept %j', (concept, code, field) => {
    expect(rejection(() => run([], { ...define, codedConcepts: [concept as never] }))).toMatchObject({ code, field });
  });

  it('refuses more than 20 coded concepts', () => {
    const many = Array.from({ length: 21 }, (_, i) => ({ scheme: 'LN', value: `${i}`, meaning: `m${i}` }));
    expect(rejection(() => run([], { ...define, codedConcepts: many }))).toMatchObject({ code: 'TOO_MANY_ITEMS', field: 'codedConcepts' });
  });

  it('folds events written before coded concepts existed as carrying none, and a revision keeps or replaces them', () => {
    const { codedConcepts: _none, ...oldData } = defined.data;
    const old = { type: 'BiomarkerDefined' as const, data: oldData };
    expect(currentCodedConcepts(fold(biomarkerDecider, [old]))).toEqual([]);
    const withCodes = run([], { ...define, codedConcepts: [longAxis] });
    const revise = { ...define, type: 'ReviseBiomarker' as const, version: 2, reason: 'new range' };
    const kept = run(withCodes, revise);
    expect(kept[0]!.data).toMatchObject({ codedConcepts: [longAxis] });
    const replaced = run(withCodes, { ...revise, codedConcepts: [volume] });
    expect(currentCodedConcepts(fold(biomarkerDecider, [...withCodes, ...replaced]))).toEqual([volume]);
    expect(run(withCodes, { ...revise, codedConcepts: [] })[0]!.data).toMatchObject({ codedConcepts: [] });
    expect(run([old], revise)[0]!.data).toMatchObject({ codedConcepts: [] });
  });

  it('normalises codes into a reservation stream id', () => {
    expect(biomarkerCodeStreamId(' sma_l3 ')).toBe('biomarkercode-SMA_L3');
  });
});

describe('UCUM units', () => {
  it.each([['mm'], ['mm2'], ['mm3'], ['cm2'], ['cm3'], ["[hnsf'U]"], ['{SUVbw}g/mL'], ['1']])('accepts %s', (unit) => {
    expect(isValidUcumUnit(unit)).toBe(true);
  });

  it('converts by dimension through the library', () => {
    expect(convertUnit(1.5, 'cm2', 'mm2')).toEqual({ ok: true, value: 150 });
    expect(convertUnit(2, 'mL', 'mm3')).toEqual({ ok: true, value: 2000 });
    expect(convertUnit(50, '%', '1')).toEqual({ ok: true, value: 0.5 });
    expect(convertUnit(4.2, '{SUVbw}g/mL', '{SUVbw}g/mL')).toEqual({ ok: true, value: 4.2 });
  });

  it('refuses conversions that UCUM would allow but that change meaning', () => {
    expect(convertUnit(1, 'mm', 'mm2').ok).toBe(false);
    expect(convertUnit(1, '{SUVlbm}g/mL', '{SUVbw}g/mL').ok).toBe(false);
    expect(convertUnit(40, "[hnsf'U]", '%').ok).toBe(false);
  });
});
