// The rep console's live connection (`/ws/rep`): presence for Status (STA-6) and the channel an
// administrator's "terminate" (STA-7) closes. Session traffic joins it in the sessions work.
import type { FastifyInstance } from 'fastify';
import { REP_PROTOCOL_VERSION, RepClientMessage, type RepServerMessage } from '../../protocol/site.ts';
import { MAX_WS_BINARY_BYTES } from '../../protocol/channels.ts';
import { PasserelleError } from '../errors.ts';
import { BinaryGuard } from './binary-guard.ts';
import { binaryOut, heartbeat, messageSize, parseText, replyFailure, sameOriginUpgrade, sendJson } from './socket-kit.ts';
import type { Services } from '../services/index.ts';
import { authOf } from '../http/auth-plugin.ts';
import type { RepSink } from '../services/live-session.ts';
import type { RepActionResult } from '../services/session-rep-actions.ts';

const MAX_MESSAGE_BYTES = 64 * 1024;
export const CLOSE_TERMINATED = 4001;

/** The wire form of what a rep's action did (the service speaks in results, the gateway in messages). */
function wireReply(ref: string, r: RepActionResult): RepServerMessage {
  switch (r.kind) {
    case 'queue':
      return { type: 'queue.snapshot', ref, sessions: r.sessions };
    case 'history':
      return { type: 'session.events', ref, lsid: r.lsid, events: r.events, more: r.more, lastCid: r.lastCid };
    case 'done':
      return { type: 'reply', ref, ...r.outcome } as RepServerMessage;
  }
}

export function registerRepGateway(app: FastifyInstance, services: Services): void {
  app.get('/ws/rep', {
    websocket: true,
    config: { access: 'user' },
    preHandler: sameOriginUpgrade('console'),
  }, (socket, req) => {
    const send = (msg: RepServerMessage) => sendJson(socket, msg);
    const auth = authOf(req);
    const conn = services.presence.add({
      userId: auth.user.id,
      authSessionId: auth.session.id,
      username: auth.user.username,
      displayName: auth.user.displayName,
      client: auth.session.client,
      address: req.ip,
      close: (reason) => {
        send({ type: 'terminated', reason });
        socket.close(CLOSE_TERMINATED, reason.slice(0, 100));
      },
    });
    req.log.info({ userId: auth.user.id, connectionId: conn.connectionId }, 'rep console connected');
    send({ type: 'hello', connectionId: conn.connectionId, protocol: REP_PROTOCOL_VERSION });
    // Queues and sessions (CON-2, CON-3): the console gets its queue now and changes as they happen.
    const { sendBinary, bufferedAmount } = binaryOut(socket);
    const sink: RepSink = { userId: auth.user.id, address: req.ip, send, sendBinary, bufferedAmount };
    const binary = new BinaryGuard(req.log, (code, message) => send({ type: 'error', code, message }), services.frameLimit);
    const fail = replyFailure(req.log, send, 'rep session message');
    // A console whose network died without a close leaves Status and its queue within 30 s.
    const stopHeartbeat = heartbeat(socket);
    services.sessions.repConnected(sink);
    // The Jump Clients list is pushed, filtered by this rep's rights (not polled).
    const unwatchJump = services.jumpClients.watch({ userId: auth.user.id, send });

    socket.on('message', (data, isBinary) => {
      if (isBinary) {
        // Live channels (src/protocol/channels.ts): relayed as they are, no copy.
        if (!binary.admit()) return;
        if (messageSize(data) > MAX_WS_BINARY_BYTES) return binary.fail(new PasserelleError('body_too_large', `Frames are limited to ${MAX_WS_BINARY_BYTES} bytes`));
        return binary.run(() => services.sessions.repFrame(sink, data as Buffer));
      }
      const r = parseText(data, RepClientMessage, MAX_MESSAGE_BYTES);
      if (!r.ok) {
        const ref = typeof (r.parsed as { ref?: unknown })?.ref === 'string' ? (r.parsed as { ref: string }).ref : undefined;
        return fail(r.error, {}, ref ? { ref } : {});
      }
      const m = r.msg;
      if (m.type === 'ping') return send({ type: 'pong', t: m.t });
      services.repSessionActions.handle(sink, m).then(
        (result) => {
          if (result && 'ref' in m) send(wireReply(m.ref, result));
        },
        (err: unknown) => {
          const ref = 'ref' in m ? m.ref : undefined;
          fail(err, { type: m.type }, ref ? { ref } : {});
        },
      );
    });
    socket.on('close', () => {
      stopHeartbeat();
      unwatchJump();
      services.sessions.repDisconnected(sink);
      services.presence.remove(conn.connectionId);
      req.log.info({ connectionId: conn.connectionId }, 'rep console disconnected');
    });
  });
}
