import type { NaturalDataset } from 'dcmjs';
import type { CodedConcept } from '../model/measurement-report.model.js';

/**
 * The SR content tree, read from a dcmjs *naturalized* dataset with the low-level API only. dcmjs's high-level
 * TID 1500 helpers (`sr.templates`, `utilities.TID1500`) are not used: they reject some valid Tracking Identifiers
 * and their measurement-group template cannot carry one (dcmjs issue #434), and they only know the shapes dcmjs
 * itself writes. Walking the content items ourselves reads SRs from any producer.
 */
export interface SrContentItem {
  /** Position as dcmtk's dsrdump numbers it: the root container is "1", its children "1.1", "1.2"… */
  readonly path: string;
  readonly relationship: string | null;
  readonly valueType: string | null;
  readonly concept: CodedConcept | null;
  readonly observationUid: string | null;
  readonly observationDateTime: string | null;
  /** ContentTemplateSequence TemplateIdentifier of a CONTAINER (e.g. "1500", "1411"), when present. */
  readonly template: string | null;
  readonly dataset: NaturalDataset;
  readonly children: readonly SrContentItem[];
}

/** A naturalized sequence is an array (dcmjs adds accessors to one-element arrays); a hand-made dataset may give one object. */
export function sequence(value: unknown): NaturalDataset[] {
  if (Array.isArray(value)) return value.filter((v): v is NaturalDataset => typeof v === 'object' && v !== null);
  if (typeof value === 'object' && value !== null) return [value as NaturalDataset];
  return [];
}

/** First value of a single- or multi-valued string attribute, trimmed (DICOM pads to even length). */
export function text(value: unknown): string | null {
  const first = Array.isArray(value) ? value[0] : value;
  if (typeof first === 'string') {
    const t = first.trim();
    return t.length ? t : null;
  }
  if (typeof first === 'number' && Number.isFinite(first)) return String(first);
  return null;
}

/** DS/FD values: dcmjs gives numbers for DS, but a string is possible for hand-built datasets. */
export function numeric(value: unknown): number | null {
  const first = Array.isArray(value) ? value[0] : value;
  if (typeof first === 'number') return first;
  if (typeof first === 'string' && first.trim() !== '') {
    const n = Number(first.trim());
    return Number.isNaN(n) ? null : n;
  }
  return null;
}

/** PN: dcmjs naturalizes it to `{ Alphabetic: "Family^Given" }` (in a one-element array); older writers give a string. */
export function personName(value: unknown): string | null {
  const first = Array.isArray(value) ? value[0] : value;
  if (typeof first === 'string') return text(first);
  if (typeof first === 'object' && first !== null && 'Alphabetic' in first) return text((first as { Alphabetic: unknown }).Alphabetic);
  return null;
}

export function codedConcept(value: unknown): CodedConcept | null {
  const item = sequence(value)[0];
  if (!item) return null;
  // Long Code Value / URN Code Value (PS3.3 §8.8) stand in for Code Value when it does not fit 16 characters.
  const code = text(item.CodeValue) ?? text(item.LongCodeValue) ?? text(item.URNCodeValue);
  const scheme = text(item.CodingSchemeDesignator) ?? (text(item.URNCodeValue) ? 'URN' : null);
  if (!code || !scheme) return null;
  return { scheme, value: code, meaning: text(item.CodeMeaning) ?? '' };
}

export function readContentTree(root: NaturalDataset): SrContentItem {
  return readItem(root, '1', true);
}

function readItem(dataset: NaturalDataset, path: string, isRoot: boolean): SrContentItem {
  const children = sequence(dataset.ContentSequence).map((child, index) => readItem(child, `${path}.${index + 1}`, false));
  return {
    path,
    relationship: isRoot ? null : text(dataset.RelationshipType),
    valueType: text(dataset.ValueType),
    concept: codedConcept(dataset.ConceptNameCodeSequence),
    observationUid: text(dataset.ObservationUID),
    observationDateTime: text(dataset.ObservationDateTime),
    template: text(sequence(dataset.ContentTemplateSequence)[0]?.TemplateIdentifier),
    dataset,
    children,
  };
}

export function isConcept(item: SrContentItem, scheme: string, value: string): boolean {
  return item.concept?.scheme === scheme && item.concept.value === value;
}

/** Referenced SOP Instance UIDs of an IMAGE/COMPOSITE item, or of the IMAGE items a SCOORD is SELECTED FROM. */
export function referencedSops(item: SrContentItem): string[] {
  const own = sequence(item.dataset.ReferencedSOPSequence)
    .map((r) => text(r.ReferencedSOPInstanceUID))
    .filter((uid): uid is string => uid !== null);
  return [...own, ...item.children.filter((c) => c.valueType === 'IMAGE' || c.valueType === 'COMPOSITE').flatMap(referencedSops)];
}

/** DICOM DT (YYYYMMDDHHMMSS.FFFFFF&ZZXX) or DA+TM → ISO-8601; UTC when no offset is given. null when malformed. */
export function dicomDateTimeToIso(dt: string): string | null {
  const m = /^(\d{4})(\d{2})(\d{2})(?:(\d{2})(?:(\d{2})(?:(\d{2})(?:\.(\d{1,6}))?)?)?)?([+-]\d{4})?$/.exec(dt.trim());
  if (!m) return null;
  const [, y, mo, d, h = '00', mi = '00', s = '00', frac, offset] = m;
  const ms = frac ? frac.padEnd(3, '0').slice(0, 3) : '000';
  const zone = offset ? `${offset.slice(0, 3)}:${offset.slice(3)}` : 'Z';
  const iso = `${y}-${mo}-${d}T${h}:${mi}:${s}.${ms}${zone}`;
  // Date.parse rolls 2026-02-31 over to March: refuse dates and times that do not exist.
  const day = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d)));
  if (day.getUTCDate() !== Number(d) || day.getUTCMonth() + 1 !== Number(mo) || Number(h) > 23 || Number(mi) > 59 || Number(s) > 60) return null;
  const time = Date.parse(iso);
  return Number.isNaN(time) ? null : new Date(time).toISOString();
}
