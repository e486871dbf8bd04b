// A small strict reader of Windows BMP files for the chat banners (POR-6, POR-7): the site accepts
// only an uncompressed 8-bit (256-colour) bitmap 480 pixels wide, and says exactly why it refuses
// anything else. Nothing is decoded beyond the headers and a bounds check of the pixel rows.

export const BANNER_WIDTH = 480;
export const BANNER_RECOMMENDED_HEIGHT = 40;
/** Taller than this is not a banner: it would push the chat out of the window. */
export const BANNER_MAX_HEIGHT = 200;
/** A 480 × 200 8-bit bitmap with its headers and palette is about 97 KiB; this leaves room for V5 headers and padding. */
export const BANNER_MAX_BYTES = 128 * 1024;

export type BmpRefusal =
  | 'empty'
  | 'not_bmp'
  | 'png_not_bmp'
  | 'truncated'
  | 'too_large'
  | 'header_size_mismatch'
  | 'unsupported_header'
  | 'bad_offset'
  | 'bad_palette'
  | 'wrong_depth'
  | 'compressed'
  | 'wrong_width'
  | 'wrong_height'
  | 'bad_planes'
  | 'bad_image_size';

export interface BmpInfo {
  width: number;
  height: number;
  topDown: boolean;
  paletteColours: number;
  bytes: number;
}

export type BmpResult = { ok: true; info: BmpInfo } | { ok: false; reason: BmpRefusal; message: string };

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const FILE_HEADER = 14;
/** BITMAPINFOHEADER, BITMAPV4HEADER, BITMAPV5HEADER: the ones with 32-bit sizes and a compression field. */
const INFO_HEADERS = new Set([40, 108, 124]);
const COMPRESSION_NAMES: Record<number, string> = { 1: 'RLE8', 2: 'RLE4', 3: 'BITFIELDS', 4: 'JPEG', 5: 'PNG', 6: 'ALPHABITFIELDS' };

function refuse(reason: BmpRefusal, message: string): BmpResult {
  return { ok: false, reason, message };
}

/** Checks `file` is a banner this site can show; on refusal, `reason` is stable and `message` is for people. */
export function parseBannerBmp(file: Uint8Array): BmpResult {
  const n = file.length;
  if (n === 0) return refuse('empty', 'The file is empty (0 bytes)');
  if (n > BANNER_MAX_BYTES) return refuse('too_large', `The file is ${n} bytes; a banner may be at most ${BANNER_MAX_BYTES} bytes`);
  if (n >= 8 && PNG_SIGNATURE.every((b, i) => file[i] === b)) return refuse('png_not_bmp', 'This is a PNG image with a .bmp name; save it as a Windows BMP, 8-bit (256 colours)');
  if (n < 2 || file[0] !== 0x42 || file[1] !== 0x4d) return refuse('not_bmp', 'This is not a Windows BMP file (it does not start with "BM")');
  if (n < FILE_HEADER + 4) return refuse('truncated', `The file stops after ${n} bytes, inside its headers`);
  const v = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const declaredSize = v.getUint32(2, true);
  const dataOffset = v.getUint32(10, true);
  const dibSize = v.getUint32(14, true);
  if (dibSize === 12) return refuse('unsupported_header', 'This is an OS/2 bitmap (12-byte header); save it as a Windows BMP');
  if (!INFO_HEADERS.has(dibSize)) return refuse('unsupported_header', `The bitmap header says it is ${dibSize} bytes long; a Windows BMP header is 40, 108 or 124`);
  if (n < FILE_HEADER + dibSize) return refuse('truncated', `The file stops after ${n} bytes, inside its ${dibSize}-byte bitmap header`);
  if (declaredSize !== n) return refuse('header_size_mismatch', `The header says the file is ${declaredSize} bytes but it is ${n}`);

  const width = v.getInt32(18, true);
  const rawHeight = v.getInt32(22, true);
  const planes = v.getUint16(26, true);
  const depth = v.getUint16(28, true);
  const compression = v.getUint32(30, true);
  const imageSize = v.getUint32(34, true);
  const coloursUsed = v.getUint32(46, true);
  const height = Math.abs(rawHeight);

  if (planes !== 1) return refuse('bad_planes', `The header says ${planes} colour planes; a BMP has 1`);
  if (depth !== 8) return refuse('wrong_depth', `This bitmap has ${depth} bits per pixel; the banner must be 8-bit (256 colours)`);
  if (compression !== 0) {
    return refuse('compressed', `This bitmap is compressed (${COMPRESSION_NAMES[compression] ?? `method ${compression}`}); save it uncompressed`);
  }
  if (width <= 0) return refuse('wrong_width', `The header gives a size of ${width} × ${rawHeight} pixels: no width`);
  if (rawHeight === 0 || rawHeight === -2147483648) return refuse('wrong_height', `The header gives a size of ${width} × ${rawHeight} pixels: no height`);
  // Dimensions are judged before the pixels are looked for: a 10,000 × 10,000 header is refused for what it claims.
  if (width * height > BANNER_WIDTH * BANNER_MAX_HEIGHT * 4) return refuse('too_large', `The bitmap is ${width} × ${height} pixels; a banner is ${BANNER_WIDTH} pixels wide and at most ${BANNER_MAX_HEIGHT} high`);
  if (width !== BANNER_WIDTH) return refuse('wrong_width', `The bitmap is ${width} pixels wide; the banner must be exactly ${BANNER_WIDTH}`);
  if (height > BANNER_MAX_HEIGHT) return refuse('wrong_height', `The bitmap is ${height} pixels high; a banner may be at most ${BANNER_MAX_HEIGHT} (${BANNER_RECOMMENDED_HEIGHT} recommended)`);

  if (coloursUsed > 256) return refuse('bad_palette', `The header says the palette has ${coloursUsed} colours; an 8-bit bitmap has at most 256`);
  const paletteColours = coloursUsed === 0 ? 256 : coloursUsed;
  const paletteStart = FILE_HEADER + dibSize;
  const paletteEnd = paletteStart + paletteColours * 4;
  if (paletteEnd > n) return refuse('truncated', `The file stops inside its palette of ${paletteColours} colours`);
  if (dataOffset < paletteStart || dataOffset > n) {
    if (dataOffset < paletteStart) return refuse('bad_offset', `The pixels are said to start at byte ${dataOffset}, inside the headers (which end at byte ${paletteStart})`);
  } else if (dataOffset < paletteEnd) {
    const room = Math.floor((dataOffset - paletteStart) / 4);
    return refuse('bad_palette', `The header says the palette has ${paletteColours} colours, but the pixels start at byte ${dataOffset}, which leaves room for ${room}`);
  }
  const stride = Math.ceil(width / 4) * 4;
  const pixelBytes = stride * height;
  if (imageSize !== 0 && imageSize !== pixelBytes) return refuse('bad_image_size', `The header says the pixels take ${imageSize} bytes; ${width} × ${height} at 8 bits take ${pixelBytes}`);
  if (dataOffset >= n) return refuse('bad_offset', `The pixels are said to start at byte ${dataOffset}, past the end of the ${n}-byte file`);
  if (dataOffset + pixelBytes > n) return refuse('truncated', `The file stops after ${n} bytes; its ${height} rows of pixels need ${dataOffset + pixelBytes}`);
  // Every pixel is an index into the palette: one past its end would be drawn from nothing.
  if (paletteColours < 256) {
    for (let row = 0; row < height; row++) {
      const start = dataOffset + row * stride;
      for (let x = 0; x < width; x++) {
        const idx = file[start + x]!;
        if (idx >= paletteColours) return refuse('bad_palette', `A pixel uses colour ${idx} but the palette has ${paletteColours} colours`);
      }
    }
  }
  return { ok: true, info: { width, height, topDown: rawHeight < 0, paletteColours, bytes: n } };
}

/** Writes an uncompressed 8-bit bottom-up BMP (used for the default banner and by tests). */
export function encodeBmp8(width: number, height: number, palette: [number, number, number][], pixel: (x: number, y: number) => number): Uint8Array {
  const stride = Math.ceil(width / 4) * 4;
  const dataOffset = FILE_HEADER + 40 + palette.length * 4;
  const size = dataOffset + stride * height;
  const out = new Uint8Array(size);
  const v = new DataView(out.buffer);
  out[0] = 0x42;
  out[1] = 0x4d;
  v.setUint32(2, size, true);
  v.setUint32(10, dataOffset, true);
  v.setUint32(14, 40, true);
  v.setInt32(18, width, true);
  v.setInt32(22, height, true);
  v.setUint16(26, 1, true);
  v.setUint16(28, 8, true);
  v.setUint32(30, 0, true);
  v.setUint32(34, stride * height, true);
  v.setInt32(38, 2835, true);
  v.setInt32(42, 2835, true);
  v.setUint32(46, palette.length, true);
  v.setUint32(50, 0, true);
  palette.forEach(([r, g, b], i) => {
    const o = FILE_HEADER + 40 + i * 4;
    out[o] = b;
    out[o + 1] = g;
    out[o + 2] = r;
  });
  for (let y = 0; y < height; y++) {
    // Bottom-up: the first row in the file is the bottom of the picture.
    const row = dataOffset + (height - 1 - y) * stride;
    for (let x = 0; x < width; x++) out[row + x] = pixel(x, y);
  }
  return out;
}

/** The product's own banner: a band of the site's blue, darker to the right, with a light rule at the bottom. */
export function defaultBannerBmp(): Uint8Array {
  const palette: [number, number, number][] = [];
  for (let i = 0; i < 32; i++) palette.push([Math.round(0x1f - i * 0.4), Math.round(0x5f - i * 1.2), Math.round(0xa8 - i * 1.6)]);
  palette.push([0xe8, 0xed, 0xf3]);
  return encodeBmp8(BANNER_WIDTH, BANNER_RECOMMENDED_HEIGHT, palette, (x, y) => (y >= BANNER_RECOMMENDED_HEIGHT - 2 ? 32 : Math.floor((x / BANNER_WIDTH) * 32)));
}
