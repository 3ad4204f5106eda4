/**
 * Bland & Altman, Lancet 1986;i:307–310, Table 1: PEFR (l/min) of 17 subjects, first reading with the
 * Wright peak flow meter and with the mini-Wright meter. The paper reports mean difference −2.1, SD 38.8.
 */
export const pefr = {
  wright: [494, 395, 516, 434, 476, 557, 413, 442, 650, 433, 417, 656, 267, 478, 178, 423, 427],
  miniWright: [512, 430, 520, 428, 500, 600, 364, 380, 658, 445, 432, 626, 260, 477, 259, 350, 451],
} as const;

/** Shrout & Fleiss, Psychol Bull 1979;86:420–428, Table 2: 6 targets rated by 4 judges. */
export const shroutFleiss = [
  [9, 2, 5, 8],
  [6, 1, 3, 2],
  [8, 4, 6, 8],
  [7, 1, 2, 6],
  [10, 5, 6, 9],
  [6, 2, 4, 7],
] as const;
