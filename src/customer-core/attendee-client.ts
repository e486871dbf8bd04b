// An attendee of a presentation (CON-9, POR-2), as the portal's attendee page runs it (and tests
// and the bench under Node): join by key or from the list with a name, receive the presenter's
// video on one latest channel (credit granted as each frame is decoded, so a slow attendee
// skips frames instead of queueing), chat, leave. Isomorphic: the socket is handed in.
import { Channel, type ChannelMessage } from '../protocol/channel-endpoint.ts';
import { readHeader } from '../protocol/channels.ts';
import { AttendeeServerMessage, type PresentationChatLine, type PresentationState, type VideoFormat } from '../protocol/presentations.ts';
import { Events } from './emitter.ts';
import { SOCKET_OPEN, type CustomerSocket, type CustomerSocketFactory } from './socket.ts';

export type Joined = Extract<AttendeeServerMessage, { type: 'joined' }>;

export class AttendeeError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'AttendeeError';
  }
}

type AttendeeEvents = {
  chat: PresentationChatLine;
  state: PresentationState;
  format: VideoFormat;
  /** The presentation is over for this attendee: ended, removed, or the connection closed. */
  gone: { reason: string };
  error: { code: string; message: string };
};

export class AttendeeClient {
  readonly events = new Events<AttendeeEvents>();
  joined: Joined | null = null;
  channel: Channel | null = null;
  private socket: CustomerSocket | null = null;
  private frameHandler: ((m: ChannelMessage) => void | Promise<void>) | null = null;
  private goneReason: string | null = null;

  constructor(
    private readonly url: string,
    private readonly createSocket: CustomerSocketFactory,
  ) {}

  /** Opens the socket and joins; rejects with the broker's typed refusal (wrong key, full, removed …). */
  join(how: { key: string } | { presentationId: string }, name: string): Promise<Joined> {
    return new Promise((resolve, reject) => {
      const ws = this.createSocket(this.url);
      (ws as { binaryType?: string }).binaryType = 'arraybuffer';
      this.socket = ws;
      let settled = false;
      ws.onopen = () => ws.send(JSON.stringify({ type: 'join', name, ...how }));
      ws.onerror = () => undefined;
      ws.onclose = (ev) => {
        this.channel?.finish('closed');
        if (!settled) {
          settled = true;
          reject(new AttendeeError('connection_failed', ev.reason || 'The connection closed'));
        }
        this.gone(this.goneReason ?? (ev.reason || 'connection_lost'));
      };
      ws.onmessage = (ev) => {
        if (typeof ev.data !== 'string') {
          const bytes = ev.data instanceof ArrayBuffer ? new Uint8Array(ev.data) : (ev.data as Uint8Array);
          try {
            const h = readHeader(bytes);
            if (this.channel && h.channelId === this.channel.id) this.channel.handleFrame(h, bytes);
          } catch {
            // Malformed frame: ignored; the channel asks for a key frame if it loses track.
          }
          return;
        }
        let msg: AttendeeServerMessage;
        try {
          msg = AttendeeServerMessage.parse(JSON.parse(ev.data));
        } catch {
          return;
        }
        switch (msg.type) {
          case 'joined': {
            this.joined = msg;
            this.channel = new Channel({ id: msg.channelId, kind: 'presentation' });
            this.channel.attach({ send: (f) => ws.readyState === SOCKET_OPEN && ws.send(f) }, { resync: false });
            if (this.frameHandler) this.channel.onMessage(this.frameHandler);
            settled = true;
            resolve(msg);
            return;
          }
          case 'error':
            if (!settled) {
              settled = true;
              reject(new AttendeeError(msg.code, msg.message));
              ws.close(1000, 'refused');
              return;
            }
            return this.events.emit('error', { code: msg.code, message: msg.message });
          case 'chat':
            return this.events.emit('chat', msg.line);
          case 'state':
            return this.events.emit('state', msg.state);
          case 'format':
            return this.events.emit('format', msg.format);
          case 'removed':
            this.goneReason = 'removed';
            return;
          case 'ended':
            this.goneReason = `ended:${msg.reason}`;
            return;
          case 'pong':
            return;
        }
      };
    });
  }

  /**
   * Each video frame, in order; the next comes when the handler's promise settles (that is the
   * credit: decode, then take more). A frame the decoder cannot use: call `requestKeyFrame`.
   */
  onFrame(handler: (m: ChannelMessage) => void | Promise<void>): void {
    this.frameHandler = handler;
    this.channel?.onMessage(handler);
  }

  requestKeyFrame(): void {
    this.channel?.requestKeyFrame();
  }

  chat(text: string): void {
    if (this.socket?.readyState === SOCKET_OPEN) this.socket.send(JSON.stringify({ type: 'chat', text }));
  }

  leave(): void {
    if (this.socket?.readyState === SOCKET_OPEN) this.socket.send(JSON.stringify({ type: 'leave' }));
    else this.socket?.close();
  }

  /** Drops the connection without saying goodbye (tests of a lost attendee). */
  drop(): void {
    this.socket?.close();
  }

  private gone(reason: string): void {
    if (this.goneReason === '\u0000done') return;
    this.goneReason = '\u0000done';
    this.events.emit('gone', { reason });
  }
}
