// The Jump Client in persistent mode (JMP-2, JMP-9): holds one connection to the site, pinned to
// its certificate, authenticated with the client's own secret; answers the broker's heartbeats and
// drops a silent link; reconnects with jittered exponential backoff (and TLS session resumption,
// so a site restart does not cost every client a full handshake); hands jump and uninstall
// requests to its owner.
import { EventEmitter } from 'node:events';
import { isIP } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions, type TLSSocket } from 'node:tls';
import WebSocket from 'ws';
import { JUMP_PROTOCOL_VERSION, JumpBrokerMessage, JumpClose, type JumpAgentMessage, type JumpClientInfo, type JumpIdentity } from '../../protocol/jump.ts';
import { normalisePin } from './pinned-https.ts';

export interface Backoff {
  baseMs: number;
  maxMs: number;
}

export const defaultBackoff: Backoff = { baseMs: 1000, maxMs: 60_000 };

/** Full jitter: a random delay up to the exponential cap, so thousands of clients do not return in step. */
export function backoffDelay(attempt: number, b: Backoff, random = Math.random): number {
  return Math.floor(random() * Math.min(b.maxMs, b.baseMs * 2 ** Math.min(attempt, 30)));
}

export interface JumpAgentOptions {
  identity: JumpIdentity;
  info: JumpClientInfo;
  machineProof: string;
  backoff?: Backoff;
}

export interface JumpAgentEvents {
  online: [{ heartbeatSeconds: number }];
  offline: [{ code: number; reason: string; retryInMs: number | null }];
  jump: [Extract<JumpBrokerMessage, { type: 'jump' }>];
  uninstall: [{ reason: string }];
  /** JMP-5: the site offers another version. */
  update: [Extract<JumpBrokerMessage, { type: 'update' }>];
  /** The site refuses this client for good (removed, wrong secret, replayed, pin mismatch). */
  refused: [{ code: string; message: string }];
  /** Not an 'error' event: a typed problem report must never crash a process that does not listen. */
  problem: [{ code: string; message: string }];
}

export class JumpAgent extends EventEmitter<JumpAgentEvents> {
  private ws: WebSocket | null = null;
  private attempt = 0;
  private stopped = false;
  private retry: NodeJS.Timeout | null = null;
  private watchdog: NodeJS.Timeout | null = null;
  private heartbeatMs = 0;
  private tlsSession: Buffer | undefined;
  private lastError: { code: string; message: string } | null = null;
  /** The delay the site asked for in its last `busy` answer. */
  private busyRetryMs: number | null = null;
  online = false;

  constructor(private readonly o: JumpAgentOptions) {
    super();
  }

  start(): void {
    this.stopped = false;
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    if (this.retry) clearTimeout(this.retry);
    if (this.watchdog) clearTimeout(this.watchdog);
    if (this.ws) this.ws.close(1000, 'stopping');
    else this.emit('offline', { code: 1000, reason: 'stopping', retryInMs: null });
  }

  send(msg: JumpAgentMessage): void {
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(msg));
  }

  private connect(): void {
    const { identity } = this.o;
    const url = `${identity.broker.replace(/^https/, 'wss')}/ws/jump`;
    let verified = false;
    const ws = new WebSocket(url, {
      perMessageDeflate: false,
      maxPayload: 64 * 1024,
      handshakeTimeout: 15_000,
      rejectUnauthorized: false,
      createConnection: (opts: ConnectionOptions & { host?: string }) => {
        const host = opts.host ?? '';
        const socket: TLSSocket = tlsConnect({ ...opts, servername: isIP(host) ? '' : host, ...(this.tlsSession ? { session: this.tlsSession } : {}) });
        // Only a session from a connection whose certificate matched the pin is kept for resumption.
        let offered: Buffer | undefined;
        socket.on('session', (s: Buffer) => {
          if (verified) this.tlsSession = s;
          else offered = s;
        });
        socket.once('secureConnect', () => {
          // A resumed session carries no certificate (TLS 1.3): it was pinned when it was issued.
          if (this.tlsSession && socket.isSessionReused()) {
            verified = true;
            return;
          }
          // Nothing is sent before the certificate matches the pin the installer carried.
          const seen = normalisePin(socket.getPeerCertificate().fingerprint256 ?? '');
          if (seen !== normalisePin(identity.pin)) {
            this.tlsSession = undefined;
            this.lastError = { code: 'certificate_mismatch', message: `The site's certificate (${seen}) does not match the pinned one` };
            socket.destroy();
            return;
          }
          verified = true;
          if (offered) this.tlsSession = offered;
        });
        return socket;
      },
    } as WebSocket.ClientOptions);
    this.ws = ws;
    ws.on('open', () => {
      if (!verified) return ws.terminate();
      ws.send(JSON.stringify({ type: 'hello', protocol: JUMP_PROTOCOL_VERSION, clientId: identity.clientId, secret: identity.secret, machineProof: this.o.machineProof, info: this.o.info } satisfies JumpAgentMessage));
    });
    ws.on('ping', () => this.feedWatchdog());
    ws.on('message', (data, isBinary) => {
      if (isBinary) return;
      let msg: JumpBrokerMessage;
      try {
        msg = JumpBrokerMessage.parse(JSON.parse(data.toString()));
      } catch {
        this.emit('problem', { code: 'bad_message', message: 'The site sent a message this Jump Client does not understand' });
        return;
      }
      this.onMessage(msg);
    });
    ws.on('error', (err) => {
      this.lastError ??= { code: 'connection_failed', message: err.message };
    });
    ws.on('close', (code, reason) => {
      if (this.ws !== ws) return;
      this.ws = null;
      this.online = false;
      if (this.watchdog) clearTimeout(this.watchdog);
      const text = reason.toString();
      if (this.lastError?.code === 'certificate_mismatch' || code === JumpClose.refused || code === JumpClose.uninstalled) {
        if (code !== JumpClose.uninstalled) this.emit('refused', this.lastError ?? { code: 'refused', message: text || 'The site refused this Jump Client' });
        this.emit('offline', { code, reason: text, retryInMs: null });
        this.stopped = true;
        return;
      }
      if (this.stopped) {
        this.emit('offline', { code, reason: text, retryInMs: null });
        return;
      }
      // A busy site said when to come back (already jittered): that, not the backoff, and the
      // attempt count does not grow (the site is up, only full).
      const busy = code === JumpClose.busy && this.busyRetryMs !== null ? this.busyRetryMs : null;
      const delay = busy ?? backoffDelay(this.attempt++, this.o.backoff ?? defaultBackoff);
      this.emit('offline', { code, reason: text || this.lastError?.message || '', retryInMs: delay });
      this.lastError = null;
      this.busyRetryMs = null;
      this.retry = setTimeout(() => this.connect(), delay);
    });
  }

  private feedWatchdog(): void {
    if (this.watchdog) clearTimeout(this.watchdog);
    if (!this.heartbeatMs) return;
    // Two and a half missed heartbeats: the link is dead even if TCP has not noticed.
    this.watchdog = setTimeout(() => this.ws?.terminate(), this.heartbeatMs * 2.5);
    this.watchdog.unref?.();
  }

  private onMessage(msg: JumpBrokerMessage): void {
    switch (msg.type) {
      case 'welcome':
        this.attempt = 0;
        this.online = true;
        this.heartbeatMs = msg.heartbeatSeconds * 1000;
        this.feedWatchdog();
        this.emit('online', { heartbeatSeconds: msg.heartbeatSeconds });
        return;
      case 'jump':
        this.emit('jump', msg);
        return;
      case 'update':
        this.emit('update', msg);
        return;
      case 'uninstall':
        this.emit('uninstall', { reason: msg.reason });
        return;
      case 'busy':
        this.busyRetryMs = msg.retryAfterMs;
        return;
      case 'error':
        this.lastError = { code: msg.code, message: msg.message };
        this.emit('problem', this.lastError);
        return;
    }
  }
}
