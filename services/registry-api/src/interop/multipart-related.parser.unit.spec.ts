import { describe, expect, it } from '@jest/globals';
import { MultipartError, parseMediaType, splitMultipart } from './multipart-related.parser.js';

const bin = (...bytes: number[]) => Buffer.from(bytes);
const body = (...pieces: (string | Buffer)[]) => Buffer.concat(pieces.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : p)));
const codeOf = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    if (e instanceof MultipartError) return e.code;
    throw e;
  }
  throw new Error('expected a MultipartError');
};

describe('parseMediaType', () => {
  it('reads type, subtype and parameters, quoted or not, case-insensitive names, case-kept values', () => {
    expect(parseMediaType('Multipart/Related; type="application/dicom"; Boundary=AbC-123')).toEqual({
      type: 'multipart/related',
      params: { type: 'application/dicom', boundary: 'AbC-123' },
    });
    expect(parseMediaType('multipart/related;boundary="a b;c\\"d" ; type=application/dicom')).toEqual({
      type: 'multipart/related',
      params: { boundary: 'a b;c"d', type: 'application/dicom' },
    });
    expect(parseMediaType('application/dicom')).toEqual({ type: 'application/dicom', params: {} });
    expect(parseMediaType('application/dicom;')).toEqual({ type: 'application/dicom', params: {} });
  });

  it.each([[undefined], [''], ['application'], ['a/b/c'], ['text/plain; charset'], ['x/y; a="open'], ['x/y; a="q" junk'], ['x/y; a=b c']])(
    'refuses %j',
    (header) => {
      expect(parseMediaType(header)).toBeNull();
    },
  );
});

describe('splitMultipart', () => {
  const dicom = bin(0x00, 0x0d, 0x0a, 0x2d, 0x2d, 0xff, 0x0d, 0x0a); // binary, with CRLF and "--" inside

  it('splits parts with their headers, keeps binary bodies byte for byte, ignores preamble and epilogue', () => {
    const parts = splitMultipart(
      body(
        'preamble text\r\n--XyZ\r\nContent-Type: application/dicom\r\nX-Note: a\r\n  folded\r\n\r\n',
        dicom,
        '\r\n--XyZ  \r\ncontent-type: application/dicom\r\n\r\n',
        'second',
        '\r\n--XyZ--\r\nepilogue',
      ),
      'XyZ',
      10,
    );
    expect(parts.map((p) => p.headers)).toEqual([{ 'content-type': 'application/dicom', 'x-note': 'a folded' }, { 'content-type': 'application/dicom' }]);
    expect(parts[0]!.body.equals(dicom)).toBe(true);
    expect(parts[1]!.body.toString()).toBe('second');
  });

  it('takes a first boundary at the very start, a part without headers and an empty part', () => {
    const parts = splitMultipart(body('--b\r\n\r\nno headers\r\n--b\r\nContent-Type: x/y\r\n\r\n\r\n--b--'), 'b', 10);
    expect(parts).toEqual([
      { headers: {}, body: Buffer.from('no headers') },
      { headers: { 'content-type': 'x/y' }, body: Buffer.alloc(0) },
    ]);
    expect(splitMultipart(body('--b--\r\n'), 'b', 10)).toEqual([]);
  });

  it.each([
    ['no boundary at all', 'just text'],
    ['no closing boundary', '--b\r\nContent-Type: x/y\r\n\r\ncut short'],
    ['a header block that never ends', '--b\r\nContent-Type: x/y\r\n'],
    ['characters after the boundary', '--b junk\r\n\r\nx\r\n--b--'],
    ['a header line without a colon', '--b\r\nnot a header\r\n\r\nx\r\n--b--'],
    ['a body ending right after a boundary', '--b\r\n\r\nx\r\n--b'],
  ])('refuses %s as MULTIPART_MALFORMED', (_what, text) => {
    expect(codeOf(() => splitMultipart(body(text), 'b', 10))).toBe('MULTIPART_MALFORMED');
  });

  it('refuses an invalid boundary and more parts than allowed', () => {
    expect(codeOf(() => splitMultipart(body('--a b \r\n'), 'a b ', 10))).toBe('MULTIPART_MALFORMED');
    expect(codeOf(() => splitMultipart(body('--b\r\n\r\n1\r\n--b\r\n\r\n2\r\n--b\r\n\r\n3\r\n--b--'), 'b', 2))).toBe('MULTIPART_TOO_MANY_PARTS');
  });
});
