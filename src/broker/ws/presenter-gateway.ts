// The presenter's socket (`/ws/presenter`, CON-9): a logged-in rep starts (or, after a drop,
// resumes) a presentation, then sends its video channel's frames and controls it (remove, pause,
// chat, end). Thin: validates, calls the presentations service, answers typed errors.
import type { FastifyInstance } from 'fastify';
import { MAX_WS_BINARY_BYTES } from '../../protocol/channels.ts';
import { MAX_PRESENTATION_CONTROL_BYTES, PresenterClientMessage, type PresenterServerMessage } from '../../protocol/presentations.ts';
import { PasserelleError } from '../errors.ts';
import { authOf } from '../http/auth-plugin.ts';
import type { Services } from '../services/index.ts';
import type { LivePresentation, PresenterSink } from '../services/presentations/live-presentation.ts';
import { BinaryGuard } from './binary-guard.ts';
import { TokenBucket, binaryOut, heartbeat, messageSize, parseText, replyFailure, sameOriginUpgrade, sendJson } from './socket-kit.ts';

const FLOOD_BURST = 60;
const FLOOD_PER_SECOND = 20;

export function registerPresenterGateway(app: FastifyInstance, services: Services): void {
  app.get('/ws/presenter', {
    websocket: true,
    config: { access: 'user' },
    preHandler: sameOriginUpgrade('presenter'),
  }, (socket, req) => {
    const log = req.log;
    const send = (msg: PresenterServerMessage) => sendJson(socket, msg);
    const auth = authOf(req);
    let p: LivePresentation | null = null;
    let starting = false;
    const { sendBinary, bufferedAmount, close } = binaryOut(socket);
    const sink: PresenterSink = { userId: auth.user.id, address: req.ip, sendJson: send, send: sendBinary, bufferedAmount, close };
    const reply = replyFailure(log, send, 'presenter message');
    const fail = (err: unknown) => reply(err, { presentationId: p?.id });
    // A presenter whose network dropped without a close counts as gone (the grace period starts).
    const stopHeartbeat = heartbeat(socket);
    const binary = new BinaryGuard(log, (code, message) => send({ type: 'error', code, message }), services.frameLimit);
    const texts = new TokenBucket(FLOOD_PER_SECOND, FLOOD_BURST);

    socket.on('message', (data, isBinary) => {
      if (isBinary) {
        if (!binary.admit()) return;
        if (!p) return binary.fail(new PasserelleError('out_of_order', 'Start a presentation first'));
        if (messageSize(data) > MAX_WS_BINARY_BYTES) return binary.fail(new PasserelleError('body_too_large', `Frames are limited to ${MAX_WS_BINARY_BYTES} bytes`));
        const live = p;
        return binary.run(() => services.presentations.presenterFrame(live, sink, data as Buffer));
      }
      if (!texts.take()) return fail(new PasserelleError('rate_limited', 'Too many messages; slow down'));
      const r = parseText(data, PresenterClientMessage, MAX_PRESENTATION_CONTROL_BYTES);
      if (!r.ok) return fail(r.error);
      const msg = r.msg;
      if (msg.type === 'ping') return send({ type: 'pong', t: msg.t });
      if (msg.type === 'start' || msg.type === 'resume') {
        if (p || starting) return fail(new PasserelleError('out_of_order', 'This connection already presents'));
        starting = true;
        const begin = msg.type === 'start' ? services.presentations.start(sink, auth.user.displayName, msg) : services.presentations.resume(sink, msg.presentationId, msg.token);
        begin.then(
          (live) => {
            p = live;
            starting = false;
            if (socket.readyState !== socket.OPEN) services.presentations.presenterDisconnected(live, sink);
          },
          (err: unknown) => {
            starting = false;
            fail(err);
          },
        );
        return;
      }
      if (!p) return fail(new PasserelleError('out_of_order', 'Start a presentation first'));
      services.presentations.presenterMessage(p, sink, msg).catch(fail);
    });

    socket.on('close', () => {
      stopHeartbeat();
      if (p && !p.ended) services.presentations.presenterDisconnected(p, sink);
    });
  });
}
