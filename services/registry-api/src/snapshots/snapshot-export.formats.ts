import type { SnapshotExportFormat } from '../../../../graphql/generated/graphql.types.js';

export interface ExportFormatSpec {
  /** The format's name in the route and the CLI (`csv-long`, …). */
  readonly slug: string;
  /** The download's file-name extension. */
  readonly extension: string;
  readonly mediaType: string;
  /** Whether a programme snapshot has this export (SDTM and its XPORT describe trials only). */
  readonly programmes: boolean;
}

export const EXPORT_FORMATS: Readonly<Record<SnapshotExportFormat, ExportFormatSpec>> = {
  CSV_LONG: { slug: 'csv-long', extension: 'csv', mediaType: 'text/csv; charset=utf-8; header=present', programmes: true },
  CSV_WIDE: { slug: 'csv-wide', extension: 'csv', mediaType: 'text/csv; charset=utf-8; header=present', programmes: true },
  DICTIONARY: { slug: 'dictionary', extension: 'csv', mediaType: 'text/csv; charset=utf-8; header=present', programmes: true },
  PARQUET: { slug: 'parquet', extension: 'parquet', mediaType: 'application/vnd.apache.parquet', programmes: true },
  OMOP: { slug: 'omop', extension: 'zip', mediaType: 'application/zip', programmes: true },
  SDTM: { slug: 'sdtm', extension: 'zip', mediaType: 'application/zip', programmes: false },
  FHIR: { slug: 'fhir', extension: 'ndjson', mediaType: 'application/fhir+ndjson', programmes: true },
  SAS_XPORT: { slug: 'sas-xport', extension: 'xpt', mediaType: 'application/x-sas-xport', programmes: false },
};

export function formatOfSlug(slug: string): SnapshotExportFormat | undefined {
  return (Object.keys(EXPORT_FORMATS) as SnapshotExportFormat[]).find((f) => EXPORT_FORMATS[f].slug === slug);
}

export const exportPath = (snapshot: { readonly id: string }, format: SnapshotExportFormat): string =>
  `/exports/snapshots/${encodeURIComponent(snapshot.id)}.${EXPORT_FORMATS[format].slug}`;

/** The download's file name: the snapshot's content hash in it, so two files of different data never share a name. */
export const exportFileName = (snapshot: { readonly manifest: { readonly contentHash: string } }, format: SnapshotExportFormat): string =>
  `snapshot-${snapshot.manifest.contentHash.slice(0, 16)}-${EXPORT_FORMATS[format].slug}.${EXPORT_FORMATS[format].extension}`;
