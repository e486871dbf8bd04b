// The page's end of the decoding worker: hands it the OffscreenCanvas once, then each picture
// (its bytes transferred, not copied twice) and resolves when the worker has drawn it.
import type { PictureMessage, PictureSink } from '../../../../src/console-core/screen/screen-session.ts';
import type { ScreenInfo } from '../../../../src/protocol/screen.ts';
import type { FromWorker, ToWorker } from './worker-protocol.ts';

export class WorkerPictureSink implements PictureSink {
  private readonly worker: Worker;
  private readonly waiting = new Map<number, (why: string | null) => void>();
  private next = 0;
  /** What this browser decodes (known once the worker has probed WebCodecs). */
  readonly ready: Promise<{ h264: boolean; vp9: boolean }>;

  constructor(canvas: HTMLCanvasElement) {
    this.worker = new Worker(new URL('./screen-worker.ts', import.meta.url), { type: 'module', name: 'screen-decoder' });
    let ready!: (v: { h264: boolean; vp9: boolean }) => void;
    this.ready = new Promise((r) => (ready = r));
    this.worker.onmessage = (ev: MessageEvent<FromWorker>) => {
      const m = ev.data;
      if (m.t === 'ready') return ready(m.video);
      const w = this.waiting.get(m.id);
      this.waiting.delete(m.id);
      w?.(m.ok ? null : (m.error ?? 'not drawn'));
    };
    const offscreen = canvas.transferControlToOffscreen();
    this.post({ t: 'init', canvas: offscreen }, [offscreen]);
  }

  private post(m: ToWorker, transfer: Transferable[] = []): void {
    this.worker.postMessage(m, transfer);
  }

  configure(info: ScreenInfo): void {
    this.post({ t: 'configure', info });
  }

  draw(_msg: PictureMessage, payload: Uint8Array): Promise<string | null> {
    const id = ++this.next;
    const buf = payload.slice().buffer as ArrayBuffer;
    return new Promise((resolve) => {
      this.waiting.set(id, resolve);
      this.post({ t: 'draw', id, buf }, [buf]);
    });
  }

  close(): void {
    this.post({ t: 'close' });
    this.worker.terminate();
    for (const w of this.waiting.values()) w('viewer closed');
    this.waiting.clear();
  }
}
