// Chat-banner files for tests (POR-6, POR-7): a good one, and a hostile set, each with the reason
// the broker must give. Built from bytes here, so no fixture file can drift from its description.
import { deflateSync } from 'node:zlib';
import { encodeBmp8 } from '../../src/broker/services/banner-bmp.ts';

const grey: [number, number, number][] = Array.from({ length: 256 }, (_, i) => [i, i, i]);

/** A valid 480 × h 8-bit banner; `colour(x, y)` is a palette index of a 256-level grey ramp unless a palette is given. */
export function goodBanner(h = 40, colour: (x: number, y: number) => number = (x) => Math.floor(x / 2) % 256, palette = grey): Uint8Array {
  return encodeBmp8(480, h, palette, colour);
}

function patch(file: Uint8Array, f: (v: DataView, b: Uint8Array) => void): Uint8Array {
  const b = new Uint8Array(file);
  f(new DataView(b.buffer), b);
  return b;
}

/** A minimal 24-bit BMP (480 × 40): what most editors save by default. */
function bmp24(): Uint8Array {
  const stride = 480 * 3;
  const size = 54 + stride * 40;
  const b = new Uint8Array(size);
  const v = new DataView(b.buffer);
  b[0] = 0x42;
  b[1] = 0x4d;
  v.setUint32(2, size, true);
  v.setUint32(10, 54, true);
  v.setUint32(14, 40, true);
  v.setInt32(18, 480, true);
  v.setInt32(22, 40, true);
  v.setUint16(26, 1, true);
  v.setUint16(28, 24, true);
  v.setUint32(34, stride * 40, true);
  return b;
}

/** An RLE8-compressed 480 × 40 bitmap (a few encoded runs are enough: the header says what it is). */
function rle8(): Uint8Array {
  const runs: number[] = [];
  for (let y = 0; y < 40; y++) runs.push(240, 7, 240, 9, 0, 0);
  runs.push(0, 1);
  const dataOffset = 54 + 256 * 4;
  const size = dataOffset + runs.length;
  const b = new Uint8Array(size);
  const v = new DataView(b.buffer);
  b[0] = 0x42;
  b[1] = 0x4d;
  v.setUint32(2, size, true);
  v.setUint32(10, dataOffset, true);
  v.setUint32(14, 40, true);
  v.setInt32(18, 480, true);
  v.setInt32(22, 40, true);
  v.setUint16(26, 1, true);
  v.setUint16(28, 8, true);
  v.setUint32(30, 1, true);
  v.setUint32(34, runs.length, true);
  b.set(runs, dataOffset);
  return b;
}

/** A header that claims 10,000 × 10,000 8-bit pixels but carries only its headers. */
function huge(): Uint8Array {
  const dataOffset = 54 + 256 * 4;
  const b = new Uint8Array(dataOffset);
  const v = new DataView(b.buffer);
  b[0] = 0x42;
  b[1] = 0x4d;
  v.setUint32(2, b.length, true);
  v.setUint32(10, dataOffset, true);
  v.setUint32(14, 40, true);
  v.setInt32(18, 10_000, true);
  v.setInt32(22, 10_000, true);
  v.setUint16(26, 1, true);
  v.setUint16(28, 8, true);
  return b;
}

/** A real PNG (1 × 1), saved under a .bmp name. */
export function tinyPng(width = 1, height = 1): Uint8Array {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf: Uint8Array) => {
    let c = 0xffffffff;
    for (const x of buf) c = crcTable[(c ^ x) & 0xff]! ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Uint8Array) => {
    const out = new Uint8Array(12 + data.length);
    const v = new DataView(out.buffer);
    v.setUint32(0, data.length);
    out.set(Buffer.from(type, 'ascii'), 4);
    out.set(data, 8);
    v.setUint32(8 + data.length, crc(out.subarray(4, 8 + data.length)));
    return out;
  };
  const ihdr = new Uint8Array(13);
  const hv = new DataView(ihdr.buffer);
  hv.setUint32(0, width);
  hv.setUint32(4, height);
  ihdr.set([8, 2, 0, 0, 0], 8);
  const raw = new Uint8Array(height * (1 + width * 3));
  for (let y = 0; y < height; y++) raw[y * (1 + width * 3)] = 0;
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', new Uint8Array(0))]);
}

export interface HostileBmp {
  name: string;
  file: Uint8Array;
  reason: string;
  /** Words the refusal message must contain (it says what is wrong, precisely). */
  says: RegExp;
}

export function hostileBanners(): HostileBmp[] {
  const good = goodBanner();
  return [
    { name: 'zero bytes', file: new Uint8Array(0), reason: 'empty', says: /empty/ },
    { name: 'a PNG renamed .bmp', file: tinyPng(), reason: 'png_not_bmp', says: /PNG/ },
    { name: 'a text file', file: Buffer.from('hello, this is not an image'), reason: 'not_bmp', says: /not a Windows BMP/ },
    { name: 'only "BM"', file: Buffer.from('BM'), reason: 'truncated', says: /stops after 2 bytes/ },
    { name: 'a 24-bit bitmap', file: bmp24(), reason: 'wrong_depth', says: /24 bits per pixel/ },
    { name: 'an RLE8-compressed bitmap', file: rle8(), reason: 'compressed', says: /RLE8/ },
    { name: 'a 10,000 × 10,000 header', file: huge(), reason: 'too_large', says: /10000 × 10000/ },
    { name: 'a 4-bit bitmap', file: patch(good, (v) => v.setUint16(28, 4, true)), reason: 'wrong_depth', says: /4 bits per pixel/ },
    { name: 'a 479-pixel-wide bitmap', file: encodeBmp8(479, 40, [[0, 0, 0]], () => 0), reason: 'wrong_width', says: /479 pixels wide.*exactly 480/ },
    { name: 'a 640-pixel-wide bitmap', file: encodeBmp8(640, 40, [[0, 0, 0]], () => 0), reason: 'wrong_width', says: /640 pixels wide/ },
    { name: 'a 480 × 300 bitmap', file: encodeBmp8(480, 300, [[0, 0, 0]], () => 0), reason: 'too_large', says: /file is \d+ bytes|at most 200/ },
    { name: 'a 480 × 201 bitmap', file: encodeBmp8(480, 201, [[0, 0, 0]], () => 0), reason: 'wrong_height', says: /201 pixels high/ },
    { name: 'the file size in the header lies (bigger)', file: patch(good, (v) => v.setUint32(2, good.length + 1000, true)), reason: 'header_size_mismatch', says: /says the file is \d+ bytes/ },
    { name: 'the file size in the header lies (smaller)', file: patch(good, (v) => v.setUint32(2, 100, true)), reason: 'header_size_mismatch', says: /says the file is 100 bytes/ },
    { name: 'the pixel offset points past the end', file: patch(good, (v) => v.setUint32(10, good.length + 10, true)), reason: 'bad_offset', says: /past the end/ },
    { name: 'the pixel offset points into the palette', file: patch(good, (v) => v.setUint32(10, 40, true)), reason: 'bad_offset', says: /inside the headers/ },
    { name: 'the palette count lies (300 colours)', file: patch(good, (v) => v.setUint32(46, 300, true)), reason: 'bad_palette', says: /300 colours/ },
    { name: 'the palette count says 256 (0) but the file has room for 2', file: patch(encodeBmp8(480, 40, [[0, 0, 0], [255, 255, 255]], (x) => x % 2), (v) => v.setUint32(46, 0, true)), reason: 'bad_palette', says: /256 colours.*room for 2/ },
    { name: 'pixels index past a short palette', file: patch(encodeBmp8(480, 40, [[0, 0, 0], [255, 255, 255]], () => 0), (_v, b) => (b[b.length - 1] = 200)), reason: 'bad_palette', says: /colour 200.*2 colours/ },
    { name: 'the image size field lies', file: patch(good, (v) => v.setUint32(34, 12345, true)), reason: 'bad_image_size', says: /12345 bytes/ },
    { name: 'the header is cut short', file: good.subarray(0, 30), reason: 'truncated', says: /inside its 40-byte bitmap header/ },
    { name: 'the pixel rows are cut short (header adjusted)', file: patch(good.subarray(0, good.length - 500), (v, b) => v.setUint32(2, b.length, true)), reason: 'truncated', says: /rows of pixels need/ },
    { name: 'an OS/2 bitmap header', file: patch(good, (v) => v.setUint32(14, 12, true)), reason: 'unsupported_header', says: /OS\/2/ },
    { name: 'a header length of 4 billion', file: patch(good, (v) => v.setUint32(14, 0xffffffff, true)), reason: 'unsupported_header', says: /4294967295/ },
    { name: 'two colour planes', file: patch(good, (v) => v.setUint16(26, 2, true)), reason: 'bad_planes', says: /2 colour planes/ },
    { name: 'a negative width', file: patch(good, (v) => v.setInt32(18, -480, true)), reason: 'wrong_width', says: /-480/ },
    { name: 'a zero height', file: patch(good, (v) => v.setInt32(22, 0, true)), reason: 'wrong_height', says: /480 × 0 pixels: no height/ },
    { name: 'BITFIELDS compression', file: patch(good, (v) => v.setUint32(30, 3, true)), reason: 'compressed', says: /BITFIELDS/ },
  ];
}
