import { describe, expect, it } from '@jest/globals';
import * as interop from '#interop';

describe('#interop public entry', () => {
  it('exposes the three mappers, the resolver step and the response builders through the #interop alias', () => {
    for (const name of [
      'mapDicomSrPart10',
      'mapTid1500Dataset',
      'mapFhirBundle',
      'loadFhirValidator',
      'operationOutcomesFor',
      'parseMeasurementRows',
      'resolveMeasurementReport',
      'measurementIdFor',
      'stowRsResponse',
      'refusedRowCsvLine',
      'subjectRecords',
      'csvExport',
      'omopExport',
      'sdtmExport',
      'defineXml',
      'fhirExport',
      'fhirBundles',
      'parquetExport',
    ] as const) {
      expect(typeof interop[name]).toBe('function');
    }
  });

  it('problem codes are stable SCREAMING_SNAKE strings equal to their keys', () => {
    for (const [key, code] of Object.entries(interop.InteropProblems)) {
      expect(code).toBe(key);
      expect(code).toMatch(/^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/);
    }
  });
});
