// An attendee's socket (`/ws/attendee`, CON-9, POR-2): anyone with the key, or a listed
// presentation's id, joins with a name; receives the video channel and chat; sends credit as it
// decodes, key frame requests, chat lines and leave. Nothing an attendee sends can crash the broker.
import type { FastifyInstance } from 'fastify';
import type { WebSocket } from 'ws';
import { MAX_WS_BINARY_BYTES } from '../../protocol/channels.ts';
import { AttendeeClientMessage, MAX_PRESENTATION_CONTROL_BYTES, PresentationClose, type AttendeeServerMessage } from '../../protocol/presentations.ts';
import { PasserelleError } from '../errors.ts';
import type { Services } from '../services/index.ts';
import type { Attendee, AttendeeSink, LivePresentation } from '../services/presentations/live-presentation.ts';
import { BinaryGuard } from './binary-guard.ts';

const JOIN_TIMEOUT_MS = 30_000;
const HEARTBEAT_MS = 15_000;
/** Text messages (chat, leave, pings) an attendee may send: a burst, refilled per second. */
const FLOOD_BURST = 30;
const FLOOD_PER_SECOND = 10;

function send(socket: WebSocket, msg: AttendeeServerMessage): void {
  if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(msg));
}

export function registerAttendeeGateway(app: FastifyInstance, services: Services): void {
  app.get('/ws/attendee', { websocket: true, config: { access: 'public' } }, (socket, req) => {
    const log = req.log;
    let joined: { p: LivePresentation; attendee: Attendee } | null = null;
    let joining = false;
    const sink: AttendeeSink = {
      address: req.ip,
      sendJson: (msg) => send(socket, msg),
      send: (frame) => {
        if (socket.readyState === socket.OPEN) socket.send(frame, { binary: true });
      },
      bufferedAmount: () => socket.bufferedAmount,
      close: (code, reason) => socket.close(code, reason),
    };
    const fail = (err: unknown) => {
      if (err instanceof PasserelleError) {
        log.info({ code: err.code, presentationId: joined?.p.id }, err.message);
        send(socket, { type: 'error', code: err.code, message: err.message });
      } else {
        log.error({ err }, 'attendee message failed');
        send(socket, { type: 'error', code: 'internal', message: 'Internal error' });
      }
    };
    const joinTimer = setTimeout(() => {
      send(socket, { type: 'error', code: 'out_of_order', message: 'Join first' });
      socket.close(PresentationClose.protocol, 'no join');
    }, JOIN_TIMEOUT_MS);
    let alive = true;
    const heartbeat = setInterval(() => {
      if (!alive) return socket.terminate();
      alive = false;
      socket.ping();
    }, HEARTBEAT_MS);
    socket.on('pong', () => (alive = true));
    const binary = new BinaryGuard(log, (code, message) => send(socket, { type: 'error', code, message }), services.frameLimit);
    let tokens = FLOOD_BURST;
    let refilledAt = Date.now();

    socket.on('message', (data, isBinary) => {
      alive = true;
      const size = Array.isArray(data) ? data.reduce((n, b) => n + b.length, 0) : (data as Buffer).byteLength;
      if (isBinary) {
        if (!binary.admit()) return;
        if (!joined) return binary.fail(new PasserelleError('out_of_order', 'Join first'));
        if (size > MAX_WS_BINARY_BYTES) return binary.fail(new PasserelleError('body_too_large', 'Frame too large'));
        const j = joined;
        return binary.run(() => services.presentations.attendeeFrame(j.p, j.attendee, data as Buffer));
      }
      const now = Date.now();
      tokens = Math.min(FLOOD_BURST, tokens + ((now - refilledAt) / 1000) * FLOOD_PER_SECOND);
      refilledAt = now;
      if (tokens < 1) return fail(new PasserelleError('rate_limited', 'Too many messages; slow down'));
      tokens -= 1;
      if (size > MAX_PRESENTATION_CONTROL_BYTES) return fail(new PasserelleError('body_too_large', `Messages are limited to ${MAX_PRESENTATION_CONTROL_BYTES} bytes`));
      let parsed: unknown;
      try {
        parsed = JSON.parse(data.toString());
      } catch {
        return fail(new PasserelleError('bad_request', 'Malformed JSON'));
      }
      const r = AttendeeClientMessage.safeParse(parsed);
      if (!r.success) {
        const issue = r.error.issues[0];
        return fail(new PasserelleError('validation_failed', issue ? `${issue.path.join('.') || 'message'}: ${issue.message}` : 'Invalid message'));
      }
      const msg = r.data;
      if (msg.type === 'ping') return send(socket, { type: 'pong', t: msg.t });
      if (msg.type === 'join') {
        if (joined || joining) return fail(new PasserelleError('out_of_order', 'Already joined'));
        joining = true;
        services.presentations.join(sink, msg).then(
          (j) => {
            clearTimeout(joinTimer);
            joined = j;
            joining = false;
            if (socket.readyState !== socket.OPEN) services.presentations.attendeeDisconnected(j.p, j.attendee);
          },
          (err: unknown) => {
            // A wrong key may be retried on the same socket (the address's guesses are counted).
            joining = false;
            fail(err);
          },
        );
        return;
      }
      if (!joined) return fail(new PasserelleError('out_of_order', 'Join first'));
      services.presentations.attendeeMessage(joined.p, joined.attendee, msg).catch(fail);
    });

    socket.on('close', () => {
      clearTimeout(joinTimer);
      clearInterval(heartbeat);
      if (joined) services.presentations.attendeeDisconnected(joined.p, joined.attendee);
    });
  });
}
