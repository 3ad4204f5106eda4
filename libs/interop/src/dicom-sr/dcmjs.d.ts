// dcmjs 0.52 ships no type declarations; only the low-level calls libs/interop uses are typed here.
// A "naturalized" dataset names attributes by keyword (PatientID, ContentSequence…), turns sequences into arrays
// and single-valued attributes into their value; anything else stays `unknown` and is checked where it is read.
declare module 'dcmjs' {
  export type NaturalDataset = { [keyword: string]: unknown; _meta?: unknown; _vrMap?: Record<string, string> };
  export interface DicomDict {
    meta: Record<string, unknown>;
    dict: Record<string, unknown>;
    write(options?: { allowInvalidVRLength?: boolean }): ArrayBuffer;
  }
  interface DicomMessageStatic {
    readFile(buffer: ArrayBuffer, options?: { ignoreErrors?: boolean; untilTag?: string | null; noCopy?: boolean }): DicomDict;
  }
  interface DicomMetaDictionaryStatic {
    naturalizeDataset(dataset: Record<string, unknown>): NaturalDataset;
    denaturalizeDataset(dataset: NaturalDataset): Record<string, unknown>;
    uid(): string;
  }
  const dcmjs: {
    data: {
      DicomMessage: DicomMessageStatic;
      DicomMetaDictionary: DicomMetaDictionaryStatic;
      datasetToDict(dataset: NaturalDataset): DicomDict;
      datasetToBuffer(dataset: NaturalDataset): Buffer;
    };
    log: { setLevel(level: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'silent'): void };
  };
  export default dcmjs;
}
