import { parse } from 'csv-parse/sync';
import type { ExportDataset } from './export-dataset.model.js';
import { SDTM_DATASETS, SDTM_DOMAINS, sdtmExport, sdtmFile, type SdtmExportOptions } from './sdtm.export.js';
import { writeXport, type XportMember } from './sas-xport.writer.js';

/**
 * The SDTM datasets (DM, TU, TR, RS) as one SAS transport file (XPORT v5), one member per domain in SDTMIG order:
 * the same rows as the CSVs (sdtmExport is their only source), integer and float variables numeric, the rest
 * character. Holds the SDTM rows in memory (they are a few per measurement), then writes the file.
 */
export async function sdtmXport(dataset: ExportDataset, options: SdtmExportOptions): Promise<Buffer> {
  const texts = new Map<string, string[]>();
  for await (const chunk of sdtmExport(dataset, options)) {
    if (!chunk.file.endsWith('.csv')) continue;
    let list = texts.get(chunk.file);
    if (!list) texts.set(chunk.file, (list = []));
    list.push(chunk.text);
  }
  const members: XportMember[] = SDTM_DOMAINS.map((domain) => {
    const spec = SDTM_DATASETS[domain];
    const [head, ...records] = parse((texts.get(sdtmFile(domain)) ?? []).join('')) as string[][];
    const names = spec.variables.map((v) => v.name);
    if (JSON.stringify(head) !== JSON.stringify(names)) throw new Error(`${domain}: CSV header does not match the dataset's variables`);
    return {
      name: domain,
      label: spec.label,
      variables: spec.variables.map((v) => ({ name: v.name, label: v.label, type: v.type === 'text' ? ('char' as const) : ('numeric' as const) })),
      rows: records.map((r) =>
        spec.variables.map((v, i) => {
          // An empty field is blank text or a missing number: XPORT has no other null.
          const value = r[i] ?? '';
          if (v.type === 'text') return value;
          if (value === '') return null;
          const n = Number(value);
          if (!Number.isFinite(n)) throw new Error(`${domain}.${v.name}: ${value} is not a number`);
          return n;
        }),
      ),
    };
  });
  return writeXport(members, { createdAt: new Date(options.createdAt) });
}
