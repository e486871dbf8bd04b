// An attendee's socket (`/ws/attendee`, CON-9, POR-2): anyone with the key, or a listed
// presentation's id, joins with a name; receives the video channel and chat; sends credit as it
// decodes, key frame requests, chat lines and leave. Nothing an attendee sends can crash the broker.
import type { FastifyInstance } from 'fastify';
import { MAX_WS_BINARY_BYTES } from '../../protocol/channels.ts';
import { AttendeeClientMessage, MAX_PRESENTATION_CONTROL_BYTES, PresentationClose, type AttendeeServerMessage } from '../../protocol/presentations.ts';
import { PasserelleError } from '../errors.ts';
import type { Services } from '../services/index.ts';
import type { Attendee, AttendeeSink, LivePresentation } from '../services/presentations/live-presentation.ts';
import { BinaryGuard } from './binary-guard.ts';
import { TokenBucket, binaryOut, heartbeat, messageSize, parseText, replyFailure, sendJson } from './socket-kit.ts';

const JOIN_TIMEOUT_MS = 30_000;
/** Text messages (chat, leave, pings) an attendee may send: a burst, refilled per second. */
const FLOOD_BURST = 30;
const FLOOD_PER_SECOND = 10;

export function registerAttendeeGateway(app: FastifyInstance, services: Services): void {
  app.get('/ws/attendee', { websocket: true, config: { access: 'public' } }, (socket, req) => {
    const log = req.log;
    let joined: { p: LivePresentation; attendee: Attendee } | null = null;
    let joining = false;
    const send = (msg: AttendeeServerMessage) => sendJson(socket, msg);
    const { sendBinary, bufferedAmount, close } = binaryOut(socket);
    const sink: AttendeeSink = { address: req.ip, sendJson: send, send: sendBinary, bufferedAmount, close };
    const reply = replyFailure(log, send, 'attendee message');
    const fail = (err: unknown) => reply(err, { presentationId: joined?.p.id });
    const joinTimer = setTimeout(() => {
      send({ type: 'error', code: 'out_of_order', message: 'Join first' });
      socket.close(PresentationClose.protocol, 'no join');
    }, JOIN_TIMEOUT_MS);
    const stopHeartbeat = heartbeat(socket);
    const binary = new BinaryGuard(log, (code, message) => send({ type: 'error', code, message }), services.frameLimit);
    const texts = new TokenBucket(FLOOD_PER_SECOND, FLOOD_BURST);

    socket.on('message', (data, isBinary) => {
      if (isBinary) {
        if (!binary.admit()) return;
        if (!joined) return binary.fail(new PasserelleError('out_of_order', 'Join first'));
        if (messageSize(data) > MAX_WS_BINARY_BYTES) return binary.fail(new PasserelleError('body_too_large', 'Frame too large'));
        const j = joined;
        return binary.run(() => services.presentations.attendeeFrame(j.p, j.attendee, data as Buffer));
      }
      if (!texts.take()) return fail(new PasserelleError('rate_limited', 'Too many messages; slow down'));
      const r = parseText(data, AttendeeClientMessage, MAX_PRESENTATION_CONTROL_BYTES);
      if (!r.ok) return fail(r.error);
      const msg = r.msg;
      if (msg.type === 'ping') return send({ type: 'pong', t: msg.t });
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
      stopHeartbeat();
      if (joined) services.presentations.attendeeDisconnected(joined.p, joined.attendee);
    });
  });
}
