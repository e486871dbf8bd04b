// Converts a raw session recording (REP-5) to an MP4 video with an existing encoder: the screen
// messages are decoded with the codec library (H.264/VP9 through node-av, tiles through sharp,
// the sharpening pass drawn over the video picture), the picture of each moment is handed at a
// constant frame rate to Debian's ffmpeg (libx264), so the video lasts exactly as long as the
// recording. Written under a temporary name and renamed once complete: nothing half-written.
//
// The picture handed to ffmpeg is planar YUV 4:2:0, the decoder's own format: a video frame of
// the video's size goes through without colour conversion (3 MB a 1080p frame instead of 8 MB of
// RGBA converted twice). Tiles, and video of another size, are drawn on an RGBA copy of the
// picture, which is converted to YUV once per such frame.
import { spawn } from 'node:child_process';
import { rename, rm } from 'node:fs/promises';
import type { DecodedPicture } from '../../codec/index.ts';
import type { TileDecoder } from '../../codec/tile-decoder.ts';
import type { VideoDecoder } from '../../codec/video-decoder.ts';
import type { YuvPicture } from '../../codec/yuv-picture.ts';
import { decodeScreenMessage, type ScreenCodecId } from '../../protocol/screen.ts';
import { RecordingReader } from './recording-reader.ts';

export class ConversionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConversionError';
  }
}

export interface ConvertOptions {
  fps: number;
  onProgress?: (fraction: number) => void;
  /** The ffmpeg binary (default `ffmpeg` on the PATH). */
  ffmpeg?: string;
}

export interface ConvertResult {
  durationMs: number;
  frames: number;
  width: number;
  height: number;
}

interface ScreenState {
  codec: ScreenCodecId;
  video: VideoDecoder | null;
  tiles: TileDecoder | null;
}


/** First pass: how long, and the size of the first picture (the video's size). */
async function survey(file: string): Promise<{ durationMs: number; width: number; height: number }> {
  const r = await RecordingReader.open(file);
  try {
    let durationMs = 0;
    let size: { width: number; height: number } | null = null;
    for await (const e of r.entries()) {
      durationMs = Math.max(durationMs, e.t);
      if (!size && e.type === 'message' && e.kind === 'screen') {
        try {
          const m = decodeScreenMessage(e.payload);
          if (m.type === 'video' || m.type === 'tiles') size = { width: m.width, height: m.height };
        } catch {
          // A bad message is skipped in the second pass too.
        }
      }
    }
    if (r.end === 'corrupt' && durationMs === 0) throw new ConversionError(`The recording is corrupt: ${r.problem}`);
    if (!size) throw new ConversionError('The recording holds no screen picture');
    return { durationMs, width: size.width & ~1, height: size.height & ~1 };
  } finally {
    await r.close();
  }
}

/** Copies `pic` into the output picture (top-left; cropped or padded when its size differs). */
function place(out: Buffer, ow: number, oh: number, pic: DecodedPicture): void {
  if (pic.width === ow && pic.height === oh) {
    pic.rgba.copy(out);
    return;
  }
  out.fill(0);
  const w = Math.min(ow, pic.width) * 4;
  for (let y = 0; y < Math.min(oh, pic.height); y++) pic.rgba.copy(out, y * ow * 4, y * pic.width * 4, y * pic.width * 4 + w);
}

export async function convertRecording(file: string, out: string, o: ConvertOptions): Promise<ConvertResult> {
  // The codecs (node-av, sharp) load only when a recording is converted, not with the broker.
  const { VideoDecoder } = await import('../../codec/video-decoder.ts');
  const { YuvPicture } = await import('../../codec/yuv-picture.ts');
  const { TileDecoder } = await import('../../codec/tile-decoder.ts');
  const { durationMs, width, height } = await survey(file);
  const total = Math.max(1, Math.ceil((durationMs * o.fps) / 1000));
  const tmp = `${out}.${process.pid}.tmp.mp4`;
  const ff = spawn(o.ffmpeg ?? 'ffmpeg', [
    '-hide_banner', '-loglevel', 'error', '-nostdin',
    '-f', 'rawvideo', '-pix_fmt', 'yuv420p', '-s', `${width}x${height}`, '-r', String(o.fps), '-i', 'pipe:0',
    '-c:v', 'libx264', '-preset', 'ultrafast', '-crf', '30', '-pix_fmt', 'yuv420p',
    '-movflags', '+faststart', '-f', 'mp4', '-y', tmp,
  ], { stdio: ['pipe', 'ignore', 'pipe'] });
  let stderr = '';
  ff.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
  const exited = new Promise<number>((resolve, reject) => {
    ff.on('error', (err) => reject(new ConversionError(`ffmpeg could not start: ${err.message}`)));
    ff.on('close', (code) => resolve(code ?? -1));
  });
  exited.catch(() => undefined);
  const stdinFailed = new Promise<never>((_, reject) => ff.stdin.on('error', (err) => reject(new ConversionError(`ffmpeg stopped: ${err.message} ${stderr}`))));
  stdinFailed.catch(() => undefined);

  const picture: YuvPicture = new YuvPicture(width, height);
  let frames = 0;
  const writeFrame = async (): Promise<void> => {
    frames++;
    // write() keeps the buffer until it is flushed: hand it a copy, the picture changes on.
    if (!ff.stdin.write(Buffer.from(picture.yuv))) await Promise.race([new Promise((r) => ff.stdin.once('drain', r)), stdinFailed, exited]);
    if (frames % o.fps === 0) o.onProgress?.(Math.min(0.99, frames / total));
  };
  const screens = new Map<number, ScreenState>();
  const r = await RecordingReader.open(file);
  try {
    for await (const e of r.entries()) {
      // Every frame before this moment shows the picture as it was.
      while (frames < total && (frames * 1000) / o.fps < e.t) await writeFrame();
      if (e.type === 'channel_opened' && e.kind === 'screen') {
        const codec = ((e.meta as { codec?: string } | null)?.codec ?? 'h264') as ScreenCodecId;
        screens.set(e.channelId, { codec, video: null, tiles: null });
      } else if (e.type === 'channel_closed') {
        const s = screens.get(e.channelId);
        s?.video?.close();
        screens.delete(e.channelId);
      } else if (e.type === 'message' && e.kind === 'screen') {
        const s = screens.get(e.channelId) ?? { codec: 'h264' as ScreenCodecId, video: null, tiles: null };
        screens.set(e.channelId, s);
        try {
          const m = decodeScreenMessage(e.payload);
          if (m.type === 'video') {
            s.video ??= new VideoDecoder(m.codec);
            if (m.width === width && m.height === height) {
              picture.setYuv((await s.video.decodeYuv(m)).yuv);
            } else {
              place(picture.currentRgba(), width, height, await s.video.decode(m));
              picture.rgbaChanged();
            }
          } else if (m.type === 'tiles') {
            s.tiles ??= new TileDecoder();
            if (s.video && !m.key) s.tiles.setPicture({ width, height, rgba: picture.currentRgba() });
            place(picture.currentRgba(), width, height, await s.tiles.decode(m));
            picture.rgbaChanged();
          }
        } catch {
          // An undecodable frame (a torn or corrupt recording) leaves the last good picture.
        }
      }
    }
    while (frames < total) await writeFrame();
  } catch (err) {
    ff.kill('SIGKILL');
    await exited.catch(() => undefined);
    await rm(tmp, { force: true });
    throw err;
  } finally {
    await r.close();
    for (const s of screens.values()) s.video?.close();
    picture.close();
  }
  ff.stdin.end();
  const code = await exited;
  if (code !== 0) {
    await rm(tmp, { force: true });
    throw new ConversionError(`ffmpeg failed (${code}): ${stderr.trim()}`);
  }
  await rename(tmp, out);
  o.onProgress?.(1);
  return { durationMs, frames, width, height };
}
