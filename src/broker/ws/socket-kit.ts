// What every WebSocket gateway does with its socket before the service sees a message: typed
// JSON replies, a heartbeat that drops a peer which stopped answering, a flood allowance for
// text messages, the size/JSON/schema checks with one wording of their errors, and failures
// turned into a typed error reply plus one log line. Each gateway keeps only what is its own
// (which messages, which service, which states).
import type { FastifyBaseLogger, FastifyRequest } from 'fastify';
import type { RawData, WebSocket } from 'ws';
import type { ZodType } from 'zod';
import { PasserelleError } from '../errors.ts';

/** Sends one JSON message if the socket is still open (a closing socket drops it quietly). */
export function sendJson(socket: WebSocket, msg: unknown): void {
  if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(msg));
}

/** The binary side of a socket as the channel router and fan-outs use it. */
export function binaryOut(socket: WebSocket): {
  sendBinary: (frame: Buffer | Uint8Array) => void;
  bufferedAmount: () => number;
  close: (code: number, reason: string) => void;
} {
  return {
    sendBinary: (frame) => {
      if (socket.readyState === socket.OPEN) socket.send(frame, { binary: true });
    },
    bufferedAmount: () => socket.bufferedAmount,
    close: (code, reason) => socket.close(code, reason),
  };
}

export const HEARTBEAT_MS = 15_000;

/**
 * Pings every `ms`; a socket that neither answered the last ping nor sent anything since counts
 * as dropped (cable pulled, laptop asleep) and is terminated. Returns the function that stops it.
 */
export function heartbeat(socket: WebSocket, ms = HEARTBEAT_MS): () => void {
  let alive = true;
  const seen = () => (alive = true);
  socket.on('pong', seen);
  socket.on('message', seen);
  const timer = setInterval(() => {
    if (!alive) return socket.terminate();
    alive = false;
    socket.ping();
  }, ms);
  return () => clearInterval(timer);
}

export { TokenBucket } from '../../protocol/token-bucket.ts';

/** Bytes in what ws handed us (a Buffer, or fragments). */
export function messageSize(data: RawData): number {
  if (Array.isArray(data)) return data.reduce((n, b) => n + b.length, 0);
  return (data as Buffer).byteLength;
}

export type ParsedText<T> = { ok: true; msg: T } | { ok: false; error: PasserelleError; parsed?: unknown };

/** Size, JSON and schema checks of one text message, each with its own error code. */
export function parseText<T>(data: RawData, schema: ZodType<T>, maxBytes: number): ParsedText<T> {
  if (messageSize(data) > maxBytes) return { ok: false, error: new PasserelleError('body_too_large', `Messages are limited to ${maxBytes} bytes`) };
  let parsed: unknown;
  try {
    parsed = JSON.parse(data.toString());
  } catch {
    return { ok: false, error: new PasserelleError('bad_request', 'Malformed JSON') };
  }
  const r = schema.safeParse(parsed);
  if (r.success) return { ok: true, msg: r.data };
  const issue = r.error.issues[0];
  return {
    ok: false,
    error: new PasserelleError('validation_failed', issue ? `${issue.path.join('.') || 'message'}: ${issue.message}` : 'Invalid message'),
    parsed,
  };
}

/**
 * The `fail` of a gateway: a PasserelleError is answered with its code and logged at info; anything
 * else is a bug, logged with its stack and answered `internal` without details. `extra` goes into
 * the reply (a request's `cid` or `ref`), `context` into the log line.
 */
export function replyFailure(
  log: FastifyBaseLogger,
  send: (msg: { type: 'error'; code: string; message: string }) => void,
  what: string,
): (err: unknown, context?: object, extra?: object) => void {
  return (err, context = {}, extra = {}) => {
    if (err instanceof PasserelleError) {
      log.info({ code: err.code, ...context }, err.message);
      send({ type: 'error', code: err.code, message: err.message, ...extra });
    } else {
      log.error({ err, ...context }, `${what} failed`);
      send({ type: 'error', code: 'internal', message: 'Internal error', ...extra });
    }
  };
}

/**
 * Cross-site WebSocket hijacking: an upgrade authenticated by cookie must come from our own pages
 * (a bearer token cannot be sent by another site, so it needs no check).
 */
export function sameOriginUpgrade(what: string): (req: FastifyRequest) => Promise<void> {
  return async (req) => {
    if (req.authVia !== 'cookie') return;
    const origin = req.headers.origin;
    if (!origin || origin !== `https://${req.headers.host}`) throw new PasserelleError('forbidden', `Cross-origin ${what} connection refused`);
  };
}
