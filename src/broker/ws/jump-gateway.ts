// The Jump Clients' persistent channel (`/ws/jump`): one connection per installed agent, held for
// days. Thin and lean (tens of thousands stay open): validates, authenticates the hello with the
// client's own secret, then only relays jump and uninstall requests. Pings come from one timer in
// the service, not one per connection.
import type { FastifyInstance } from 'fastify';
import { JumpAgentMessage, JumpClose, MAX_JUMP_MESSAGE_BYTES, type JumpBrokerMessage } from '../../protocol/jump.ts';
import { PasserelleError } from '../errors.ts';
import type { Services } from '../services/index.ts';
import type { JumpAgentSink } from '../services/jump-clients.ts';
import { parseText, replyFailure, sendJson } from './socket-kit.ts';

const HELLO_TIMEOUT_MS = 10_000;

export function registerJumpGateway(app: FastifyInstance, services: Services): void {
  const { jumpClients, log } = services;
  app.get('/ws/jump', { websocket: true, config: { access: 'public' } }, (socket, req) => {
    const address = req.ip;
    const send = (msg: JumpBrokerMessage) => sendJson(socket, msg);
    // Admission: at most so many connections being authenticated at once; the rest are told when
    // to come back (a fleet reconnecting after a restart), and their work is not queued.
    const admission = jumpClients.admit();
    if (!admission.ok) {
      send({ type: 'busy', retryAfterMs: admission.retryAfterMs });
      socket.close(JumpClose.busy, 'busy');
      return;
    }
    let admitted = true;
    const release = () => {
      if (!admitted) return;
      admitted = false;
      jumpClients.release();
    };
    let clientId: string | null = null;
    let starting = false;
    const sink: JumpAgentSink = {
      address,
      alive: true,
      send,
      close: (code, reason) => socket.close(code, reason),
      ping: () => socket.ping(),
      terminate: () => socket.terminate(),
    };
    const reply = replyFailure(log, send, 'jump client message');
    const fail = (err: unknown, close?: number) => {
      reply(err, { clientId, address });
      if (close) {
        release();
        socket.close(close, 'refused');
      }
    };
    const helloTimer = setTimeout(() => fail(new PasserelleError('out_of_order', 'Say hello first'), JumpClose.protocol), HELLO_TIMEOUT_MS);
    socket.on('pong', () => (sink.alive = true));
    socket.on('message', (data, isBinary) => {
      // Before the hello, anything wrong ends the connection; after it, it is answered.
      const closeIfNew = clientId ? undefined : JumpClose.protocol;
      if (isBinary) return fail(new PasserelleError('bad_request', `Text messages of at most ${MAX_JUMP_MESSAGE_BYTES} bytes only`), closeIfNew);
      const r = parseText(data, JumpAgentMessage, MAX_JUMP_MESSAGE_BYTES);
      if (!r.ok) return fail(r.error, closeIfNew);
      const msg = r.msg;
      if (msg.type === 'hello') {
        if (clientId || starting) return fail(new PasserelleError('out_of_order', 'Already said hello'));
        starting = true;
        clearTimeout(helloTimer);
        jumpClients.hello(msg, sink).then(
          (rec) => {
            release();
            clientId = rec.id;
            if (socket.readyState !== socket.OPEN) jumpClients.disconnected(rec.id, sink);
          },
          (err: unknown) => fail(err, err instanceof PasserelleError && err.code === 'protocol_version' ? JumpClose.protocol : JumpClose.refused),
        );
        return;
      }
      if (!clientId) return fail(new PasserelleError('out_of_order', 'Say hello first'), JumpClose.protocol);
      jumpClients.message(clientId, msg).catch((err: unknown) => fail(err));
    });
    socket.on('close', () => {
      clearTimeout(helloTimer);
      release();
      if (clientId) jumpClients.disconnected(clientId, sink);
    });
  });
}
