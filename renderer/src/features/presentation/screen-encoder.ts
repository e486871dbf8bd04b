// The rep's screen for a presentation (CON-9), captured and encoded in the console: a
// MediaStreamTrack (getDisplayMedia in the web console) read frame by frame, encoded once with
// WebCodecs' VideoEncoder (VP8, VP9 or H.264, whichever this browser can), written newest-wins
// to the presentation channel; a key frame whenever the broker asks (an attendee joined or fell behind).
import type { Channel } from '../../../../src/protocol/channel-endpoint.ts';
import type { VideoFormat } from '../../../../src/protocol/presentations.ts';

const CANDIDATES = ['vp8', 'vp09.00.10.08', 'avc1.42E028'];

export async function pickCodec(width: number, height: number): Promise<string | null> {
  if (typeof VideoEncoder === 'undefined') return null;
  for (const codec of CANDIDATES) {
    const r = await VideoEncoder.isConfigSupported({ codec, width, height, bitrate: 4_000_000, framerate: 30, latencyMode: 'realtime', ...(codec.startsWith('avc1') ? { avc: { format: 'annexb' as const } } : {}) });
    if (r.supported) return codec;
  }
  return null;
}

export interface ScreenEncoder {
  format: VideoFormat;
  setChannel(ch: Channel): void;
  setPaused(p: boolean): void;
  stop(): void;
}

export async function startScreenEncoder(track: MediaStreamTrack): Promise<ScreenEncoder | null> {
  const settings = track.getSettings();
  // Even sizes: H.264 and VP9 want them.
  const width = Math.max(16, (settings.width ?? 1280) & ~1);
  const height = Math.max(16, (settings.height ?? 720) & ~1);
  const codec = await pickCodec(width, height);
  if (!codec || typeof MediaStreamTrackProcessor === 'undefined') return null;
  const out: { channel: Channel | null } = { channel: null };
  let wantKey = true;
  let paused = false;
  let stopped = false;
  let n = 0;
  const encoder = new VideoEncoder({
    output: (chunk) => {
      const channel = out.channel;
      if (!channel || channel.isClosed) return;
      const data = new Uint8Array(chunk.byteLength);
      chunk.copyTo(data);
      channel.writeLatest(data, { key: chunk.type === 'key' });
    },
    error: () => (wantKey = true),
  });
  encoder.configure({ codec, width, height, bitrate: 4_000_000, framerate: 30, latencyMode: 'realtime', ...(codec.startsWith('avc1') ? { avc: { format: 'annexb' as const } } : {}) });
  const reader = new MediaStreamTrackProcessor({ track }).readable.getReader();
  void (async () => {
    while (!stopped) {
      const { value: frame, done } = await reader.read();
      if (done || !frame) break;
      // Encode only what can go out: the channel has credit, the encoder is not behind, not paused.
      const channel = out.channel;
      if (paused || !channel || !channel.writable || encoder.encodeQueueSize > 1) {
        frame.close();
        if (channel && !channel.writable) wantKey = true;
        continue;
      }
      const key = wantKey || n % 300 === 0;
      wantKey = false;
      n++;
      encoder.encode(frame, { keyFrame: key });
      frame.close();
    }
  })();
  return {
    format: { codec, width, height },
    setChannel(ch) {
      out.channel = ch;
      wantKey = true;
      ch.onKeyFrameRequest(() => (wantKey = true));
    },
    setPaused(p) {
      paused = p;
      if (!p) wantKey = true;
    },
    stop() {
      stopped = true;
      void reader.cancel().catch(() => undefined);
      if (encoder.state !== 'closed') encoder.close();
      track.stop();
    },
  };
}

declare global {
  // Chromium's insertable streams (not yet in TypeScript's DOM library).
  class MediaStreamTrackProcessor {
    constructor(init: { track: MediaStreamTrack });
    readonly readable: ReadableStream<VideoFrame>;
  }
}
