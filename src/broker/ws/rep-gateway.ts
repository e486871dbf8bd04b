// The rep console's live connection (`/ws/rep`): presence for Status (STA-6) and the channel an
// administrator's "terminate" (STA-7) closes. Session traffic joins it in the sessions work.
import type { FastifyInstance } from 'fastify';
import type { WebSocket } from 'ws';
import { REP_PROTOCOL_VERSION, RepClientMessage, type RepServerMessage } from '../../protocol/site.ts';
import { MAX_WS_BINARY_BYTES } from '../../protocol/channels.ts';
import { PasserelleError } from '../errors.ts';
import { BinaryGuard } from './binary-guard.ts';
import type { Services } from '../services/index.ts';
import { authOf } from '../http/auth-plugin.ts';
import type { RepSink } from '../services/live-session.ts';

const MAX_MESSAGE_BYTES = 64 * 1024;
export const CLOSE_TERMINATED = 4001;

function send(socket: WebSocket, msg: RepServerMessage): void {
  if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(msg));
}

export function registerRepGateway(app: FastifyInstance, services: Services): void {
  app.get('/ws/rep', {
    websocket: true,
    config: { access: 'user' },
    // Cross-site WebSocket hijacking: a cookie-authenticated upgrade must come from our own pages.
    preHandler: async (req) => {
      if (req.authVia === 'cookie') {
        const origin = req.headers.origin;
        if (!origin || origin !== `https://${req.headers.host}`) throw new PasserelleError('forbidden', 'Cross-origin console connection refused');
      }
    },
  }, (socket, req) => {
    const auth = authOf(req);
    const conn = services.presence.add({
      userId: auth.user.id,
      authSessionId: auth.session.id,
      username: auth.user.username,
      displayName: auth.user.displayName,
      client: auth.session.client,
      address: req.ip,
      close: (reason) => {
        send(socket, { type: 'terminated', reason });
        socket.close(CLOSE_TERMINATED, reason.slice(0, 100));
      },
    });
    req.log.info({ userId: auth.user.id, connectionId: conn.connectionId }, 'rep console connected');
    send(socket, { type: 'hello', connectionId: conn.connectionId, protocol: REP_PROTOCOL_VERSION });
    // Queues and sessions (CON-2, CON-3): the console gets its queue now and changes as they happen.
    const sink: RepSink = {
      userId: auth.user.id,
      address: req.ip,
      send: (msg) => send(socket, msg),
      sendBinary: (frame) => {
        if (socket.readyState === socket.OPEN) socket.send(frame, { binary: true });
      },
      bufferedAmount: () => socket.bufferedAmount,
    };
    const binary = new BinaryGuard(req.log, (code, message) => send(socket, { type: 'error', code, message }), services.frameLimit);
    services.sessions.repConnected(sink);

    socket.on('message', (data, isBinary) => {
      const size = Array.isArray(data) ? data.reduce((n, b) => n + b.length, 0) : (data as Buffer).byteLength;
      if (isBinary) {
        // Live channels (src/protocol/channels.ts): relayed as they are, no copy.
        if (!binary.admit()) return;
        if (size > MAX_WS_BINARY_BYTES) return binary.fail(new PasserelleError('body_too_large', `Frames are limited to ${MAX_WS_BINARY_BYTES} bytes`));
        return binary.run(() => services.sessions.repFrame(sink, data as Buffer));
      }
      if (size > MAX_MESSAGE_BYTES) {
        req.log.info({ size }, 'rejected rep message');
        send(socket, { type: 'error', code: 'body_too_large', message: 'Messages of at most 64 KiB only' });
        return;
      }
      let parsed: unknown;
      try {
        parsed = JSON.parse(data.toString());
      } catch {
        req.log.info('rejected malformed rep message');
        send(socket, { type: 'error', code: 'bad_request', message: 'Malformed JSON' });
        return;
      }
      const msg = RepClientMessage.safeParse(parsed);
      if (!msg.success) {
        req.log.info({ issues: msg.error.issues.length }, 'rejected invalid rep message');
        const ref = typeof (parsed as { ref?: unknown })?.ref === 'string' ? (parsed as { ref: string }).ref : undefined;
        const issue = msg.error.issues[0];
        send(socket, { type: 'error', code: 'validation_failed', message: issue ? `${issue.path.join('.') || 'message'}: ${issue.message}` : 'Invalid message', ...(ref ? { ref } : {}) });
        return;
      }
      const m = msg.data;
      if (m.type === 'ping') return send(socket, { type: 'pong', t: m.t });
      services.repSessionActions.handle(sink, m).then(
        (reply) => {
          if (reply) send(socket, reply);
        },
        (err: unknown) => {
          const ref = 'ref' in m ? m.ref : undefined;
          if (err instanceof PasserelleError) {
            req.log.info({ code: err.code, type: m.type }, err.message);
            send(socket, { type: 'error', code: err.code, message: err.message, ...(ref ? { ref } : {}) });
          } else {
            req.log.error({ err, type: m.type }, 'rep session message failed');
            send(socket, { type: 'error', code: 'internal', message: 'Internal error', ...(ref ? { ref } : {}) });
          }
        },
      );
    });
    socket.on('close', () => {
      services.sessions.repDisconnected(sink);
      services.presence.remove(conn.connectionId);
      req.log.info({ connectionId: conn.connectionId }, 'rep console disconnected');
    });
  });
}
