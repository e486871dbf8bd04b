// The presenter's side of a presentation (CON-9) in console-core: the `/ws/presenter` socket,
// the video channel the console's encoder writes to (newest wins: `writeLatest`, key frames on
// request), the attendee list, chat, remove, pause, end — and after a dropped connection, a
// reconnect that takes the running presentation back within the broker's grace period.
import { Channel } from '../../protocol/channel-endpoint.ts';
import { readHeader } from '../../protocol/channels.ts';
import {
  PresenterServerMessage,
  type AttendeeView,
  type PresentationChatLine,
  type PresentationInfo,
  type PresentationState,
  type PresenterClientMessage,
  type VideoFormat,
} from '../../protocol/presentations.ts';
import { ApiError } from '../api-error.ts';
import { Emitter } from '../events.ts';
import type { WebSocketFactory, WebSocketLike } from '../rep-connection.ts';

export interface PresenterClientOptions {
  /** `wss://host/ws/presenter`. */
  url: string;
  /** Subprotocols: the desktop console adds `bearer.<token>`; the web console's cookie goes by itself. */
  protocols: () => string[];
  createWebSocket: WebSocketFactory;
  reconnectBaseMs?: number;
}

export interface StartOptions {
  name: string;
  listed: boolean;
  format: VideoFormat;
  privateIp?: string;
}

export type PresenterEvent =
  | { type: 'attendees'; attendees: AttendeeView[] }
  | { type: 'chat'; line: PresentationChatLine }
  | { type: 'state'; state: PresentationState | 'reconnecting' }
  | { type: 'ended'; reason: string }
  | { type: 'error'; code: string; message: string };

const OPEN = 1;

export class PresenterClient {
  readonly events = new Emitter<PresenterEvent>();
  /** Fires whenever the video channel is (re)attached; the encoder should send a key frame. */
  readonly onChannel = new Emitter<Channel>();
  info: PresentationInfo | null = null;
  channel: Channel | null = null;
  private attendees = new Map<string, AttendeeView>();
  private socket: WebSocketLike | null = null;
  private token: string | null = null;
  private ended = false;
  private attempt = 0;
  private pending: { resolve: (i: PresentationInfo) => void; reject: (e: Error) => void } | null = null;

  constructor(private readonly o: PresenterClientOptions) {}

  get attendeeList(): AttendeeView[] {
    return [...this.attendees.values()];
  }

  /** Starts a presentation; resolves with its key and id once the broker has stored it. */
  start(opts: StartOptions): Promise<PresentationInfo> {
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject };
      this.open(() => this.send({ type: 'start', name: opts.name, listed: opts.listed, format: opts.format, ...(opts.privateIp ? { privateIp: opts.privateIp } : {}) }));
    });
  }

  chat(text: string): void {
    this.send({ type: 'chat', text });
  }

  remove(attendeeId: string): void {
    this.send({ type: 'remove', attendeeId });
  }

  pause(paused: boolean): void {
    this.send({ type: 'pause', paused });
  }

  setFormat(format: VideoFormat): void {
    this.send({ type: 'format', format });
  }

  end(): void {
    this.send({ type: 'end' });
  }

  /** Closes the socket without ending (the broker's grace period runs); used by tests and on quit. */
  dispose(): void {
    this.ended = true;
    this.socket?.close(1000, 'bye');
    this.socket = null;
    this.channel?.finish('closed');
  }

  private send(msg: PresenterClientMessage): void {
    if (this.socket?.readyState === OPEN) this.socket.send(JSON.stringify(msg));
  }

  private open(onOpen: () => void): void {
    const ws = this.o.createWebSocket(this.o.url, this.o.protocols());
    ws.binaryType = 'arraybuffer';
    this.socket = ws;
    ws.onopen = () => onOpen();
    ws.onmessage = (ev) => this.onData(ev.data);
    ws.onerror = () => undefined;
    ws.onclose = (ev) => {
      if (this.socket !== ws) return;
      this.socket = null;
      this.channel?.detach();
      if (this.pending && !this.token) {
        this.pending.reject(new ApiError(0, 'connection_failed', ev.reason || 'The presenter connection closed'));
        this.pending = null;
        return;
      }
      if (this.ended || !this.token) return;
      this.events.emit({ type: 'state', state: 'reconnecting' });
      const delay = Math.min(10_000, (this.o.reconnectBaseMs ?? 500) * 2 ** this.attempt++);
      setTimeout(() => {
        if (this.ended || !this.info || !this.token) return;
        const id = this.info.presentationId;
        const token = this.token;
        this.open(() => this.send({ type: 'resume', presentationId: id, token }));
      }, delay);
    };
  }

  private onData(data: unknown): void {
    if (typeof data !== 'string') {
      const bytes = data instanceof ArrayBuffer ? new Uint8Array(data) : (data as Uint8Array);
      try {
        const h = readHeader(bytes);
        if (this.channel && h.channelId === this.channel.id) this.channel.handleFrame(h, bytes);
      } catch {
        // A malformed frame from the broker: ignored (the broker validates what it sends).
      }
      return;
    }
    let msg: PresenterServerMessage;
    try {
      msg = PresenterServerMessage.parse(JSON.parse(data));
    } catch {
      return;
    }
    switch (msg.type) {
      case 'started': {
        this.info = msg.presentation;
        this.token = msg.token;
        this.attempt = 0;
        this.attendees = new Map(msg.attendees.map((a) => [a.attendeeId, a]));
        const sink = { send: (f: Uint8Array) => this.socket?.readyState === OPEN && this.socket.send(f) };
        if (!this.channel || this.channel.id !== msg.channelId || this.channel.isClosed) this.channel = new Channel({ id: msg.channelId, kind: 'presentation' });
        // The broker restarts message credit on both hops; the channel starts over likewise.
        this.channel.attach(sink, { resync: msg.resumed });
        this.onChannel.emit(this.channel);
        this.events.emit({ type: 'attendees', attendees: this.attendeeList });
        this.events.emit({ type: 'state', state: msg.presentation.state });
        this.pending?.resolve(msg.presentation);
        this.pending = null;
        return;
      }
      case 'attendee.joined':
        this.attendees.set(msg.attendee.attendeeId, msg.attendee);
        return this.events.emit({ type: 'attendees', attendees: this.attendeeList });
      case 'attendee.left':
        this.attendees.delete(msg.attendeeId);
        return this.events.emit({ type: 'attendees', attendees: this.attendeeList });
      case 'chat':
        return this.events.emit({ type: 'chat', line: msg.line });
      case 'state':
        return this.events.emit({ type: 'state', state: msg.state });
      case 'ended':
        this.ended = true;
        this.channel?.finish('ended');
        this.socket?.close(1000, 'ended');
        return this.events.emit({ type: 'ended', reason: msg.reason });
      case 'error':
        if (this.pending && !this.token) {
          this.pending.reject(new ApiError(0, msg.code, msg.message));
          this.pending = null;
        }
        return this.events.emit({ type: 'error', code: msg.code, message: msg.message });
      case 'pong':
        return;
    }
  }
}
