// The rep's view of a customer's screen, without the DOM: opens the 'screen' channel with the
// rep's choice of monitor, codec and quality, reads its messages (src/protocol/screen.ts), hands
// pictures to a sink that draws them (the renderer's worker: WebCodecs, OffscreenCanvas) and takes
// the next message only once the last is drawn, so the channel's credit follows the rep's decoder
// and a slow viewer gets fewer, newer pictures, never a backlog. Switching monitor, codec or quality
// opens a new channel with the new meta before closing the old one (through the broker a screen
// channel carries nothing from the rep, so there is no in-band switch). Bad messages are refused,
// counted and reported, never trusted; a picture that does not decode asks for a key frame.
import {
  ScreenChannelMeta,
  ScreenMessageError,
  decodeScreenMessage,
  type CursorImage,
  type ScreenChannelMetaInput,
  type ScreenInfo,
  type TileFrameMessage,
  type VideoFrameMessage,
} from '../../protocol/screen.ts';
import { ScreenStatsMeter, type ScreenStatsSnapshot } from './screen-stats.ts';

export interface ScreenStreamMessage {
  payload: Uint8Array;
}

/** What the viewer needs of a screen channel (console-core's Channel and the desktop's PortChannel both fit). */
export interface ScreenStreamChannel extends AsyncIterable<ScreenStreamMessage> {
  requestKeyFrame(): void;
  close(reason?: string): void;
  readonly closed: Promise<string>;
}

export type OpenScreenChannel = (meta: ScreenChannelMeta) => Promise<ScreenStreamChannel>;

export type PictureMessage = VideoFrameMessage | TileFrameMessage;

/** Draws pictures. `draw` resolves null once drawn, or why not (it needs a key frame first, or could not decode). */
export interface PictureSink {
  configure(info: ScreenInfo): void;
  draw(msg: PictureMessage, payload: Uint8Array): Promise<string | null>;
}

export interface CursorState {
  /** Position in stream pixels. */
  x: number;
  y: number;
  visible: boolean;
  image: CursorImage | null;
}

export type ScreenViewState = 'opening' | 'live' | 'closed';

export interface ScreenSessionEvents {
  info?(info: ScreenInfo): void;
  cursor?(cursor: CursorState): void;
  state?(state: ScreenViewState, reason?: string): void;
  /** A message refused (bad input from the far side); reported at most once a second. */
  refused?(code: string, message: string): void;
}

/** Key frame requests from one viewer are spaced at least this far apart. */
const KEY_REQUEST_SPACING_MS = 250;

export class ScreenSession {
  readonly stats = new ScreenStatsMeter();
  private meta: ScreenChannelMeta;
  private channel: ScreenStreamChannel | null = null;
  private generation = 0;
  private infoNow: ScreenInfo | null = null;
  private cursorNow: CursorState = { x: 0, y: 0, visible: false, image: null };
  private lastKeyRequest = -Infinity;
  private lastRefusalReport = -Infinity;
  private stopped = false;
  private switching: Promise<void> = Promise.resolve();

  constructor(
    private readonly open: OpenScreenChannel,
    private readonly sink: PictureSink,
    private readonly events: ScreenSessionEvents = {},
    private readonly now: () => number = () => Date.now(),
  ) {
    this.meta = ScreenChannelMeta.parse({});
  }

  get info(): ScreenInfo | null {
    return this.infoNow;
  }

  get cursor(): CursorState {
    return this.cursorNow;
  }

  get current(): ScreenChannelMeta {
    return this.meta;
  }

  statsSnapshot(): ScreenStatsSnapshot {
    return this.stats.snapshot(this.now());
  }

  /** Opens the view. Throws what the broker answered (permission_not_granted …). */
  async start(meta: ScreenChannelMetaInput = {}): Promise<void> {
    this.meta = ScreenChannelMeta.parse(meta);
    this.events.state?.('opening');
    const ch = await this.open(this.meta);
    if (this.stopped) return ch.close('closed_by_peer');
    this.adopt(ch);
  }

  /** Switches monitor, codec, quality or cap: a new channel first, then the old one closes. */
  switchTo(change: Partial<ScreenChannelMetaInput>): Promise<void> {
    const run = this.switching.then(async () => {
      const next = ScreenChannelMeta.parse({ ...this.meta, ...change });
      if (JSON.stringify(next) === JSON.stringify(this.meta) && this.channel) return;
      const ch = await this.open(next);
      if (this.stopped) return ch.close('closed_by_peer');
      const old = this.channel;
      this.meta = next;
      this.adopt(ch);
      old?.close('switched');
    });
    this.switching = run.catch(() => {});
    return run;
  }

  stop(): void {
    this.stopped = true;
    this.generation++;
    this.channel?.close('closed_by_peer');
    this.channel = null;
  }

  private adopt(ch: ScreenStreamChannel): void {
    const gen = ++this.generation;
    this.channel = ch;
    void this.pump(ch, gen);
  }

  private askKeyFrame(ch: ScreenStreamChannel): void {
    const t = this.now();
    if (t - this.lastKeyRequest < KEY_REQUEST_SPACING_MS) return;
    this.lastKeyRequest = t;
    this.stats.keyFramesAsked++;
    ch.requestKeyFrame();
  }

  private refuse(code: string, message: string): void {
    this.stats.refused++;
    const t = this.now();
    if (t - this.lastRefusalReport < 1000) return;
    this.lastRefusalReport = t;
    this.events.refused?.(code, message);
  }

  private async pump(ch: ScreenStreamChannel, gen: number): Promise<void> {
    let sawInfo = false;
    try {
      for await (const m of ch) {
        if (gen !== this.generation) break;
        this.stats.receivedBytes(m.payload.length, this.now());
        let msg;
        try {
          msg = decodeScreenMessage(m.payload);
        } catch (err) {
          this.refuse(err instanceof ScreenMessageError ? err.code : 'screen_invalid', err instanceof Error ? err.message : String(err));
          continue;
        }
        switch (msg.type) {
          case 'info':
            sawInfo = true;
            this.infoNow = msg.info;
            this.sink.configure(msg.info);
            this.events.info?.(msg.info);
            this.events.state?.('live');
            break;
          case 'video':
          case 'tiles': {
            const info = this.infoNow;
            if (!sawInfo || !info) {
              this.refuse('screen_order', 'a picture before the screen info');
              break;
            }
            if (msg.width !== info.streamWidth || msg.height !== info.streamHeight) {
              this.refuse('screen_dimensions', `picture ${msg.width}x${msg.height}, stream is ${info.streamWidth}x${info.streamHeight}`);
              this.askKeyFrame(ch);
              break;
            }
            let why: string | null;
            try {
              why = await this.sink.draw(msg, m.payload);
            } catch (err) {
              why = err instanceof Error ? err.message : String(err);
            }
            if (gen !== this.generation) break;
            if (why === null) this.stats.pictureDrawn(msg.captureTime, this.now());
            else {
              // Waiting for a key frame is normal after joining or switching; anything else is refused input.
              if (!/key frame/.test(why)) this.refuse('codec_decode', why);
              this.askKeyFrame(ch);
            }
            break;
          }
          case 'cursor': {
            const image = msg.image ?? this.cursorNow.image;
            this.cursorNow = { x: msg.x, y: msg.y, visible: msg.visible, image };
            this.events.cursor?.(this.cursorNow);
            break;
          }
          case 'control':
            this.refuse('screen_tag', 'a control message from the customer');
            break;
        }
      }
    } catch (err) {
      this.refuse('screen_read', err instanceof Error ? err.message : String(err));
    }
    if (gen !== this.generation) return;
    const reason = await ch.closed.catch(() => 'closed');
    this.channel = null;
    this.events.state?.('closed', reason);
  }
}
