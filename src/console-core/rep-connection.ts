// The rep console's live connection to the broker (/ws/rep), shaped like guacamole's Tunnel:
// CONNECTING → OPEN ⇄ UNSTABLE (nothing heard for a while) → CLOSED. Pings keep it alive; a lost
// connection is retried with backoff; a 'terminated' message ends it for good (STA-7).
import { RepServerMessage, type RepClientMessage } from '../protocol/site.ts';
import { Emitter } from './events.ts';

export type ConnectionState = 'CONNECTING' | 'OPEN' | 'UNSTABLE' | 'CLOSED';

/** The part of the WebSocket API we use; browsers' WebSocket and the `ws` package both fit. */
export interface WebSocketLike {
  readonly readyState: number;
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: { code: number; reason: string }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  send(data: string | Uint8Array): void;
  close(code?: number, reason?: string): void;
  /** Browsers: set to 'arraybuffer' so binary frames arrive as ArrayBuffers, not Blobs. */
  binaryType?: string;
}

export type WebSocketFactory = (url: string, protocols: string[]) => WebSocketLike;

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  now(): number;
}

export const defaultTimers: Timers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
  now: () => Date.now(),
};

export interface RepConnectionOptions {
  url: string;
  /** Subprotocols: always 'passerelle.v1'; the desktop console adds 'bearer.<token>'. */
  protocols: () => string[];
  createWebSocket: WebSocketFactory;
  timers?: Timers;
  pingIntervalMs?: number;
  /** Nothing received for this long: UNSTABLE. */
  unstableAfterMs?: number;
  /** Nothing received for this long: the socket is dropped and a reconnect starts. */
  timeoutAfterMs?: number;
  /** Backoff for reconnects: min(maxDelay, base * 2^attempt). */
  reconnectBaseMs?: number;
  reconnectMaxMs?: number;
  /**
   * Asked after the broker says 'terminated' or the socket closes: is our login session still
   * valid? (The broker also closes our socket when *we* change our password.) Resolving false
   * means the session is gone, so the connection ends with a 'terminated' event.
   */
  stillAuthenticated: () => Promise<boolean>;
}

export interface TerminatedEvent {
  reason: string;
}

/** Close code the broker uses when an administrator terminates the connection. */
export const CLOSE_TERMINATED = 4001;
const OPEN = 1;

export class RepConnection {
  readonly onState = new Emitter<ConnectionState>();
  readonly onTerminated = new Emitter<TerminatedEvent>();
  readonly onHello = new Emitter<{ connectionId: string }>();
  /** Every valid message from the broker: queue and session modules of console-core listen here. */
  readonly onMessage = new Emitter<RepServerMessage>();
  /** Binary frames of live channels (src/protocol/channels.ts), as they arrive. */
  readonly onBinary = new Emitter<Uint8Array>();
  private _state: ConnectionState = 'CLOSED';
  private socket: WebSocketLike | null = null;
  private wanted = false;
  private attempt = 0;
  private lastHeard = 0;
  private pingTimer: unknown = null;
  private reconnectTimer: unknown = null;
  private terminatedReason: string | null = null;
  /** True while asking whether the login survived a close (no socket, no timer meanwhile). */
  private checking = false;
  private _connectionId: string | null = null;
  private readonly t: Timers;
  private readonly o: Required<Omit<RepConnectionOptions, 'timers'>>;

  constructor(opts: RepConnectionOptions) {
    this.t = opts.timers ?? defaultTimers;
    this.o = {
      pingIntervalMs: 5_000,
      unstableAfterMs: 12_000,
      timeoutAfterMs: 30_000,
      reconnectBaseMs: 500,
      reconnectMaxMs: 15_000,
      ...opts,
    };
  }

  get state(): ConnectionState {
    return this._state;
  }

  get connectionId(): string | null {
    return this._connectionId;
  }

  /** Starts (or keeps) the connection. */
  connect(): void {
    this.wanted = true;
    this.attempt = 0;
    if (this.socket || this.reconnectTimer !== null || this.checking) return;
    this.open();
  }

  /** Ends the connection on purpose (logout); no reconnect, no 'terminated' event. */
  disconnect(): void {
    this.wanted = false;
    this.clearTimers();
    const s = this.socket;
    this.socket = null;
    if (s) {
      s.onclose = s.onmessage = s.onerror = s.onopen = null;
      s.close(1000, 'logout');
    }
    this.setState('CLOSED');
  }

  /**
   * Something else (an API call) found the login gone. Closing the socket lets the usual path
   * decide, so a 'terminated' message already on its way still gives its reason. Returns false
   * when the connection is not running, and the caller must report the end itself.
   */
  loginMaybeLost(): boolean {
    if (!this.wanted) return false;
    if (this.checking) return true;
    const s = this.socket;
    if (s) {
      s.close(1000, 'login lost');
      return true;
    }
    this.clearTimers();
    void this.afterClose(null);
    return true;
  }

  /** A binary frame of a live channel; dropped when the socket is not open (channels resume after). */
  sendBinary(frame: Uint8Array): void {
    if (this.socket?.readyState === OPEN) this.socket.send(frame);
  }

  send(msg: RepClientMessage): void {
    if (this.socket?.readyState === OPEN) this.socket.send(JSON.stringify(msg));
  }

  private open(): void {
    this.reconnectTimer = null;
    this.terminatedReason = null;
    this.setState('CONNECTING');
    let s: WebSocketLike;
    try {
      s = this.o.createWebSocket(this.o.url, this.o.protocols());
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.socket = s;
    // Browsers deliver Blobs by default; Node's ws already gives Buffers (no copy).
    if (s.binaryType === 'blob') s.binaryType = 'arraybuffer';
    s.onopen = () => {
      this.lastHeard = this.t.now();
      this.attempt = 0;
      this.setState('OPEN');
      this.schedulePing();
    };
    s.onmessage = (ev) => this.receive(ev.data);
    // Every failure also ends in onclose, which is where we decide what happens next.
    s.onerror = () => undefined;
    s.onclose = (ev) => {
      if (this.socket !== s) return;
      this.socket = null;
      this.clearTimers();
      const reason = this.terminatedReason ?? (ev.code === CLOSE_TERMINATED ? ev.reason || 'terminated' : null);
      void this.afterClose(reason);
    };
  }

  private receive(data: unknown): void {
    this.lastHeard = this.t.now();
    if (this._state === 'UNSTABLE') this.setState('OPEN');
    if (data instanceof ArrayBuffer) return this.onBinary.emit(new Uint8Array(data));
    if (ArrayBuffer.isView(data)) return this.onBinary.emit(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    let parsed: unknown;
    try {
      parsed = JSON.parse(String(data));
    } catch {
      return; // not ours to crash on: the broker only sends JSON
    }
    const msg = RepServerMessage.safeParse(parsed);
    if (!msg.success) return;
    this.onMessage.emit(msg.data);
    switch (msg.data.type) {
      case 'hello':
        this._connectionId = msg.data.connectionId;
        this.onHello.emit({ connectionId: msg.data.connectionId });
        break;
      case 'terminated':
        // The broker closes the socket right after; remember why for onclose.
        this.terminatedReason = msg.data.reason;
        break;
      default:
        break;
    }
  }

  private async afterClose(terminatedReason: string | null): Promise<void> {
    if (!this.wanted) {
      this.setState('CLOSED');
      return;
    }
    // Terminated by an admin, or the socket dropped: either way only the login session tells
    // whether to come back (our own password change closes the socket too, and must not log us out).
    this.setState('CONNECTING');
    let valid: boolean;
    this.checking = true;
    try {
      valid = await this.o.stillAuthenticated();
    } catch {
      valid = true; // the broker is unreachable: keep retrying rather than logging out
    } finally {
      this.checking = false;
    }
    if (!this.wanted) return;
    if (!valid) {
      this.wanted = false;
      this.setState('CLOSED');
      this.onTerminated.emit({ reason: terminatedReason ?? 'session_ended' });
      return;
    }
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (!this.wanted) return;
    this.setState('CONNECTING');
    const delay = Math.min(this.o.reconnectMaxMs, this.o.reconnectBaseMs * 2 ** this.attempt);
    this.attempt += 1;
    this.reconnectTimer = this.t.setTimeout(() => this.open(), delay);
  }

  private schedulePing(): void {
    this.pingTimer = this.t.setTimeout(() => this.tick(), this.o.pingIntervalMs);
  }

  private tick(): void {
    this.pingTimer = null;
    const s = this.socket;
    if (!s) return;
    const silence = this.t.now() - this.lastHeard;
    if (silence >= this.o.timeoutAfterMs) {
      // Guacamole's receive timeout: the link is dead even if TCP has not noticed.
      s.close(4000, 'receive timeout');
      s.onclose?.({ code: 4000, reason: 'receive timeout' });
      return;
    }
    if (silence >= this.o.unstableAfterMs) this.setState('UNSTABLE');
    this.send({ type: 'ping', t: this.t.now() });
    this.schedulePing();
  }

  private clearTimers(): void {
    if (this.pingTimer !== null) this.t.clearTimeout(this.pingTimer);
    if (this.reconnectTimer !== null) this.t.clearTimeout(this.reconnectTimer);
    this.pingTimer = null;
    this.reconnectTimer = null;
  }

  private setState(next: ConnectionState): void {
    if (next === this._state) return;
    this._state = next;
    this.onState.emit(next);
  }
}
