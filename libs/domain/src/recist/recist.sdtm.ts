import type { NonTargetStatus, OverallResponse, RecistInput, RecistResult } from './recist.engine.js';

/** SDTM TR (Tumor/Lesion Results) row: lesion diameters, non-target states and the sum of diameters. */
export interface TrRow {
  readonly STUDYID: string;
  readonly DOMAIN: 'TR';
  readonly USUBJID: string;
  readonly TRSEQ: number;
  /** Links to the TU row that identified the lesion; null on SUMDIAM. */
  readonly TRLNKID: string | null;
  readonly TRTESTCD: 'LDIAM' | 'LPERP' | 'TUMSTATE' | 'SUMDIAM';
  readonly TRTEST: string;
  readonly TRORRES: string;
  readonly TRORRESU: 'mm' | null;
  readonly TRSTRESC: string;
  readonly TRSTRESN: number | null;
  readonly TRSTRESU: 'mm' | null;
  readonly TRSTAT: 'NOT DONE' | null;
  readonly TREVAL: string | null;
  readonly VISIT: string;
  readonly TRDTC: string;
}

/** SDTM RS (Disease Response) row. */
export interface RsRow {
  readonly STUDYID: string;
  readonly DOMAIN: 'RS';
  readonly USUBJID: string;
  readonly RSSEQ: number;
  readonly RSTESTCD: 'TRGRESP' | 'NTRGRESP' | 'NEWLIND' | 'OVRLRESP' | 'BESTRSP';
  readonly RSTEST: string;
  readonly RSCAT: 'RECIST 1.1';
  readonly RSORRES: string;
  readonly RSSTRESC: string;
  readonly RSEVAL: string | null;
  /** Null on the best-overall-response row, which belongs to no single visit. */
  readonly VISIT: string | null;
  readonly RSDTC: string | null;
}

export interface SdtmOptions {
  readonly studyId: string;
  /** TREVAL / RSEVAL, e.g. "INDEPENDENT ASSESSOR" or "INVESTIGATOR". */
  readonly evaluator?: string;
}

const RESPONSE_TEXT: Record<OverallResponse, string> = {
  CR: 'CR',
  PR: 'PR',
  SD: 'SD',
  NON_CR_NON_PD: 'NON-CR/NON-PD',
  PD: 'PD',
  NE: 'NE',
};

const STATE_TEXT: Record<Exclude<NonTargetStatus, 'NOT_EVALUATED'>, string> = {
  PRESENT: 'PRESENT',
  ABSENT: 'ABSENT',
  UNEQUIVOCAL_PROGRESSION: 'UNEQUIVOCAL PROGRESSION',
};

/** TR and RS rows for an assessed subject (the TU lesion-identification rows come from the lesion list). */
export function toSdtm(input: RecistInput, result: RecistResult, options: SdtmOptions): { tr: TrRow[]; rs: RsRow[] } {
  const evaluator = options.evaluator ?? null;
  const tr: TrRow[] = [];
  const rs: RsRow[] = [];
  const base = { STUDYID: options.studyId, USUBJID: input.subjectId };
  input.timePoints.forEach((tp, i) => {
    const assessed = result.timePoints[i];
    if (assessed === undefined) return;
    const trRow = (row: Omit<TrRow, 'STUDYID' | 'DOMAIN' | 'USUBJID' | 'TRSEQ' | 'TREVAL' | 'VISIT' | 'TRDTC'>): void => {
      tr.push({ ...base, DOMAIN: 'TR', TRSEQ: tr.length + 1, ...row, TREVAL: evaluator, VISIT: tp.visit, TRDTC: tp.date });
    };
    for (const lesion of input.lesions) {
      if (lesion.role === 'TARGET') {
        const mm = tp.targets[lesion.id] ?? null;
        trRow({
          TRLNKID: lesion.id,
          TRTESTCD: lesion.nodal ? 'LPERP' : 'LDIAM', // CDISC RECIST examples: a node's short axis is LPERP
          TRTEST: lesion.nodal ? 'Longest Perpendicular' : 'Longest Diameter',
          TRORRES: mm === null ? '' : String(mm),
          TRORRESU: mm === null ? null : 'mm',
          TRSTRESC: mm === null ? '' : String(mm),
          TRSTRESN: mm,
          TRSTRESU: mm === null ? null : 'mm',
          TRSTAT: mm === null ? 'NOT DONE' : null,
        });
      } else {
        const status = tp.nonTargets?.[lesion.id] ?? 'NOT_EVALUATED';
        const text = status === 'NOT_EVALUATED' ? '' : STATE_TEXT[status];
        trRow({
          TRLNKID: lesion.id,
          TRTESTCD: 'TUMSTATE',
          TRTEST: 'Tumor State',
          TRORRES: text,
          TRORRESU: null,
          TRSTRESC: text,
          TRSTRESN: null,
          TRSTRESU: null,
          TRSTAT: status === 'NOT_EVALUATED' ? 'NOT DONE' : null,
        });
      }
    }
    if (assessed.sumOfDiameters !== null) {
      const v = String(assessed.sumOfDiameters);
      trRow({
        TRLNKID: null,
        TRTESTCD: 'SUMDIAM',
        TRTEST: 'Sum of Diameters',
        TRORRES: v,
        TRORRESU: 'mm',
        TRSTRESC: v,
        TRSTRESN: assessed.sumOfDiameters,
        TRSTRESU: 'mm',
        TRSTAT: null,
      });
    }
    if (assessed.isBaseline) return;
    const rsRow = (code: RsRow['RSTESTCD'], test: string, value: string): void => {
      rs.push({
        ...base,
        DOMAIN: 'RS',
        RSSEQ: rs.length + 1,
        RSTESTCD: code,
        RSTEST: test,
        RSCAT: 'RECIST 1.1',
        RSORRES: value,
        RSSTRESC: value,
        RSEVAL: evaluator,
        VISIT: tp.visit,
        RSDTC: tp.date,
      });
    };
    if (assessed.targetResponse !== null) rsRow('TRGRESP', 'Target Response', RESPONSE_TEXT[assessed.targetResponse]);
    if (assessed.nonTargetResponse !== null) rsRow('NTRGRESP', 'Non-target Response', RESPONSE_TEXT[assessed.nonTargetResponse]);
    rsRow('NEWLIND', 'New Lesion Indicator', assessed.newLesion ? 'Y' : 'N');
    if (assessed.overallResponse !== null) rsRow('OVRLRESP', 'Overall Response', RESPONSE_TEXT[assessed.overallResponse]);
  });
  const best = RESPONSE_TEXT[result.bestOverallResponse];
  rs.push({
    ...base,
    DOMAIN: 'RS',
    RSSEQ: rs.length + 1,
    RSTESTCD: 'BESTRSP',
    RSTEST: 'Best Overall Response',
    RSCAT: 'RECIST 1.1',
    RSORRES: best,
    RSSTRESC: best,
    RSEVAL: evaluator,
    VISIT: null,
    RSDTC: null,
  });
  return { tr, rs };
}
