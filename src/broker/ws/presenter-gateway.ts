// The presenter's socket (`/ws/presenter`, CON-9): a logged-in rep starts (or, after a drop,
// resumes) a presentation, then sends its video channel's frames and controls it (remove, pause,
// chat, end). Thin: validates, calls the presentations service, answers typed errors.
import type { FastifyInstance } from 'fastify';
import type { WebSocket } from 'ws';
import { MAX_WS_BINARY_BYTES } from '../../protocol/channels.ts';
import { MAX_PRESENTATION_CONTROL_BYTES, PresenterClientMessage, type PresenterServerMessage } from '../../protocol/presentations.ts';
import { PasserelleError } from '../errors.ts';
import { authOf } from '../http/auth-plugin.ts';
import type { Services } from '../services/index.ts';
import type { LivePresentation, PresenterSink } from '../services/presentations/live-presentation.ts';
import { BinaryGuard } from './binary-guard.ts';

const HEARTBEAT_MS = 15_000;
const FLOOD_BURST = 60;
const FLOOD_PER_SECOND = 20;

function send(socket: WebSocket, msg: PresenterServerMessage): void {
  if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(msg));
}

export function registerPresenterGateway(app: FastifyInstance, services: Services): void {
  app.get('/ws/presenter', {
    websocket: true,
    config: { access: 'user' },
    preHandler: async (req) => {
      if (req.authVia === 'cookie') {
        const origin = req.headers.origin;
        if (!origin || origin !== `https://${req.headers.host}`) throw new PasserelleError('forbidden', 'Cross-origin presenter connection refused');
      }
    },
  }, (socket, req) => {
    const log = req.log;
    const auth = authOf(req);
    let p: LivePresentation | null = null;
    let starting = false;
    const sink: PresenterSink = {
      userId: auth.user.id,
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
        log.info({ code: err.code, presentationId: p?.id }, err.message);
        send(socket, { type: 'error', code: err.code, message: err.message });
      } else {
        log.error({ err, presentationId: p?.id }, 'presenter message failed');
        send(socket, { type: 'error', code: 'internal', message: 'Internal error' });
      }
    };
    let alive = true;
    const heartbeat = setInterval(() => {
      // A presenter whose network dropped without a close counts as gone (the grace period starts).
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
        if (!p) return binary.fail(new PasserelleError('out_of_order', 'Start a presentation first'));
        if (size > MAX_WS_BINARY_BYTES) return binary.fail(new PasserelleError('body_too_large', `Frames are limited to ${MAX_WS_BINARY_BYTES} bytes`));
        const live = p;
        return binary.run(() => services.presentations.presenterFrame(live, sink, data as Buffer));
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
      const r = PresenterClientMessage.safeParse(parsed);
      if (!r.success) {
        const issue = r.error.issues[0];
        return fail(new PasserelleError('validation_failed', issue ? `${issue.path.join('.') || 'message'}: ${issue.message}` : 'Invalid message'));
      }
      const msg = r.data;
      if (msg.type === 'ping') return send(socket, { type: 'pong', t: msg.t });
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
      clearInterval(heartbeat);
      if (p && !p.ended) services.presentations.presenterDisconnected(p, sink);
    });
  });
}
