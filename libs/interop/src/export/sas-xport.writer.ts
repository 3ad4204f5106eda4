/**
 * SAS transport files, version 5 (the "XPORT" format of SAS TS-140, which FDA submissions require for SDTM): a
 * library header, then per dataset (member) a member header, one 140-byte NAMESTR per variable, and the
 * observations, every record 80 bytes, blank-padded. Numbers are 8-byte IBM System/370 floating point (big-endian;
 * missing is `.` = 0x2E followed by zeros); characters are fixed-width, blank-padded. No npm package writes it (only
 * readers exist: xport-js), so this is ours; the int test reads the file back with R's foreign::read.xport.
 *
 * Limits of version 5, refused rather than silently cut: member and variable names of at most 8 characters
 * (A–Z, 0–9, _; not starting with a digit), labels of at most 40, character values of at most 200 bytes.
 */
export interface XportVariable {
  readonly name: string;
  readonly label: string;
  readonly type: 'char' | 'numeric';
}

export interface XportMember {
  readonly name: string;
  readonly label: string;
  readonly variables: readonly XportVariable[];
  /** One array per observation, in variable order: numbers (or null = missing) for numeric, strings (or null) for char. */
  readonly rows: readonly (readonly (string | number | null)[])[];
}

export interface XportOptions {
  /** Created / modified stamp of the headers (a pure writer reads no clock; a snapshot's freezing time). */
  readonly createdAt: Date;
}

const RECORD = 80;
const NAME = /^[A-Za-z_][A-Za-z0-9_]{0,7}$/;
const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];

/** `ddMMMyy:hh:mm:ss`, UTC. */
function sasDateTime(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getUTCDate())}${MONTHS[d.getUTCMonth()]}${p(d.getUTCFullYear() % 100)}:${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`;
}

/** ASCII text, blank-padded (or refused when longer) to `width` bytes. */
function text(value: string, width: number, what: string): Buffer {
  const bytes = Buffer.from(value, 'latin1');
  if (Buffer.byteLength(value, 'utf8') !== value.length) throw new RangeError(`${what}: XPORT headers take ASCII only: ${JSON.stringify(value)}`);
  if (bytes.length > width) throw new RangeError(`${what} is longer than ${width} characters: ${JSON.stringify(value)}`);
  return Buffer.concat([bytes, Buffer.alloc(width - bytes.length, 0x20)]);
}

const header = (kind: string, tail = '000000000000000000000000000000'): Buffer =>
  text(`HEADER RECORD*******${kind.padEnd(8, ' ')}HEADER RECORD!!!!!!!${tail}  `, RECORD, 'header');

/** Blank-pads to a whole number of 80-byte records. */
function padRecords(b: Buffer): Buffer {
  const rest = b.length % RECORD;
  return rest === 0 ? b : Buffer.concat([b, Buffer.alloc(RECORD - rest, 0x20)]);
}

/**
 * An IEEE double as IBM System/370 double precision: sign bit, 7-bit excess-64 exponent of 16, 56-bit fraction.
 * Exact for every double in the IBM range (the fraction has 3 more bits than a double's); null is SAS missing.
 */
export function ibmDouble(value: number | null): Buffer {
  const out = Buffer.alloc(8);
  if (value === null) {
    out[0] = 0x2e;
    return out;
  }
  if (!Number.isFinite(value)) throw new RangeError(`XPORT numbers are finite: ${value}`);
  if (value === 0) return out;
  const sign = value < 0 ? 0x80 : 0;
  let f = Math.abs(value);
  let e = 0;
  while (f >= 1) {
    f /= 16;
    e++;
  }
  while (f < 1 / 16) {
    f *= 16;
    e--;
  }
  if (e + 64 > 127) throw new RangeError(`${value} is too large for an IBM double`);
  if (e + 64 < 0) return out; // below the smallest IBM double: 0
  let fraction = BigInt(Math.round(f * 2 ** 56));
  if (fraction === 1n << 56n) fraction >>= 4n; // rounding carried into a new hex digit (cannot happen for doubles, kept for safety)
  out[0] = sign | (e + 64);
  for (let i = 7; i >= 1; i--) {
    out[i] = Number(fraction & 0xffn);
    fraction >>= 8n;
  }
  return out;
}

function namestr(v: XportVariable, index: number, length: number, position: number): Buffer {
  const b = Buffer.alloc(140, 0);
  b.writeInt16BE(v.type === 'numeric' ? 1 : 2, 0);
  b.writeInt16BE(0, 2);
  b.writeInt16BE(length, 4);
  b.writeInt16BE(index + 1, 6);
  text(v.name.toUpperCase(), 8, 'variable name').copy(b, 8);
  text(v.label, 40, `label of ${v.name}`).copy(b, 16);
  text('', 8, 'format').copy(b, 56);
  // nfl, nfd, nfj (shorts at 64, 66, 68) stay 0; nfill (70–71) 0.
  text('', 8, 'informat').copy(b, 72);
  // nifl, nifd (80, 82) 0.
  b.writeInt32BE(position, 84);
  // rest[52] (88–139): zeros.
  return b;
}

/** The whole transport file of these members. */
export function writeXport(members: readonly XportMember[], options: XportOptions): Buffer {
  const stamp = sasDateTime(options.createdAt);
  const parts: Buffer[] = [
    header('LIBRARY'),
    text(`SAS     SAS     SASLIB  9.4     ${'X64_LIN'.padEnd(8)}${''.padEnd(24)}${stamp}`, RECORD, 'library header'),
    text(stamp, RECORD, 'library header'),
  ];
  for (const m of members) {
    if (!NAME.test(m.name)) throw new RangeError(`member name ${m.name}: 1–8 letters, digits or _`);
    const widths = m.variables.map((v, i) => {
      if (!NAME.test(v.name)) throw new RangeError(`variable name ${v.name}: 1–8 letters, digits or _`);
      if (v.type === 'numeric') return 8;
      let w = 1;
      for (const r of m.rows) {
        const value = r[i];
        if (value !== null && value !== undefined) w = Math.max(w, Buffer.byteLength(String(value), 'utf8'));
      }
      if (w > 200) throw new RangeError(`${m.name}.${v.name}: a value of ${w} bytes is over XPORT v5's 200`);
      return w;
    });
    parts.push(
      header('MEMBER', '000000000000000001600000000140'),
      header('DSCRPTR'),
      text(`SAS     ${m.name.toUpperCase().padEnd(8)}SASDATA 9.4     ${'X64_LIN'.padEnd(8)}${''.padEnd(24)}${stamp}`, RECORD, 'member header'),
      text(`${stamp}${''.padEnd(16)}${m.label.padEnd(40).slice(0, 40)}${''.padEnd(8)}`, RECORD, 'member header'),
      header('NAMESTR', `000000${String(m.variables.length).padStart(4, '0')}00000000000000000000`),
    );
    let position = 0;
    const names: Buffer[] = [];
    m.variables.forEach((v, i) => {
      names.push(namestr(v, i, widths[i]!, position));
      position += widths[i]!;
    });
    parts.push(padRecords(Buffer.concat(names)), header('OBS'));
    const observations: Buffer[] = [];
    for (const r of m.rows) {
      m.variables.forEach((v, i) => {
        const value = r[i] ?? null;
        if (v.type === 'numeric') {
          if (value !== null && typeof value !== 'number') throw new TypeError(`${m.name}.${v.name}: ${JSON.stringify(value)} is not a number`);
          observations.push(ibmDouble(value));
        } else {
          const bytes = Buffer.from(value === null ? '' : String(value), 'utf8');
          observations.push(bytes, Buffer.alloc(widths[i]! - bytes.length, 0x20));
        }
      });
    }
    parts.push(padRecords(Buffer.concat(observations)));
  }
  return Buffer.concat(parts);
}
