// Messages between the screen viewer (main thread) and its decoding worker (screen-worker.ts).
import type { ScreenInfo } from '../../../../src/protocol/screen.ts';

export type ToWorker =
  | { t: 'init'; canvas: OffscreenCanvas }
  | { t: 'configure'; info: ScreenInfo }
  /** One screen channel message (a video or tile frame), its buffer transferred. */
  | { t: 'draw'; id: number; buf: ArrayBuffer }
  | { t: 'close' };

export type FromWorker =
  | { t: 'drawn'; id: number; ok: boolean; error?: string }
  /** The codecs this browser's WebCodecs can decode (sent once after init). */
  | { t: 'ready'; video: { h264: boolean; vp9: boolean } };
