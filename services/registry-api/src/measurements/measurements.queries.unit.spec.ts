import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { Kind, parse, type ObjectTypeDefinitionNode } from 'graphql';
import { columnsOf, MeasurementRow } from '#read-model';
import { projectRoot } from '#runtime';
import { columnsForSelection } from './measurements.queries.js';

/** The fields of `type Measurement` in the SDL (the contract the column mapping serves). */
function measurementFields(): string[] {
  const sdl = readFileSync(join(projectRoot(), 'graphql', 'measurements.graphql'), 'utf8');
  const type = parse(sdl).definitions.find((d): d is ObjectTypeDefinitionNode => d.kind === Kind.OBJECT_TYPE_DEFINITION && d.name.value === 'Measurement');
  return type!.fields!.map((f) => f.name.value);
}

describe('columnsForSelection', () => {
  const fields = measurementFields();
  const tableColumns = new Set(columnsOf(MeasurementRow));

  // A field missing from FIELD_COLUMNS silently reads every column (null); one mapped to a column the entity lacks
  // fails at run time. Either is a forgotten edit when a column or a field is added.
  it.each(fields)('maps Measurement.%s to columns of read_model.measurements', (field) => {
    const columns = columnsForSelection([field]);
    expect(columns).not.toBeNull();
    for (const c of columns!) expect(tableColumns).toContain(c);
  });

  it('reads the keyset columns for any selection and nothing for a field it does not know', () => {
    expect(columnsForSelection([])).toEqual(['position', 'subject_id']);
    expect(columnsForSelection(['value', 'unit'])).toEqual(['position', 'subject_id', 'value', 'unit']);
    expect(columnsForSelection(['value', 'notAField'])).toBeNull();
  });
});
