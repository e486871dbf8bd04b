// The screen viewer's decoder, off the page's main thread: H.264 / VP9 through WebCodecs'
// VideoDecoder, tile frames (PNG/WebP/JPEG tiles, copy rects, fills; also the lossless
// "sharpening" tiles sent over a resting video stream) through createImageBitmap, all drawn on
// the OffscreenCanvas the page handed over. Each frame is answered once drawn (or refused), so the
// page takes the next channel message only then. Bad input is refused, never trusted.
import { ScreenMessageError, decodeScreenMessage, videoDrawRects, type ScreenInfo, type ScreenRect, type TileFrameMessage, type VideoFrameMessage } from '../../../../src/protocol/screen.ts';
import type { FromWorker, ToWorker } from './worker-protocol.ts';

const scope = self as unknown as { onmessage: ((ev: MessageEvent<ToWorker>) => void) | null; postMessage(m: FromWorker): void };

/** Codec strings WebCodecs is configured with; the stream's own headers say the rest (Annex B, in-band). */
const CODEC_STRINGS = { h264: ['avc1.64002A', 'avc1.42E02A', 'avc1.42001F'], vp9: ['vp09.00.41.08', 'vp09.00.10.08'] } as const;
/** A picture that has not come out of the decoder by then is given up (and a key frame asked). */
const DECODE_TIMEOUT_MS = 2000;

let canvas: OffscreenCanvas | null = null;
let ctx: OffscreenCanvasRenderingContext2D | null = null;
let info: ScreenInfo | null = null;
let decoder: VideoDecoder | null = null;
let decoderCodec: 'h264' | 'vp9' | null = null;
let videoKeySeen = false;
let tileKeySeen = false;
const chosen: { h264: string | null; vp9: string | null } = { h264: null, vp9: null };
/**
 * Pictures in the decoder, in order, each with the areas of it to draw (its changed rects). One
 * that timed out stays (answered) until its picture comes out or a later one does: removing it
 * made a late picture take the next one's rects and answer. Matched by timestamp.
 */
const pending: { id: number; timestamp: number; timer: ReturnType<typeof setTimeout>; rects: ScreenRect[]; answered: boolean }[] = [];
/** Draws run one after the other (tiles await image decoding; video waits for the decoder's output). */
let chain: Promise<void> = Promise.resolve();
const MAX_PENDING = 64;

const answer = (id: number, ok: boolean, error?: string) => scope.postMessage(error ? { t: 'drawn', id, ok, error } : { t: 'drawn', id, ok });

async function probe(): Promise<void> {
  for (const codec of ['h264', 'vp9'] as const) {
    for (const s of CODEC_STRINGS[codec]) {
      try {
        const r = await VideoDecoder.isConfigSupported({ codec: s, optimizeForLatency: true });
        if (r.supported) {
          chosen[codec] = s;
          break;
        }
      } catch {
        // An unknown codec string: try the next one.
        continue;
      }
    }
  }
  scope.postMessage({ t: 'ready', video: { h264: chosen.h264 !== null, vp9: chosen.vp9 !== null } });
}

function failPending(error: string): void {
  for (const p of pending.splice(0)) {
    clearTimeout(p.timer);
    if (!p.answered) answer(p.id, false, error);
  }
}

function resetDecoder(): void {
  failPending('decoder reset');
  if (decoder && decoder.state !== 'closed') decoder.close();
  decoder = null;
  decoderCodec = null;
  videoKeySeen = false;
}

function ensureDecoder(codec: 'h264' | 'vp9'): VideoDecoder | null {
  if (decoder && decoderCodec === codec && decoder.state === 'configured') return decoder;
  resetDecoder();
  const codecString = chosen[codec];
  if (!codecString) return null;
  const d = new VideoDecoder({
    output: (frame) => {
      // Pictures before this one that the decoder never gave out are lost.
      let p = pending.shift();
      while (p && p.timestamp !== frame.timestamp && pending.some((q) => q.timestamp === frame.timestamp)) {
        clearTimeout(p.timer);
        if (!p.answered) answer(p.id, false, 'the decoder gave no picture');
        p = pending.shift();
      }
      try {
        if (ctx && canvas) {
          // Only what this picture changed: elsewhere the canvas may hold the sharpening pass's
          // lossless tiles, which the lossy picture would blur again.
          const sx = frame.displayWidth / canvas.width;
          const sy = frame.displayHeight / canvas.height;
          for (const r of p?.rects ?? [{ x: 0, y: 0, width: canvas.width, height: canvas.height }]) ctx.drawImage(frame, r.x * sx, r.y * sy, r.width * sx, r.height * sy, r.x, r.y, r.width, r.height);
        }
      } finally {
        frame.close();
      }
      if (p) {
        clearTimeout(p.timer);
        if (!p.answered) answer(p.id, true);
      }
    },
    error: (e) => {
      // The decoder closes itself: every picture in it is lost; the next must be a key frame.
      failPending(`undecodable ${codec} frame: ${e.message}`);
      decoder = null;
      decoderCodec = null;
      videoKeySeen = false;
    },
  });
  d.configure({ codec: codecString, optimizeForLatency: true, hardwareAcceleration: 'no-preference' });
  decoder = d;
  decoderCodec = codec;
  return d;
}

function drawVideo(id: number, m: VideoFrameMessage): Promise<void> {
  if (!m.key && !videoKeySeen) {
    answer(id, false, 'waiting for a key frame');
    return Promise.resolve();
  }
  const d = ensureDecoder(m.codec);
  if (!d) {
    answer(id, false, `this browser cannot decode ${m.codec}`);
    return Promise.resolve();
  }
  if (m.key) videoKeySeen = true;
  return new Promise<void>((resolve) => {
    const timestamp = Math.round(m.captureTime * 1000);
    const entry = { id, timestamp, rects: videoDrawRects(m), answered: false, timer: undefined as unknown as ReturnType<typeof setTimeout> };
    entry.timer = setTimeout(() => {
      entry.answered = true;
      answer(id, false, 'the decoder gave no picture');
      resolve();
    }, DECODE_TIMEOUT_MS);
    // A decoder that stopped giving pictures without an error must not grow the queue for ever.
    while (pending.length >= MAX_PENDING) {
      const old = pending.shift()!;
      clearTimeout(old.timer);
      if (!old.answered) answer(old.id, false, 'the decoder gave no picture');
    }
    pending.push(entry);
    try {
      d.decode(new EncodedVideoChunk({ type: m.key ? 'key' : 'delta', timestamp, data: m.data }));
    } catch (err) {
      failPending(`undecodable ${m.codec} frame: ${err instanceof Error ? err.message : String(err)}`);
      resetDecoder();
    }
    // The answer goes when the decoder outputs the picture (or fails); the next draw may start now.
    resolve();
  });
}

const TILE_TYPES = { png: 'image/png', webp: 'image/webp', jpeg: 'image/jpeg' } as const;

async function drawTiles(id: number, m: TileFrameMessage): Promise<void> {
  if (!ctx || !info) return answer(id, false, 'not configured');
  // On a tile stream the first frame must be whole; on a video stream tiles refine what is shown.
  if (info.codec === 'tile' && !m.key && !tileKeySeen) return answer(id, false, 'waiting for a key frame');
  let bitmaps: (ImageBitmap | null)[];
  try {
    bitmaps = await Promise.all(
      m.tiles.map(async (t) => {
        if (t.kind === 'copy' || t.kind === 'fill') return null;
        const bmp = await createImageBitmap(new Blob([t.data as Uint8Array<ArrayBuffer>], { type: TILE_TYPES[t.kind] }), { premultiplyAlpha: 'none', colorSpaceConversion: 'none' });
        if (bmp.width !== t.width || bmp.height !== t.height) {
          bmp.close();
          throw new Error(`a ${t.kind} tile of ${bmp.width}x${bmp.height} announced as ${t.width}x${t.height}`);
        }
        return bmp;
      }),
    );
  } catch (err) {
    return answer(id, false, `undecodable tile: ${err instanceof Error ? err.message : String(err)}`);
  }
  m.tiles.forEach((t, i) => {
    if (t.kind === 'copy') ctx!.putImageData(ctx!.getImageData(t.srcX, t.srcY, t.width, t.height), t.x, t.y);
    else if (t.kind === 'fill') {
      const c = t.rgba >>> 0;
      ctx!.fillStyle = `rgba(${c >>> 24},${(c >>> 16) & 255},${(c >>> 8) & 255},${(c & 255) / 255})`;
      ctx!.fillRect(t.x, t.y, t.width, t.height);
    } else {
      const bmp = bitmaps[i]!;
      ctx!.drawImage(bmp, t.x, t.y);
      bmp.close();
    }
  });
  if (m.key) tileKeySeen = true;
  answer(id, true);
}

function draw(id: number, buf: ArrayBuffer): Promise<void> {
  let m;
  try {
    m = decodeScreenMessage(new Uint8Array(buf));
  } catch (err) {
    answer(id, false, err instanceof ScreenMessageError ? `${err.code}: ${err.message}` : 'bad message');
    return Promise.resolve();
  }
  if (m.type === 'video') return drawVideo(id, m);
  if (m.type === 'tiles') return drawTiles(id, m);
  answer(id, false, `not a picture: ${m.type}`);
  return Promise.resolve();
}

scope.onmessage = (ev) => {
  const m = ev.data;
  switch (m.t) {
    case 'init':
      canvas = m.canvas;
      ctx = canvas.getContext('2d', { alpha: false });
      void probe();
      return;
    case 'configure': {
      const sizeChanged = !info || info.streamWidth !== m.info.streamWidth || info.streamHeight !== m.info.streamHeight;
      const codecChanged = !info || info.codec !== m.info.codec;
      info = m.info;
      if (canvas && sizeChanged) {
        canvas.width = m.info.streamWidth;
        canvas.height = m.info.streamHeight;
      }
      if (sizeChanged || codecChanged) {
        resetDecoder();
        tileKeySeen = false;
      }
      return;
    }
    case 'draw':
      chain = chain.then(() => draw(m.id, m.buf));
      return;
    case 'close':
      resetDecoder();
      return;
  }
};
