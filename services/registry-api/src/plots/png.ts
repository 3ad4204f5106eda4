import { inflateSync } from 'node:zlib';

export interface DecodedPng {
  readonly width: number;
  readonly height: number;
  /** RGBA, 8 bits per channel, row-major. */
  readonly rgba: Uint8Array;
}

/**
 * Decodes the 8-bit RGB/RGBA, non-interlaced PNGs Chromium writes for screenshots — just enough to count pixels
 * in the rendering check without another dependency.
 */
export function decodePng(png: Buffer): DecodedPng {
  if (png.readUInt32BE(0) !== 0x89504e47) throw new Error('not a PNG');
  let offset = 8;
  let width = 0;
  let height = 0;
  let colourType = 0;
  const idat: Buffer[] = [];
  while (offset < png.length) {
    const length = png.readUInt32BE(offset);
    const type = png.toString('ascii', offset + 4, offset + 8);
    const data = png.subarray(offset + 8, offset + 8 + length);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      const bitDepth = data[8];
      colourType = data[9] as number;
      if (bitDepth !== 8 || (colourType !== 2 && colourType !== 6) || data[12] !== 0)
        throw new Error(`unsupported PNG (bit depth ${bitDepth}, colour type ${colourType}, interlace ${data[12]})`);
    } else if (type === 'IDAT') idat.push(data);
    else if (type === 'IEND') break;
    offset += 12 + length;
  }
  const bpp = colourType === 6 ? 4 : 3;
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * bpp;
  const out = new Uint8Array(width * height * 4);
  let prev = new Uint8Array(stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)] as number;
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    const cur = new Uint8Array(stride);
    for (let i = 0; i < stride; i++) {
      const a = i >= bpp ? (cur[i - bpp] as number) : 0;
      const b = prev[i] as number;
      const c = i >= bpp ? (prev[i - bpp] as number) : 0;
      const x = line[i] as number;
      let v: number;
      switch (filter) {
        case 0:
          v = x;
          break;
        case 1:
          v = x + a;
          break;
        case 2:
          v = x + b;
          break;
        case 3:
          v = x + ((a + b) >> 1);
          break;
        case 4: {
          const p = a + b - c;
          const pa = Math.abs(p - a);
          const pb = Math.abs(p - b);
          const pc = Math.abs(p - c);
          v = x + (pa <= pb && pa <= pc ? a : pb <= pc ? b : c);
          break;
        }
        default:
          throw new Error(`bad PNG filter ${filter}`);
      }
      cur[i] = v & 0xff;
    }
    for (let px = 0; px < width; px++) {
      const o = (y * width + px) * 4;
      out[o] = cur[px * bpp] as number;
      out[o + 1] = cur[px * bpp + 1] as number;
      out[o + 2] = cur[px * bpp + 2] as number;
      out[o + 3] = bpp === 4 ? (cur[px * bpp + 3] as number) : 255;
    }
    prev = cur;
  }
  return { width, height, rgba: out };
}

/** Pixels that are not (near) white, and those that are clearly coloured (not grey): curves, bands, markers. */
export function pixelCensus(img: DecodedPng): { nonWhite: number; coloured: number; total: number } {
  let nonWhite = 0;
  let coloured = 0;
  for (let i = 0; i < img.rgba.length; i += 4) {
    const r = img.rgba[i] as number;
    const g = img.rgba[i + 1] as number;
    const b = img.rgba[i + 2] as number;
    if (r < 245 || g < 245 || b < 245) nonWhite++;
    if (Math.max(r, g, b) - Math.min(r, g, b) > 60) coloured++;
  }
  return { nonWhite, coloured, total: img.width * img.height };
}
