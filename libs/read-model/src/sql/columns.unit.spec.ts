import { describe, expect, it } from '@jest/globals';
import { getMetadataArgsStorage } from 'typeorm';
import { readModelEntities } from '../index.js';
import { columnsOf } from './columns.js';

const snake = (s: string): string => s.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

describe('columnsOf', () => {
  it('lists an entity’s columns by database name in declaration order, primary columns included', async () => {
    const { SubjectRow } = await import('../subjects/subject.entities.js');
    const columns = columnsOf(SubjectRow);
    expect(columns.slice(0, 3)).toEqual(['subject_id', 'kind', 'trial_id']);
    expect(columns.at(-1)).toBe('updated_at');
    expect(new Set(columns).size).toBe(columns.length);
  });

  it('leaves out the columns named in except, and refuses one the entity does not have', async () => {
    const { SubjectRow } = await import('../subjects/subject.entities.js');
    expect(columnsOf(SubjectRow, ['updated_at', 'kind'])).toEqual(columnsOf(SubjectRow).filter((c) => c !== 'updated_at' && c !== 'kind'));
    expect(() => columnsOf(SubjectRow, ['no_such_column'])).toThrow('SubjectRow has no column no_such_column');
  });

  // RowOf<E> derives a row's keys by snake-casing E's property names: true only while every column is named so.
  it.each(readModelEntities.map((e) => [e.name, e] as const))('%s names every column after its property in snake case', (_name, entity) => {
    const columns = getMetadataArgsStorage().columns.filter((c) => c.target === entity);
    expect(columns.length).toBeGreaterThan(0);
    expect(columns.map((c) => c.options.name ?? c.propertyName)).toEqual(columns.map((c) => snake(c.propertyName)));
  });
});
